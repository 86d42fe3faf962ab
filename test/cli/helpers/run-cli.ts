import { Readable } from 'node:stream';
import { main } from '../../../src/cli/main.js';
import type { CliIo, OutputStream } from '../../../src/cli/io.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  stdin?: string;
  /** Makes stderr claim to be a terminal, as progress output needs. */
  stderrIsTTY?: boolean;
}

export function collector(isTTY = false): OutputStream & { text: string } {
  const out = {
    text: '',
    isTTY,
    write(chunk: string) {
      out.text += chunk;
      return true;
    },
  };
  return out;
}

/** Runs the command line in-process with captured output. */
export async function runCli(argv: string[], options: RunOptions = {}): Promise<CliRun> {
  const stdout = collector();
  const stderr = collector(options.stderrIsTTY ?? false);
  const io: CliIo = {
    stdout,
    stderr,
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    env: options.env ?? process.env,
    cwd: options.cwd ?? process.cwd(),
  };
  const code = await main(argv, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}
