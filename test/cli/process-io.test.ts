import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { cloneFixture, removeFixtureClone } from '../helpers/fixture.js';
import { transpiledBuild, type TranspiledBuild } from './helpers/transpiled-build.js';

let build: TranspiledBuild;
let fixture: string;
beforeAll(async () => {
  [build, fixture] = await Promise.all([transpiledBuild(), cloneFixture()]);
}, 60_000);
afterAll(async () => {
  await build?.cleanup();
  await removeFixtureClone();
});

describe('the binary when its standard output goes away', () => {
  // The JSON of the whole devel history is far more than a pipe holds, so the
  // writer is still writing when head has read its line and gone.
  it('`audit --format json | head -1` prints one line, no stack, and exits 141 as git would', async () => {
    const script = '"$0" "$1" audit --repo "$2" --format json | head -1; echo "exit ${PIPESTATUS[0]}" >&2';
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      execFile('bash', ['-c', script, process.execPath, build.bin, fixture], (error, out, err) =>
        error ? reject(new Error(`bash failed: ${err}`, { cause: error })) : resolve({ stdout: out, stderr: err }),
      );
    });
    expect(stdout).toBe('{\n');
    expect(stderr).toBe('exit 141\n');
  });
});

// /dev/full answers every write with ENOSPC: a full disk, without filling one.
const onLinux = existsSync('/dev/full') ? it : it.skip;

describe('the binary when its standard output cannot be written', () => {
  onLinux('says so in one line on standard error and exits 74, without a stack', async () => {
    const full = await open('/dev/full', 'w');
    try {
      const child = spawn(process.execPath, [build.bin, 'check', '--help'], {
        stdio: ['ignore', full.fd, 'pipe'],
      });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr).toBe('apt-snapshots-bot: cannot write standard output: no space left on device\n');
      expect(code).toBe(74);
    } finally {
      await full.close();
    }
  });
});
