import { EXIT, type CliIo, type OutputStream } from './io.js';
import { main } from './main.js';

/**
 * One of this process's output streams. A write that fails (a reader that
 * went away, a full disk) is an 'error' event, which Node would otherwise
 * turn into an uncaught exception and a stack trace; here it is kept, later
 * writes are dropped, and the command still runs to its end (a plan being
 * applied is not cut off half-way), after which the exit code says what
 * happened to the output.
 */
class ProcessStream implements OutputStream {
  failure: NodeJS.ErrnoException | undefined;

  constructor(private readonly stream: NodeJS.WriteStream) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      this.failure ??= error;
    });
  }

  get isTTY(): boolean {
    return this.stream.isTTY === true;
  }

  get columns(): number | undefined {
    return this.stream.isTTY ? this.stream.columns : undefined;
  }

  write(chunk: string): boolean {
    if (this.failure !== undefined || this.stream.destroyed) return false;
    return this.stream.write(chunk);
  }

  /** Resolves once what was written so far is out, or has failed. */
  flushed(): Promise<void> {
    if (this.failure !== undefined || this.stream.destroyed) return Promise.resolve();
    return new Promise((resolve) => this.stream.write('', () => resolve()));
  }
}

/** "no space left on device" from Node's "ENOSPC: no space left on device, write". */
function reason(error: NodeJS.ErrnoException): string {
  return /^[A-Z]+: (.+), \w+$/.exec(error.message)?.[1] ?? error.message;
}

/**
 * Runs the command line as this process and returns its exit code. A broken
 * pipe on standard output ends quietly with 141, as git and coreutils do;
 * any other failure to write it is one line on standard error and 74. A
 * failure to write standard error itself can only be told by the code.
 */
export async function runAsProcess(argv: string[], proc: NodeJS.Process = process): Promise<number> {
  const stdout = new ProcessStream(proc.stdout);
  const stderr = new ProcessStream(proc.stderr);
  const io: CliIo = { stdout, stderr, stdin: proc.stdin, env: proc.env, cwd: proc.cwd() };
  const code = await main(argv, io);
  await stdout.flushed();
  if (stdout.failure !== undefined) {
    if (stdout.failure.code === 'EPIPE') return EXIT.brokenPipe;
    stderr.write(`apt-snapshots-bot: cannot write standard output: ${reason(stdout.failure)}\n`);
    await stderr.flushed();
    return EXIT.output;
  }
  await stderr.flushed();
  if (stderr.failure !== undefined) return stderr.failure.code === 'EPIPE' ? EXIT.brokenPipe : EXIT.output;
  return code;
}
