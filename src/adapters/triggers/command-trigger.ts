import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import type { TriggerConfig } from '../../config/schema.js';
import { printable } from '../../domain/serial.js';
import type { DescribedRequest, JobRequest, JobTrigger, TriggeredJob } from '../../ports/job-trigger.js';
import { checkParameters } from './job-parameters.js';
import { safeLink } from './links.js';
import { triggerError, type FailureContext } from './trigger-failure.js';
import type { TriggerLogger, TriggerOptions } from './trigger-options.js';

type CommandConfig = Extract<TriggerConfig, { type: 'command' }>;

/** What is kept of each output stream: its end, where the URL and the reason of a failure are. */
const KEPT_BYTES = 64 * 1024;
/** A program that ignores SIGTERM gets this long (at most its timeout) before SIGKILL. */
const KILL_GRACE_MS = 1000;
/** How long output may still come after the program exited. */
const DRAIN_MS = 200;
/** The variables the program gets besides the parameters, so that it can find programs and its configuration. */
const INHERITED = ['PATH', 'HOME'] as const;

type Ending =
  | { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'not-run'; error: NodeJS.ErrnoException };

/** The end of a stream, at most KEPT_BYTES of it. */
class Tail {
  private chunks: Buffer[] = [];
  private size = 0;
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= KEPT_BYTES) this.size -= this.chunks.shift()?.length ?? 0;
  }
  text(): string {
    return Buffer.concat(this.chunks).subarray(-KEPT_BYTES).toString('utf8');
  }
}

/** argv as a person would type it in a shell, for messages and `describe()`. */
function shellQuoted(argv: readonly string[]): string {
  return argv
    .map((word) => (/^[A-Za-z0-9_/.,:=+@%-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`))
    .join(' ');
}

/**
 * Runs a local program, without a shell: the parameters reach it as
 * environment variables, whatever they contain, and nothing else of the
 * bot's environment does (its secrets among it) except PATH and HOME.
 * The last line it prints, when it is an http(s) URL, is where the job
 * can be followed.
 */
export class CommandTrigger implements JobTrigger {
  readonly description: string;
  private readonly spawn: typeof nodeSpawn;
  private readonly inherited: Record<string, string>;

  constructor(
    private readonly config: CommandConfig,
    env: NodeJS.ProcessEnv,
    options: TriggerOptions,
    private readonly log: TriggerLogger,
  ) {
    this.description = `command ${shellQuoted(config.argv)}`;
    this.spawn = options.spawn ?? nodeSpawn;
    this.inherited = {};
    for (const name of INHERITED) {
      const value = env[name];
      if (value !== undefined) this.inherited[name] = value;
    }
  }

  describe(request: JobRequest): DescribedRequest {
    this.check(request);
    return { method: 'exec', url: shellQuoted(this.config.argv), parameters: { ...request.parameters }, headers: [] };
  }

  async trigger(request: JobRequest): Promise<TriggeredJob> {
    const context = this.check(request);
    const [program = '', ...args] = this.config.argv;
    // A path to a missing or non-executable file would only show as exit status 127 of a program that never ran.
    if (program.includes('/')) {
      try {
        await access(program, constants.X_OK);
      } catch (error) {
        const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such program' : 'not executable';
        throw triggerError(context, `could not run ${program}: ${why}`, { sent: false });
      }
    }
    const stdout = new Tail();
    const stderr = new Tail();
    let child: ChildProcess;
    try {
      child = this.spawn(program, args, {
        shell: false,
        env: { ...this.inherited, ...request.parameters },
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group, so that a timeout kills what it started too
        // (a `sleep`, a `curl`), which would otherwise keep its output open.
        detached: true,
      });
    } catch (error) {
      throw triggerError(context, `could not run ${program}: ${(error as Error).message}`, {
        sent: false,
        cause: error,
      });
    }
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    const { ending, timedOut } = await this.wait(child);
    const stderrEnd = lastLines(stderr.text());
    const said = stderrEnd === '' ? '' : `; its error output ends with: ${stderrEnd}`;
    if (ending.kind === 'not-run') {
      const why = ending.error.code === 'ENOENT' ? 'no such program in PATH' : ending.error.message;
      throw triggerError(context, `could not run ${program}: ${why}`, { sent: false, cause: ending.error });
    }
    if (timedOut) {
      throw triggerError(context, `did not finish within ${this.config.timeout_ms} ms and was killed${said}`, {
        sent: true,
      });
    }
    if (ending.code !== 0) {
      const how = ending.signal !== null ? `was killed by ${ending.signal}` : `exited with status ${ending.code}`;
      throw triggerError(context, `${how}${said}`, { sent: true });
    }
    const last = stdout
      .text()
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .at(-1);
    return { status: 'started', url: last === undefined ? undefined : safeLink(last) };
  }

  /** Until the program ends, or its timeout: SIGTERM to its group, then SIGKILL if it lingers. */
  private wait(child: ChildProcess): Promise<{ ending: Ending; timedOut: boolean }> {
    return new Promise((resolve) => {
      let timedOut = false;
      let exited = false;
      const timers = new Set<NodeJS.Timeout>();
      const later = (ms: number, action: () => void) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          action();
        }, ms);
        timers.add(timer);
      };
      const settle = (ending: Ending) => {
        for (const timer of timers) clearTimeout(timer);
        resolve({ ending, timedOut });
      };
      const killGroup = (signal: NodeJS.Signals) => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, signal);
        } catch {
          // Already gone.
        }
      };
      child.once('error', (error: NodeJS.ErrnoException) => {
        // `error` also comes when a kill fails; only one before any exit means the program never ran.
        if (child.pid === undefined) settle({ kind: 'not-run', error });
      });
      child.once('exit', () => {
        exited = true;
        // Something it left running in the background may hold its output
        // open; what the program itself wrote has arrived by then.
        later(DRAIN_MS, () => {
          child.stdout?.destroy();
          child.stderr?.destroy();
        });
      });
      child.once('close', (code: number | null, signal: NodeJS.Signals | null) =>
        settle({ kind: 'exited', code, signal }),
      );
      later(this.config.timeout_ms, () => {
        if (exited) return;
        timedOut = true;
        this.log.warn(`${this.description}: still running after ${this.config.timeout_ms} ms, stopping it`);
        killGroup('SIGTERM');
        later(Math.min(KILL_GRACE_MS, this.config.timeout_ms), () => killGroup('SIGKILL'));
      });
    });
  }

  private check(request: JobRequest): FailureContext {
    const context: FailureContext = {
      description: this.description,
      ci: 'the command',
      job: request.job,
      // The command holds no credential, and gets none.
      redact: (text) => text,
    };
    checkParameters(request, context);
    for (const [name, value] of Object.entries(request.parameters)) {
      if ((INHERITED as readonly string[]).includes(name)) {
        throw triggerError(context, `parameter ${name} would replace the program's own ${name}`, { sent: false });
      }
      if (value.includes('\0')) {
        throw triggerError(
          context,
          `parameter ${name} contains a NUL byte, which an environment variable cannot hold`,
          {
            sent: false,
          },
        );
      }
    }
    return context;
  }
}

/** The last few lines of a program's output, printable, for a message. */
function lastLines(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '');
  return printable(lines.slice(-5).join('\n').slice(-500), 500);
}
