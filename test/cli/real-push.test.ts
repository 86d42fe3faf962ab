import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitFiles, makeRepo, runIn, type TestRepo } from '../helpers/git-repo.js';
import { PATHS, tailsTree } from '../helpers/snapshot.js';
import { transpiledBuild, type TranspiledBuild } from './helpers/transpiled-build.js';

/** Runs a command and resolves with its exit code and output, whatever the code. */
function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

let build: TranspiledBuild;
let origin: TestRepo & { commit: string };
let root: string;
let bare: string;
let clone: string;

beforeAll(async () => {
  build = await transpiledBuild();
  origin = await makeRepo(tailsTree());
  root = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-push-'));
  bare = join(root, 'server.git');
  clone = join(root, 'clone');
  await runIn(root, origin.env, ['clone', '--quiet', '--bare', origin.dir, bare]);
  await writeFile(
    join(bare, 'hooks', 'pre-receive'),
    `#!/bin/sh\nexec "${process.execPath}" "${build.bin}" hook pre-receive\n`,
  );
  await chmod(join(bare, 'hooks', 'pre-receive'), 0o755);
  await runIn(root, origin.env, ['clone', '--quiet', bare, clone]);
  await runIn(clone, origin.env, ['config', 'user.name', 'Test Person']);
  await runIn(clone, origin.env, ['config', 'user.email', 'test@example.org']);
}, 60_000);

afterAll(async () => {
  await build?.cleanup();
  await origin?.cleanup();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('the binary', () => {
  it('answers --help', async () => {
    const result = await run(process.execPath, [build.bin, '--help'], root, origin.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: apt-snapshots-bot COMMAND/);
  });
});

describe('a real git push to a bare repository with the pre-receive hook installed', () => {
  const repo = (): TestRepo => ({
    dir: clone,
    env: origin.env,
    git: (args) => runIn(clone, origin.env, args),
    cleanup: async () => undefined,
  });

  it('is rejected when it freezes devel, and git shows the pusher why', async () => {
    await commitFiles(repo(), { [`${PATHS.MAIN}/debian/serial`]: '2021051301\n' }, 'Freeze debian');
    const push = await run('git', ['push', 'origin', 'devel'], clone, origin.env);
    expect(push.code).not.toBe(0);
    expect(push.stderr).toContain('remote: apt-snapshots-bot: rejecting the push to devel');
    expect(push.stderr).toContain(`remote:   error    ${PATHS.MAIN}/debian/serial  devel was left frozen`);
    expect(push.stderr).toContain('pre-receive hook declined');
    expect((await runIn(bare, origin.env, ['rev-parse', 'devel'])).trim()).toBe(origin.commit);
  });

  it('is accepted once the push thaws it again', async () => {
    const fixed = await commitFiles(repo(), { [`${PATHS.MAIN}/debian/serial`]: 'latest\n' }, 'Thaw debian');
    const push = await run('git', ['push', 'origin', 'devel'], clone, origin.env);
    expect(push.stderr).toContain('remote: apt-snapshots-bot: devel');
    expect(push.code).toBe(0);
    expect((await runIn(bare, origin.env, ['rev-parse', 'devel'])).trim()).toBe(fixed);
  });
});
