import { printable } from './serial.js';

export type BranchNameResult = { ok: true; branch: string } | { ok: false; error: string };

export interface BranchNameOptions {
  /**
   * The repository's remotes: `origin/devel` means devel when `origin` is one
   * of them (Jenkins' GIT_BRANCH, a remote-tracking branch typed by hand).
   * Payloads name no remote, so the app passes none.
   */
  remotes?: readonly string[];
}

const HEADS = 'refs/heads/';
const REMOTES = /^(?:refs\/)?remotes\/[^/]+\/(.+)$/s;

/**
 * Why `git check-ref-format --branch` refuses `name`, or undefined when it
 * accepts it. Written out rather than run, so the app needs no git binary,
 * and held to git itself by a test.
 */
export function branchNameProblem(name: string): string | undefined {
  if (name === '') return 'it is empty';
  if (name === 'HEAD' || name === '@') return `"${name}" names the current commit, not a branch`;
  if (name.startsWith('-')) return 'it starts with "-"';
  const control = /[\x00-\x20\x7f]/.exec(name);
  if (control) {
    return control[0] === ' ' ? 'it contains a space' : `it contains the control character ${printable(control[0])}`;
  }
  const forbidden = /[~^:?*[\\]/.exec(name);
  if (forbidden) return `it contains "${forbidden[0]}"`;
  if (name.includes('..')) return 'it contains ".."';
  if (name.includes('@{')) return 'it contains "@{"';
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) return 'it has an empty path component';
  if (name.endsWith('.')) return 'it ends with "."';
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return `its component "${printable(part)}" starts with "."`;
    if (part.endsWith('.lock')) return `its component "${printable(part)}" ends with ".lock"`;
  }
  return undefined;
}

/**
 * The one way a name a user, a payload or CI gives becomes a branch name:
 * `refs/heads/devel` (GITHUB_REF, push payloads), `refs/remotes/origin/devel`
 * and, for a known remote, `origin/devel` all mean devel. Anything git would
 * not take as a branch name, and refs that are not branches (tags, pull
 * request refs), are refused with the reason, never judged as some other
 * branch.
 */
export function normalizeBranchName(input: string, options: BranchNameOptions = {}): BranchNameResult {
  let name = input;
  if (name.startsWith(HEADS)) name = name.slice(HEADS.length);
  else {
    const remote = REMOTES.exec(name);
    if (remote) name = remote[1] as string;
    else if (name.startsWith('refs/')) {
      return { ok: false, error: `"${printable(input)}" is a ref that is not a branch (branches are refs/heads/NAME)` };
    } else {
      const known = (options.remotes ?? []).find((r) => name.startsWith(`${r}/`));
      if (known !== undefined) name = name.slice(known.length + 1);
    }
  }
  const problem = branchNameProblem(name);
  if (problem !== undefined)
    return { ok: false, error: `"${printable(input)}" is not a valid branch name: ${problem}` };
  return { ok: true, branch: name };
}

/**
 * What no one sees in a name: format characters and spaces (a no-break
 * space, a zero-width space, a direction mark) and every code point
 * Unicode says to ignore when unsupported (variation selectors, the
 * combining grapheme joiner, Hangul fillers).
 */
const INVISIBLE = /[\p{Cf}\p{Z}\p{Default_Ignorable_Code_Point}]/gu;

function looks(name: string): string {
  return name.normalize('NFKC').replace(INVISIBLE, '').toLowerCase();
}

/**
 * The base branch `branch` only looks like, if any: differing in letter
 * case, Unicode compatibility forms or invisible characters. Git's names
 * are exact, so `Devel` or `devel` followed by a no-break space is not
 * devel, but whoever typed or pushed it almost certainly meant devel, and
 * judging it as a topic branch would let devel's state pass unjudged.
 */
export function confusableBase(branch: string, bases: readonly string[]): string | undefined {
  if (bases.includes(branch)) return undefined;
  const seen = looks(branch);
  return bases.find((base) => looks(base) === seen);
}
