import { buildRefQuery, isTreePath, readTargets } from '../../../src/adapters/github/ref-query.js';
import { ReadError } from '../../../src/errors.js';

describe('readTargets', () => {
  it('reads a path asked twice once, as deep and as large as asked', () => {
    expect(
      readTargets({
        files: [
          { path: 'config/base_branch', maxBytes: 3 },
          { path: 'debian/changelog', maxBytes: 10 },
        ],
        dirs: [
          { path: 'config/base_branch', depth: 1, maxBytes: 100 },
          { path: 'debian/changelog', depth: 2, maxBytes: 1 },
        ],
      }),
    ).toEqual([
      { path: 'config/base_branch', depth: 1, maxBytes: 100 },
      { path: 'debian/changelog', depth: 2, maxBytes: 10 },
    ]);
  });

  it('drops paths no tree can hold', () => {
    expect(
      readTargets({
        files: [
          { path: 'a/../b', maxBytes: 1 },
          { path: 'ok', maxBytes: 1 },
        ],
        dirs: [],
      }).map((t) => t.path),
    ).toEqual(['ok']);
  });
});

describe('isTreePath', () => {
  it.each([
    ['', true],
    ['config', true],
    ['config/APT_snapshots.d/wéird origin/serial', true],
    ['.github/apt-snapshots.yml', true],
    ['/config', false],
    ['config/', false],
    ['a//b', false],
    ['./a', false],
    ['a/..', false],
    ['a\0b', false],
  ])('%j: %s', (path, expected) => {
    expect(isTreePath(path)).toBe(expected);
  });
});

describe('buildRefQuery', () => {
  const spec = {
    files: [
      { path: 'config/base_branch', maxBytes: 10 },
      { path: 'config/chroot_apt/preferences', maxBytes: 10 },
    ],
    dirs: [{ path: 'config/APT_overlays.d', depth: 1 as const, maxBytes: 0 }],
  };

  it('asks for each revision its commit, each path, and each distinct parent directory once', () => {
    const { variables, revisions } = buildRefQuery(['refs/heads/devel', 'abc123'], spec);

    expect(variables).toEqual({
      c0: 'refs/heads/devel',
      o0_0: 'refs/heads/devel:config/base_branch',
      t0_0: 'refs/heads/devel:config',
      o0_1: 'refs/heads/devel:config/chroot_apt/preferences',
      t0_1: 'refs/heads/devel:config/chroot_apt',
      o0_2: 'refs/heads/devel:config/APT_overlays.d',
      c1: 'abc123',
      o1_0: 'abc123:config/base_branch',
      t1_0: 'abc123:config',
      o1_1: 'abc123:config/chroot_apt/preferences',
      t1_1: 'abc123:config/chroot_apt',
      o1_2: 'abc123:config/APT_overlays.d',
    });
    expect(revisions.map((r) => [r.rev, r.commit, [...r.listings]])).toEqual([
      [
        'refs/heads/devel',
        'c0',
        [
          ['config', 't0_0'],
          ['config/chroot_apt', 't0_1'],
        ],
      ],
      [
        'abc123',
        'c1',
        [
          ['config', 't1_0'],
          ['config/chroot_apt', 't1_1'],
        ],
      ],
    ]);
  });

  it('declares every variable and defines only the fragments it uses', () => {
    const { query, variables } = buildRefQuery(['abc123'], spec);

    for (const name of Object.keys(variables)) expect(query).toContain(`$${name}: String!`);
    expect(query.match(/^fragment (\w+)/gm)).toEqual([
      'fragment CommitInfo',
      'fragment Content',
      'fragment Names',
      'fragment Listing',
      'fragment Depth0',
      'fragment Depth1',
    ]);
  });

  it.each(['a:b', 'a b', '', 'new\nline'])('rejects the revision %j', (rev) => {
    expect(() => buildRefQuery([rev], spec)).toThrow(ReadError);
    expect(() => buildRefQuery(['abc123'], spec, { rev, appId: 1 })).toThrow(ReadError);
  });

  it("asks for the app's check runs on one revision's commit, the app id as an Int variable", () => {
    const { query, variables, checkRuns } = buildRefQuery(['abc123', 'def456'], spec, { rev: 'abc123', appId: 4242 });

    expect(checkRuns).toBe('runs');
    expect(variables).toMatchObject({ runs: 'abc123', appId: 4242 });
    expect(query).toContain('runs: object(expression: $runs) { ...AppCheckRuns }');
    expect(query).toContain('$appId: Int!');
    expect(query).toContain('$runs: String!');
    expect(query).toMatch(
      /^fragment AppCheckRuns on Commit \{ oid checkSuites\(first: \d+, filterBy: \{ appId: \$appId \}\)/m,
    );
  });

  it('asks for no check runs unless told to', () => {
    const { query, variables, checkRuns } = buildRefQuery(['abc123'], spec);

    expect(checkRuns).toBeUndefined();
    expect(Object.keys(variables)).not.toContain('appId');
    expect(query).not.toContain('AppCheckRuns');
  });
});
