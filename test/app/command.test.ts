import { parseCommand } from '../../src/app/command.js';

describe('parseCommand', () => {
  it.each([
    ['/apt-snapshots freeze testing', { kind: 'plan', action: 'freeze', branch: 'testing', origins: [] }],
    ['/apt-snapshots thaw devel', { kind: 'plan', action: 'thaw', branch: 'devel', origins: [] }],
    ['/apt-snapshots bump stable', { kind: 'plan', action: 'bump', branch: 'stable', origins: [] }],
    [
      '/apt-snapshots bump stable debian torproject debian',
      { kind: 'plan', action: 'bump', branch: 'stable', origins: ['debian', 'torproject'] },
    ],
    [
      '/apt-snapshots bump feature/bookworm debian-security',
      { kind: 'plan', action: 'bump', branch: 'feature/bookworm', origins: ['debian-security'] },
    ],
    ['/apt-snapshots check', { kind: 'check' }],
    ['/apt-snapshots check devel', { kind: 'check', branch: 'devel' }],
    [
      'Release time!\r\n\r\n  /apt-snapshots   thaw   devel  \r\nthanks',
      { kind: 'plan', action: 'thaw', branch: 'devel', origins: [] },
    ],
    [
      '/apt-snapshotsy is not it\n/apt-snapshots thaw devel',
      { kind: 'plan', action: 'thaw', branch: 'devel', origins: [] },
    ],
    [
      '> /apt-snapshots freeze testing\n/apt-snapshots thaw devel',
      { kind: 'plan', action: 'thaw', branch: 'devel', origins: [] },
    ],
  ])('%j', (body, expected) => {
    expect(parseCommand(body)).toEqual(expected);
  });

  it.each([
    ['no command at all', 'LGTM'],
    ['a quoted command', '> /apt-snapshots thaw devel'],
    ['a command inside a line', 'please run /apt-snapshots thaw devel'],
    ['a longer word', '/apt-snapshotsy thaw devel'],
  ])('finds nothing in %s', (_name, body) => {
    expect(parseCommand(body)).toBeUndefined();
  });

  it.each([
    ['/apt-snapshots', 'no command given'],
    ['/apt-snapshots melt devel', 'unknown command'],
    ['/apt-snapshots thaw', '`thaw` needs a branch'],
    ['/apt-snapshots thaw devel testing', '`thaw` takes exactly one branch'],
    ['/apt-snapshots freeze -f', 'that is not a branch name'],
    ['/apt-snapshots freeze a..b', 'that is not a branch name'],
    ['/apt-snapshots freeze devel.lock', 'that is not a branch name'],
    ['/apt-snapshots freeze devel/', 'that is not a branch name'],
    ['/apt-snapshots freeze de`vel', 'that is not a branch name'],
    ['/apt-snapshots bump stable Debian', 'origin names are lowercase letters, digits and . + -'],
    ['/apt-snapshots bump stable ../etc', 'origin names are lowercase letters, digits and . + -'],
    [`/apt-snapshots bump stable ${Array.from({ length: 21 }, (_, i) => `o${i}`).join(' ')}`, 'at most 20 origins'],
    ['/apt-snapshots check devel testing', '`check` takes at most one branch'],
    ['/apt-snapshots check ;rm', 'that is not a branch name'],
    [
      '/apt-snapshots freeze testing\n/apt-snapshots bump stable',
      'one command per comment, and this one has 2: none was run',
    ],
  ])('refuses %j: %s', (body, reason) => {
    expect(parseCommand(body)).toEqual({ kind: 'invalid', reason });
  });

  it('refuses a huge comment of command lines at once, running none', () => {
    const body = Array.from({ length: 5000 }, () => '/apt-snapshots thaw devel').join('\n');
    expect(parseCommand(body)).toEqual({
      kind: 'invalid',
      reason: 'one command per comment, and this one has 5000: none was run',
    });
  });
});
