/** A branch to judge as pushed: `rev` is a sha or refs/heads/NAME. */
export interface PushTarget {
  kind: 'push';
  branch: string;
  rev: string;
  before?: string;
  /** A force push: `before` gives the rules, and a topic branch is not compared with it. */
  rewritten?: boolean;
  /** The push created the branch: the default branch's rules stand in for those before it. */
  created?: boolean;
}

/** A pull request to judge: its head judged against its base, under its base's rules. */
export interface PullRequestTarget {
  kind: 'pull_request';
  number: number;
  branch: string;
  rev: string;
  baseRef: string;
  /** What to read as the base: its sha, or refs/heads/NAME to judge against where the base is now. */
  baseRev: string;
  /** The base's last known sha, for a check that must be written before anything could be read. */
  baseSha: string;
  fromFork: boolean;
}

export type JudgeTarget = PushTarget | PullRequestTarget;

export const ZERO_SHA = '0000000000000000000000000000000000000000';

export function branchRef(branch: string): string {
  return `refs/heads/${branch}`;
}
