import { mkdtemp, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReceivedRequest } from './ci-behaviour.js';

/** What a test program saw: its argv and its whole environment. */
export interface CommandRun {
  argv: string[];
  env: Record<string, string>;
}

/**
 * A Node program that records its argv and environment (one JSON line per
 * run in the file named by its first argument), then behaves as its second
 * argument says: `accept` prints a URL last, `refuse` explains on stderr and
 * exits 2, `fail` kills itself, `hang` never ends.
 */
const RECORDER = `
import { appendFileSync } from 'node:fs';
const [record, mode] = process.argv.slice(2);
appendFileSync(record, JSON.stringify({ argv: process.argv, env: process.env }) + '\\n');
switch (mode) {
  case 'accept':
    console.log('Triggered the job.');
    console.log('https://ci.example/job/tag-apt-snapshots/5/');
    break;
  case 'refuse':
    console.error('tag-apt-snapshots: starting…');
    console.error('error: TAG is not a release tag');
    process.exit(2);
  case 'fail':
    console.error('lost the connection to the CI');
    process.kill(process.pid, 'SIGKILL');
    break;
  case 'hang':
    setInterval(() => undefined, 1000);
    break;
}
`;

export interface ScriptDir {
  dir: string;
  /** Writes an executable file. */
  write(name: string, content: string): Promise<string>;
  /** The recorder, with its record file. */
  recorder: string;
  record: string;
  runs(): Promise<CommandRun[]>;
  close(): Promise<void>;
}

export async function scriptDir(): Promise<ScriptDir> {
  const dir = await mkdtemp(join(tmpdir(), 'apt-snapshots-triggers-'));
  const write = async (name: string, content: string) => {
    const path = join(dir, name);
    await writeFile(path, content);
    await chmod(path, 0o755);
    return path;
  };
  const recorder = await write('recorder.mjs', RECORDER);
  const record = join(dir, 'runs.jsonl');
  return {
    dir,
    write,
    recorder,
    record,
    runs: async () => {
      const text = await readFile(record, 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as CommandRun);
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A run as the contract compares it with describe(): argv as the URL, the environment but PATH and HOME as parameters. */
export function asReceived(run: CommandRun): ReceivedRequest {
  const parameters = Object.fromEntries(Object.entries(run.env).filter(([name]) => name !== 'PATH' && name !== 'HOME'));
  return { method: 'exec', url: run.argv.join(' '), parameters, headerNames: [] };
}
