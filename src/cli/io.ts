/** Where a command writes; process.stdout and a test's collector both fit. */
export interface OutputStream {
  write(chunk: string): unknown;
  /** Set on a terminal: progress, colour and wrapping are only for terminals. */
  isTTY?: boolean;
  /** A terminal's width, to wrap long lines to it. */
  columns?: number;
}

/**
 * Everything a command touches of its process, passed in so tests capture
 * the output and set the environment without touching the real process.
 */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: AsyncIterable<string | Buffer>;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The exit codes every command shares; the README documents them. */
export const EXIT = {
  success: 0,
  /** The state judged is wrong, or an action could not be planned or done. */
  failure: 1,
  /** Bad usage, or a repository, revision or file that cannot be read. */
  usage: 2,
  /** The snapshot server was needed and could not answer. */
  server: 3,
  /** A bug in the program itself (EX_SOFTWARE). */
  internal: 70,
  /** Standard output or error could not be written: a full disk, an I/O error (EX_IOERR). */
  output: 74,
  /**
   * The reader of standard output went away (EPIPE, as `| head -1`): what git
   * and coreutils end with, killed by SIGPIPE (128 + 13), which Node ignores.
   */
  brokenPipe: 141,
} as const;

export async function readAll(input: AsyncIterable<string | Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
