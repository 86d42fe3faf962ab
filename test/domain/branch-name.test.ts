import { execFileSync } from 'node:child_process';
import { branchNameProblem, confusableBase, normalizeBranchName } from '../../src/domain/branch-name.js';

function gitAccepts(name: string): boolean {
  try {
    execFileSync('git', ['check-ref-format', '--branch', name], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

describe('normalizeBranchName', () => {
  it.each([
    ['devel', 'devel'],
    ['refs/heads/devel', 'devel'],
    ['refs/heads/feature/1234-foo', 'feature/1234-foo'],
    ['refs/remotes/origin/devel', 'devel'],
    ['remotes/upstream/testing', 'testing'],
    ['feature/bookworm', 'feature/bookworm'],
  ])('%s is branch %s', (input, branch) => {
    expect(normalizeBranchName(input)).toEqual({ ok: true, branch });
  });

  it('strips the prefix of a known remote only', () => {
    expect(normalizeBranchName('origin/devel', { remotes: ['origin'] })).toEqual({ ok: true, branch: 'devel' });
    expect(normalizeBranchName('origin/devel', { remotes: ['upstream'] })).toEqual({
      ok: true,
      branch: 'origin/devel',
    });
    expect(normalizeBranchName('origin/devel')).toEqual({ ok: true, branch: 'origin/devel' });
  });

  it.each([
    ['devel ', 'it contains a space'],
    [' devel', 'it contains a space'],
    ['devel\n', 'control character \\n'],
    ['', 'it is empty'],
    ['HEAD', 'names the current commit'],
    ['-devel', 'starts with "-"'],
    ['a..b', '".."'],
    ['feature/x.lock', 'ends with ".lock"'],
    ['refs/tags/4.19-rc1', 'is a ref that is not a branch'],
    ['refs/pull/12/head', 'is a ref that is not a branch'],
    ['refs/heads/', 'it is empty'],
  ])('refuses %j, naming the input and why', (input, why) => {
    const result = normalizeBranchName(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContain(JSON.stringify(input).slice(1, -1));
    expect(result.error).toContain(why);
  });
});

describe('branchNameProblem', () => {
  const names = [
    'devel',
    'Devel',
    'devel ',
    'feature/1234-foo',
    'a..b',
    'a/.b',
    '.a',
    'a/',
    '/a',
    'a//b',
    'a.',
    'x.lock',
    'a/b.lock/c',
    'a@{b',
    'a\\b',
    'a:b',
    'a~1',
    'a^',
    'a?',
    'a*',
    'a[b',
    '-foo',
    'HEAD',
    'é/ü',
    'a\tb',
    'a\x7fb',
    'a@b',
    'a.b/c-d_e',
  ];
  it.each(names)('agrees with git check-ref-format --branch on %j', (name) => {
    expect(branchNameProblem(name) === undefined).toBe(gitAccepts(name));
  });
});

describe('confusableBase', () => {
  it('names the base branch a name differs from only in case', () => {
    expect(confusableBase('Devel', ['stable', 'testing', 'devel'])).toBe('devel');
    expect(confusableBase('STABLE', ['stable'])).toBe('stable');
  });
  it.each([
    ['a no-break space', 'devel\u00a0'],
    ['a zero-width space', 'devel\u200b'],
    ['a left-to-right mark', '\u200edevel'],
    ['a fullwidth letter', 'ｄevel'],
    ['a variation selector', 'devel\ufe0f'],
    ['a combining grapheme joiner', 'de\u034fvel'],
    ['a Hangul filler', 'devel\u3164'],
  ])('names the base branch a name differs from only by %s, which git accepts', (_what, name) => {
    expect(confusableBase(name, ['stable', 'devel'])).toBe('devel');
  });
  it('says nothing of a base branch itself or of another name', () => {
    expect(confusableBase('devel', ['devel'])).toBeUndefined();
    expect(confusableBase('feature/devel', ['devel'])).toBeUndefined();
  });
});
