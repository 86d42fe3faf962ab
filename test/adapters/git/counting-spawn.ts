import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { SpawnFn } from '../../../src/adapters/git/cat-file.js';

/** A spawn that really starts git, and records each process and every object name asked of it. */
export function countingSpawn(): { spawn: SpawnFn; children: ChildProcessWithoutNullStreams[]; requests: string[] } {
  const children: ChildProcessWithoutNullStreams[] = [];
  const requests: string[] = [];
  const counting: SpawnFn = (command, args, options) => {
    const child = spawn(command, args, options);
    children.push(child);
    const write = child.stdin.write.bind(child.stdin) as (chunk: string) => boolean;
    child.stdin.write = ((chunk: string) => {
      requests.push(...chunk.split('\n').filter((line) => line !== ''));
      return write(chunk);
    }) as typeof child.stdin.write;
    return child;
  };
  return { spawn: counting, children, requests };
}
