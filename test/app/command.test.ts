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
    ['/apt-snapshots check refs/heads/devel', { kind: 'check', branch: 'devel' }],
    ['/apt-snapshots thaw refs/heads/devel', { kind: 'plan', action: 'thaw', branch: 'devel', origins: [] }],
    // Git takes these as branch names, and so does the bot: they reach GitHub as GraphQL variables, never a shell.
    ['/apt-snapshots check ;rm', { kind: 'check', branch: ';rm' }],
    ['/apt-snapshots freeze de`vel', { kind: 'plan', action: 'freeze', branch: 'de`vel', origins: [] }],
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
    ['/apt-snapshots release 4.19-rc1', { kind: 'release', tag: '4.19-rc1' }],
    [
      '/apt-snapshots release 4.19-rc1 https://ci.example/m.build-manifest',
      { kind: 'release', tag: '4.19-rc1', manifestUrl: 'https://ci.example/m.build-manifest' },
    ],
    ['/apt-snapshots build-iuks 4.19-rc1', { kind: 'build-iuks', tag: '4.19-rc1' }],
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
    ['/apt-snapshots freeze -f', '"-f" is not a valid branch name: it starts with "-"'],
    ['/apt-snapshots freeze a..b', '"a..b" is not a valid branch name: it contains ".."'],
    [
      '/apt-snapshots freeze devel.lock',
      '"devel.lock" is not a valid branch name: its component "devel.lock" ends with ".lock"',
    ],
    ['/apt-snapshots freeze devel/', '"devel/" is not a valid branch name: it has an empty path component'],
    [
      '/apt-snapshots thaw refs/tags/4.19',
      '"refs/tags/4.19" is a ref that is not a branch (branches are refs/heads/NAME)',
    ],
    ['/apt-snapshots check de~vel', '"de~vel" is not a valid branch name: it contains "~"'],
    ['/apt-snapshots bump stable Debian', 'origin names are lowercase letters, digits and . + -'],
    ['/apt-snapshots bump stable ../etc', 'origin names are lowercase letters, digits and . + -'],
    [`/apt-snapshots bump stable ${Array.from({ length: 21 }, (_, i) => `o${i}`).join(' ')}`, 'at most 20 origins'],
    ['/apt-snapshots check devel testing', '`check` takes at most one branch'],
    ['/apt-snapshots release', '`release` needs a tag'],
    ['/apt-snapshots release 4.19-rc1 a b', '`release` takes a tag and at most a manifest URL'],
    ['/apt-snapshots build-iuks 4.19-rc1 now', '`build-iuks` takes a tag alone'],
    ['/apt-snapshots build-iuks ..', '".." is not a tag name: it contains ".."'],
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
