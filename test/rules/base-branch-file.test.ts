import { baseBranchFile } from '../../src/rules/base-branch-file.js';
import { brief, ctxFor, CUSTOM, customConfig, customTree, type Files } from '../helpers/rule-context.js';
import { tailsTree } from '../helpers/snapshot.js';

const PATH = 'config/base_branch';

function withBaseFile(entry: Files[string] | undefined): Files {
  const files = tailsTree();
  delete files[PATH];
  return entry === undefined ? files : { ...files, [PATH]: entry };
}

describe('base-branch-file', () => {
  it.each<[string, string, Files, number | undefined, RegExp]>([
    [
      "a merge that brought testing's file into devel",
      'devel',
      tailsTree({ baseBranch: 'testing' }),
      1,
      /config\/base_branch names "testing" on the base branch devel; a base branch must name itself/,
    ],
    ['stable naming devel', 'stable', tailsTree({ baseBranch: 'devel' }), 1, /names "devel" on the base branch stable/],
    [
      'a port naming devel',
      'feature/bookworm',
      tailsTree({ baseBranch: 'devel' }),
      1,
      /names "devel" on the base branch feature\/bookworm/,
    ],
    [
      'a topic branch naming an unknown branch',
      'feature/1234-foo',
      tailsTree({ baseBranch: 'master' }),
      1,
      /on feature\/1234-foo names "master", which is not a base branch \(stable, testing, devel, or a branch matching \/\^feature\/\[a-z\]\+\$\/\)/,
    ],
    [
      'a topic branch naming itself',
      'feature/1234-foo',
      tailsTree({ baseBranch: 'feature/1234-foo' }),
      1,
      /names "feature\/1234-foo", which is not a base branch/,
    ],
    [
      'a missing file',
      'devel',
      withBaseFile(undefined),
      undefined,
      /config\/base_branch is missing on devel; it must be a text file naming the base branch/,
    ],
    ['a symlink', 'devel', withBaseFile({ symlink: '../devel' }), undefined, /is a symbolic link to "\.\.\/devel"/],
    ['a binary file', 'testing', withBaseFile(Buffer.from([0, 1, 2])), undefined, /is binary/],
    [
      'two lines',
      'devel',
      withBaseFile('devel\ntesting\n'),
      undefined,
      /config\/base_branch on devel has 2 lines; it must hold exactly one line/,
    ],
    ['an empty file', 'devel', withBaseFile('\n'), undefined, /on devel is empty; it must name the base branch/],
    [
      'surrounding whitespace',
      'feature/1234-foo',
      withBaseFile(' devel\n'),
      undefined,
      /" devel" has surrounding whitespace/,
    ],
  ])('reports %s', (_name, branch, files, line, message) => {
    const findings = baseBranchFile.check(ctxFor(branch, files));
    expect(findings.map(brief)).toEqual([
      { rule: 'base-branch-file', severity: 'error', path: PATH, line, fix: undefined },
    ]);
    expect(findings[0]?.message).toMatch(message);
    expect(findings[0]?.hint).toMatch(/config\/base_branch/);
  });

  it('tells a base branch to name itself', () => {
    expect(baseBranchFile.check(ctxFor('devel', tailsTree({ baseBranch: 'testing' })))[0]?.hint).toBe(
      'Write "devel" into config/base_branch.',
    );
  });

  it.each([
    ['devel', 'devel'],
    ['testing', 'testing'],
    ['stable', 'stable'],
    ['feature/bookworm', 'feature/bookworm'],
    ['feature/1234-foo', 'testing'],
    ['bugfix/18000-tor', 'devel'],
    ['feature/1234-foo', 'feature/bookworm'],
  ])('accepts %s naming %s', (branch, name) => {
    expect(baseBranchFile.check(ctxFor(branch, tailsTree({ baseBranch: name })))).toEqual([]);
  });

  it('accepts a file without a final newline', () => {
    expect(baseBranchFile.check(ctxFor('devel', withBaseFile('devel')))).toEqual([]);
  });

  describe('with a non-default configuration', () => {
    const config = customConfig();
    it.each([
      ['main', 'main'],
      ['lts', 'lts'],
      ['topic/x', 'release'],
      ['topic/x', 'port/trixie'],
    ])('accepts %s naming %s', (branch, name) => {
      expect(baseBranchFile.check(ctxFor(branch, customTree({ baseBranch: name }), { config }))).toEqual([]);
    });

    it.each([
      ['main', 'devel', /names "devel" on the base branch main/],
      [
        'topic/x',
        'devel',
        /names "devel", which is not a base branch \(main, release, lts, or a branch matching \/\^port\/\[a-z\]\+\$\/\)/,
      ],
    ])('reports %s naming %s', (branch, name, message) => {
      const findings = baseBranchFile.check(ctxFor(branch, customTree({ baseBranch: name }), { config }));
      expect(findings.map(brief)).toEqual([
        { rule: 'base-branch-file', severity: 'error', path: CUSTOM.BASE_BRANCH, line: 1, fix: undefined },
      ]);
      expect(findings[0]?.message).toMatch(message);
    });

    it('reads the configured path', () => {
      const files = customTree();
      delete files[CUSTOM.BASE_BRANCH];
      expect(baseBranchFile.check(ctxFor('main', files, { config }))[0]?.message).toMatch(
        /^meta\/base-branch is missing on main/,
      );
    });
  });
});
