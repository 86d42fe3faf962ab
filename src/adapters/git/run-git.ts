import { execFile } from 'node:child_process';

/**
 * One-shot git commands. We call git through child_process rather than
 * simple-git because every caller needs the exit code itself (`rev-parse
 * --verify --quiet` answers "no" with exit 1 and no output), NUL-separated
 * output, and an explicit environment (a server hook's GIT_DIR and quarantine
 * variables), and because the long-lived `cat-file --batch` process has to
 * use child_process anyway: one mechanism for both.
 */
export interface RunGitOptions {
  /** Defaults to this process's environment, so GIT_DIR and friends apply. */
  env?: NodeJS.ProcessEnv;
  /** Exit codes that are answers rather than failures; 0 always is. */
  okCodes?: number[];
}

export interface GitRun {
  stdout: string;
  code: number;
}

/** git could not be started, or exited with a code the caller did not expect. */
export class GitCommandError extends Error {
  override name = 'GitCommandError';
  constructor(
    readonly repoDir: string,
    readonly args: string[],
    readonly code: number | null,
    readonly stderr: string,
    options?: { cause?: unknown },
  ) {
    // Duck-typed: errors from Node's own modules may come from another realm (Jest's VM) than this Error.
    const causeMessage = (options?.cause as { message?: unknown } | undefined)?.message;
    const detail = stderr.trim() || (typeof causeMessage === 'string' ? causeMessage : `exit code ${code}`);
    // Global options such as --literal-pathspecs come first: name the command itself.
    super(`git ${args.find((arg) => !arg.startsWith('-')) ?? ''} failed in ${repoDir}: ${detail}`, options);
  }
}

const MAX_OUTPUT = 512 * 1024 * 1024;

export function runGit(repoDir: string, args: string[], options: RunGitOptions = {}): Promise<GitRun> {
  const okCodes = options.okCodes ?? [];
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { cwd: repoDir, env: options.env ?? process.env, maxBuffer: MAX_OUTPUT, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ stdout, code: 0 });
          return;
        }
        const code = typeof error.code === 'number' ? error.code : null;
        if (code !== null && okCodes.includes(code)) {
          resolve({ stdout, code });
          return;
        }
        reject(new GitCommandError(repoDir, args, code, stderr, { cause: error }));
      },
    );
  });
}
