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
  /** Makes stdout claim to be a terminal this wide, as colour and wrapping need. */
  stdoutColumns?: number;
  /** FORCE_COLOR and NO_COLOR for this run; any the test process has are dropped. */
  colorEnv?: { FORCE_COLOR?: string; NO_COLOR?: string };
}

/**
 * The environment without the colour variables the test process may have:
 * Jest sets FORCE_COLOR=1 in its workers when it runs on a terminal, which
 * would colour every report the tests read.
 */
function withoutColorEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => key !== 'FORCE_COLOR' && key !== 'NO_COLOR'));
}

export function collector(isTTY = false, columns?: number): OutputStream & { text: string } {
  const out = {
    text: '',
    isTTY,
    ...(columns === undefined ? {} : { columns }),
    write(chunk: string) {
      out.text += chunk;
      return true;
    },
  };
  return out;
}

/** Runs the command line in-process with captured output. */
export async function runCli(argv: string[], options: RunOptions = {}): Promise<CliRun> {
  const stdout = collector(options.stdoutColumns !== undefined, options.stdoutColumns);
  const stderr = collector(options.stderrIsTTY ?? false);
  const io: CliIo = {
    stdout,
    stderr,
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    env: { ...withoutColorEnv(options.env ?? process.env), ...options.colorEnv },
    cwd: options.cwd ?? process.cwd(),
  };
  const code = await main(argv, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}
