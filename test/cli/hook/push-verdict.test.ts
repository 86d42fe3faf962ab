import { changedPaths, findingKey, pushVerdict, type PushVerdict } from '../../../src/cli/hook/push-verdict.js';
import type { Finding } from '../../../src/domain/finding.js';
import { fakeState, PATHS, tailsTree } from '../../helpers/snapshot.js';

const FROZEN = { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051301' };

describe('changedPaths', () => {
  it('is empty for the same content', () => {
    expect([...changedPaths(fakeState(tailsTree()), fakeState(tailsTree()))]).toEqual([]);
  });

  it('names a changed serial file and the directories above it', () => {
    const changed = changedPaths(
      fakeState(tailsTree()),
      fakeState(tailsTree({ main: { debian: '2021051301', 'debian-security': 'latest', torproject: 'latest' } })),
    );
    expect([...changed].sort()).toEqual([
      'config',
      'config/APT_snapshots.d',
      `${PATHS.MAIN}/debian`,
      `${PATHS.MAIN}/debian/serial`,
    ]);
  });

  it.each([
    ['config/base_branch', tailsTree({ baseBranch: 'testing' })],
    ['config/chroot_apt/preferences', tailsTree({ preferences: 'Package: x\nPin-Priority: 1\n' })],
    ['config/APT_overlays.d', tailsTree({ overlays: ['a.list'] })],
    [PATHS.BUILDER, tailsTree({ builder: { debian: '2021042702', tails: '2021050302' } })],
    ['.github/apt-snapshots.yml', { ...tailsTree(), '.github/apt-snapshots.yml': 'branches: {}\n' }],
  ])('notices a change to %s', (path, after) => {
    expect(changedPaths(fakeState(tailsTree()), fakeState(after)).has(path)).toBe(true);
  });

  it('leaves untouched files out', () => {
    const changed = changedPaths(fakeState(tailsTree()), fakeState(tailsTree({ baseBranch: 'testing' })));
    expect(changed.has(`${PATHS.MAIN}/debian/serial`)).toBe(false);
    expect(changed.has(PATHS.MAIN)).toBe(false);
  });
});

const finding = (path: string, message = 'wrong', severity: Finding['severity'] = 'error'): Finding => ({
  rule: 'tracks-latest',
  severity,
  path,
  message,
});

describe('pushVerdict', () => {
  const serial = `${PATHS.MAIN}/debian/serial`;

  it('blocks every error of a new branch', () => {
    expect(pushVerdict([finding(serial), finding('x', 'w', 'warning')])).toEqual({
      blocking: [finding(serial)],
      preexisting: [],
      rulesProblems: [],
    });
  });

  // A push that repairs or removes an invalid rules file changes that file, but must not be refused for it.
  it('never blocks on the problems of the rules that judged the push, even in a file it changed', () => {
    const invalid = finding('.github/apt-snapshots.yml', 'invalid configuration at 1234567: branches.bogus');
    expect(
      pushVerdict(
        [invalid, finding(serial)],
        { findings: [invalid], changed: new Set(['.github/apt-snapshots.yml']) },
        [invalid],
      ),
    ).toEqual({ blocking: [finding(serial)], preexisting: [], rulesProblems: [invalid] });
    expect(pushVerdict([invalid], undefined, [invalid])).toEqual({
      blocking: [],
      preexisting: [],
      rulesProblems: [invalid],
    });
  });

  it.each<[string, Finding[], Finding[], string[], Omit<PushVerdict, 'rulesProblems'>]>([
    ['a new error blocks', [finding(serial)], [], [], { blocking: [finding(serial)], preexisting: [] }],
    [
      'an old error in an untouched file does not',
      [finding(serial)],
      [finding(serial)],
      ['config/base_branch'],
      { blocking: [], preexisting: [finding(serial)] },
    ],
    [
      'an old error in a file the push changed does',
      [finding(serial)],
      [finding(serial)],
      [serial],
      { blocking: [finding(serial)], preexisting: [] },
    ],
    [
      'an old error on a directory the push changed below does',
      [finding(PATHS.MAIN)],
      [finding(PATHS.MAIN)],
      [PATHS.MAIN],
      { blocking: [finding(PATHS.MAIN)], preexisting: [] },
    ],
    [
      'the same file with other words is a new error',
      [finding(serial, 'pinned to 2021051302')],
      [finding(serial, 'pinned to 2021051301')],
      [],
      { blocking: [finding(serial, 'pinned to 2021051302')], preexisting: [] },
    ],
    ['warnings never block', [finding(serial, 'w', 'warning')], [], [serial], { blocking: [], preexisting: [] }],
    [
      'an old warning that became an error blocks',
      [finding(serial)],
      [finding(serial, 'wrong', 'warning')],
      [],
      { blocking: [finding(serial)], preexisting: [] },
    ],
  ])('%s', (_name, after, before, changed, expected) => {
    expect(pushVerdict(after, { findings: before, changed: new Set(changed) })).toEqual({
      ...expected,
      rulesProblems: [],
    });
  });

  it('tells findings apart by rule, path and message only', () => {
    expect(findingKey({ ...finding(serial), hint: 'a' })).toBe(findingKey({ ...finding(serial), hint: 'b', line: 3 }));
    expect(findingKey(finding(serial))).not.toBe(findingKey({ ...finding(serial), rule: 'other' }));
  });

  it('is used with states whose only difference is a frozen serial', () => {
    const before = fakeState(tailsTree());
    const after = fakeState(tailsTree({ main: FROZEN }));
    expect(
      pushVerdict([finding(serial)], { findings: [finding(serial)], changed: changedPaths(before, after) }).blocking,
    ).toEqual([finding(serial)]);
  });
});
