import {
  spawn as nodeSpawn,
  type ChildProcessWithoutNullStreams,
  type SpawnOptionsWithoutStdio,
} from 'node:child_process';
import { ReadError } from '../../errors.js';

export type ObjectType = 'blob' | 'tree' | 'commit' | 'tag';

export interface ObjectInfo {
  sha: string;
  type: ObjectType;
  size: number;
}

export interface GitObject extends ObjectInfo {
  content: Buffer;
}

export const MISSING = 'missing';

export type SpawnFn = (
  command: string,
  args: string[],
  options: SpawnOptionsWithoutStdio,
) => ChildProcessWithoutNullStreams;

export interface CatFileOptions {
  /** Defaults to this process's environment, so GIT_DIR and the quarantine variables of a hook apply. */
  env?: NodeJS.ProcessEnv;
  /** Injectable so tests can count and kill the processes. */
  spawn?: SpawnFn;
}

interface Pending {
  name: string;
  maxBytes: number;
  resolve(result: GitObject | ObjectInfo | typeof MISSING): void;
  reject(error: Error): void;
}

const HEADER = /^([0-9a-f]{40}|[0-9a-f]{64}) (blob|tree|commit|tag) (\d+)$/;
const STDERR_KEPT = 4096;

/**
 * One long-lived `git cat-file --batch` process for a repository. simple-git
 * runs a command and collects its output; it cannot keep a process open and
 * stream requests to it, which is what makes reading hundreds of commits
 * cheap. Requests are pipelined: each name is written at once and answers
 * come back in the same order.
 */
export class CatFile {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly queue: Pending[] = [];
  private failure: ReadError | undefined;
  private stderr = '';
  private readonly exited: Promise<void>;

  // Parser state: either waiting for a header line, or inside an object's body.
  private buffered: Buffer = Buffer.alloc(0);
  private body: { info: ObjectInfo; keep: boolean; chunks: Buffer[]; remaining: number } | undefined;

  constructor(
    readonly repoDir: string,
    options: CatFileOptions = {},
  ) {
    const spawn = options.spawn ?? nodeSpawn;
    this.child = spawn('git', ['cat-file', '--batch'], { cwd: repoDir, env: options.env ?? process.env });
    // A process that could not start emits 'error' and may never emit 'close'.
    this.exited = new Promise((resolve) => {
      this.child.once('close', () => resolve());
      this.child.once('error', () => resolve());
    });
    this.child.on('error', (error) => this.fail(`cannot run git in repository ${repoDir}: ${error.message}`, error));
    this.child.on('close', (code, signal) => {
      const why = this.stderr.trim() || (signal ? `killed by ${signal}` : `exit code ${code}`);
      this.fail(`git cat-file stopped in repository ${repoDir}: ${why}`);
    });
    // Writes after the process died fail with EPIPE; the close handler reports why.
    this.child.stdin.on('error', () => undefined);
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-STDERR_KEPT);
    });
    this.child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  /** The object `name` names (`<sha>`, `<rev>^{commit}`, `<rev>:<path>`…), or MISSING. */
  read(name: string): Promise<GitObject | typeof MISSING>;
  /** Like read, but an object larger than maxBytes comes back without content. */
  read(name: string, options: { maxBytes: number }): Promise<GitObject | ObjectInfo | typeof MISSING>;
  read(
    name: string,
    options: { maxBytes: number } = { maxBytes: Infinity },
  ): Promise<GitObject | ObjectInfo | typeof MISSING> {
    if (this.failure) return Promise.reject(this.failure);
    if (name === '' || /[\n\r\0]/.test(name)) {
      return Promise.reject(
        new ReadError(
          `cannot ask git for ${JSON.stringify(name)} in repository ${this.repoDir}: not a valid object name`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ name, maxBytes: options.maxBytes, resolve, reject });
      this.child.stdin.write(`${name}\n`);
    });
  }

  /** Stops the process; requests still waiting are rejected. */
  async close(): Promise<void> {
    this.fail(`git cat-file for repository ${this.repoDir} was closed`);
    this.child.stdin.end();
    this.child.kill();
    await this.exited;
  }

  private fail(message: string, cause?: unknown): void {
    if (!this.failure) this.failure = new ReadError(message, { cause });
    for (const pending of this.queue.splice(0)) pending.reject(this.failure);
  }

  private onData(chunk: Buffer): void {
    let data = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    this.buffered = Buffer.alloc(0);
    // Once failed, every request was rejected and the process killed: what it still sent answers nobody.
    while (data.length > 0 && !this.failure) {
      if (this.body) {
        data = this.consumeBody(data);
        continue;
      }
      const newline = data.indexOf(0x0a);
      if (newline < 0) {
        this.buffered = data;
        return;
      }
      this.onHeader(data.subarray(0, newline).toString('utf8'));
      data = data.subarray(newline + 1);
    }
  }

  private onHeader(line: string): void {
    const pending = this.queue[0];
    if (!pending) {
      this.protocolError(`an answer nobody asked for: ${JSON.stringify(line)}`);
      return;
    }
    const match = HEADER.exec(line);
    if (match) {
      const info: ObjectInfo = { sha: match[1] as string, type: match[2] as ObjectType, size: Number(match[3]) };
      // The body is followed by a newline, counted here so both end together.
      this.body = { info, keep: info.size <= pending.maxBytes, chunks: [], remaining: info.size + 1 };
      return;
    }
    if (line === `${pending.name} missing`) {
      this.queue.shift();
      pending.resolve(MISSING);
    } else if (line === `${pending.name} ambiguous`) {
      this.queue.shift();
      pending.reject(
        new ReadError(`"${pending.name}" is ambiguous in repository ${this.repoDir}; use more digits or a full name`),
      );
    } else this.protocolError(`an unexpected answer to "${pending.name}": ${JSON.stringify(line)}`);
  }

  private consumeBody(data: Buffer): Buffer {
    const body = this.body as NonNullable<CatFile['body']>;
    const take = Math.min(body.remaining, data.length);
    if (body.keep) body.chunks.push(data.subarray(0, take));
    body.remaining -= take;
    if (body.remaining === 0) {
      this.body = undefined;
      if (data[take - 1] !== 0x0a) {
        this.protocolError(`object ${body.info.sha} without the newline that ends it`);
        return Buffer.alloc(0);
      }
      const pending = this.queue.shift() as Pending;
      if (body.keep) {
        const content = Buffer.concat(body.chunks);
        pending.resolve({ ...body.info, content: content.subarray(0, body.info.size) });
      } else pending.resolve(body.info);
    }
    return data.subarray(take);
  }

  private protocolError(detail: string): void {
    this.fail(`git cat-file in repository ${this.repoDir} gave ${detail}`);
    this.child.kill();
  }
}
