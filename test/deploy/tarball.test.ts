import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/free-port.js';

// A release as an administrator installs it: `npm pack` of the project, the
// tarball unpacked, its production dependencies beside it, started as the
// systemd unit starts it. Nothing here uses the network: npm packs offline,
// the dependencies are the checkout's own, and "GitHub" is a local stand-in.

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SECRET = 'tarball-webhook-secret-3f9a1c';

interface Lock {
  packages: Record<string, { dev?: boolean }>;
}

let work: string;
let installed: string;
let tarballFiles: string[];
let keyFile: string;
let publicKey: KeyObject;
const children: ChildProcess[] = [];

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((done, fail) => {
    execFile(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) fail(new Error(`${command} ${args.join(' ')} failed:\n${stdout}\n${stderr}`, { cause: error }));
      else done(stdout);
    });
  });
}

/**
 * The checkout as a clean clone would have it, so that `npm pack` builds and
 * writes in a copy: the checkout's dist/ and lock files stay as they are.
 */
async function copyCheckout(to: string): Promise<void> {
  const skipped = new Set(['node_modules', '.git', 'dist', 'coverage', '.env', 'npm-shrinkwrap.json']);
  await cp(PROJECT_ROOT, to, {
    recursive: true,
    filter: (source) => {
      const path = relative(PROJECT_ROOT, source);
      return !skipped.has(path) && !path.endsWith('.pem') && !path.endsWith('.tgz');
    },
  });
  await symlink(join(PROJECT_ROOT, 'node_modules'), join(to, 'node_modules'));
}

/**
 * What `npm ci --omit=dev` puts in node_modules, from the lock the tarball
 * carries, as links into the checkout's node_modules: the top-level packages
 * the lock does not mark `dev` (each brings its own nested node_modules).
 * The bot's code resolves its imports from here, so one of a development
 * dependency fails to load.
 */
async function productionModules(lock: Lock, to: string): Promise<void> {
  for (const [path, entry] of Object.entries(lock.packages)) {
    const name = path.replace(/^node_modules\//, '');
    if (!path.startsWith('node_modules/') || name.includes('/node_modules/') || entry.dev) continue;
    const source = join(PROJECT_ROOT, path);
    // An optional package for another platform is in the lock but not installed.
    if (!existsSync(source)) continue;
    await mkdir(dirname(join(to, name)), { recursive: true });
    await symlink(source, join(to, name));
  }
}

/** The end of what a process printed, enough to say why it failed. */
function tail(output: string): string {
  return output.split('\n').slice(-20).join('\n');
}

/** Starts a process in a group of its own, so that afterAll kills whatever it leaves behind. */
function start(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): ChildProcess & { output: string } {
  const child = Object.assign(spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }), {
    output: '',
  });
  const collect = (chunk: Buffer) => {
    child.output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  children.push(child);
  return child;
}

/** The environment of the systemd unit (deploy/env.example filled in), with GitHub at `github`. */
function productionEnv(port: number, github: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    APP_ID: '1',
    PRIVATE_KEY_PATH: keyFile,
    WEBHOOK_SECRET: SECRET,
    HOST: '127.0.0.1',
    PORT: String(port),
    GHE_HOST: github,
    GHE_PROTOCOL: 'http',
    APT_SNAPSHOTS_SERVER: 'offline',
  };
}

/** GET `url` until it answers `status`, or fails saying what the process printed. */
async function waitFor(
  url: string,
  status: number,
  child: ChildProcess & { output: string },
  timeoutMs = 30_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the server exited (${child.exitCode ?? child.signalCode}):\n${tail(child.output)}`);
    try {
      const response = await fetch(url);
      const body = await response.text();
      if (response.status === status) return body;
      last = `${response.status} ${body}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((wait) => setTimeout(wait, 200));
  }
  throw new Error(
    `${url} did not answer ${status} within ${timeoutMs / 1000} s (last: ${last}):\n${tail(child.output)}`,
  );
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once('exit', () => done()));
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(false);
    });
    socket.once('error', () => done(true));
  });
}

/** GitHub's GET /app, answered when the app's JWT is signed with the key the test gave it. */
async function fakeGitHub(): Promise<{ server: Server; host: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    const [header, payload, signature] = (request.headers.authorization ?? '').replace(/^bearer /i, '').split('.');
    const signed =
      header !== undefined &&
      payload !== undefined &&
      signature !== undefined &&
      verify('sha256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'));
    if (request.url !== '/api/v3/app' || !signed) {
      response.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Bad credentials"}');
      return;
    }
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ id: 1, slug: 'apt-snapshots-bot', name: 'apt-snapshots-bot' }));
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as { port: number };
  return { server, host: `127.0.0.1:${port}`, requests };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-tarball-'));
  const checkout = join(work, 'checkout');
  await copyCheckout(checkout);
  await mkdir(join(work, 'out'));
  await run('npm', ['pack', '--offline', '--pack-destination', join(work, 'out')], checkout, {
    ...process.env,
    npm_config_update_notifier: 'false',
  });
  const [tarball] = await readdir(join(work, 'out'));
  if (tarball === undefined) throw new Error('npm pack made no tarball');
  installed = join(work, 'opt', 'apt-snapshots-bot');
  await mkdir(installed, { recursive: true });
  await run('tar', ['-xzf', join(work, 'out', tarball), '--strip-components=1', '-C', installed], work);
  tarballFiles = (await run('tar', ['-tzf', join(work, 'out', tarball)], work))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replace(/^package\//, ''));
  const lock = JSON.parse(await readFile(join(installed, 'npm-shrinkwrap.json'), 'utf8')) as Lock;
  await productionModules(lock, join(installed, 'node_modules'));

  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  publicKey = keys.publicKey;
  keyFile = join(work, 'private-key.pem');
  await writeFile(keyFile, keys.privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
}, 240_000);

afterAll(async () => {
  for (const child of children) {
    try {
      // The whole group: a server orphaned by its parent is still in it.
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the tarball npm pack makes', () => {
  it('carries the build, the command line, the defaults, the deployment files and the locked versions', async () => {
    expect(tarballFiles).toEqual(
      expect.arrayContaining([
        'dist/src/start.js',
        'dist/src/cli/process-io.js',
        'bin/apt-snapshots-bot.js',
        'config/apt-snapshots.yml',
        'app.yml',
        'deploy/apt-snapshots-bot.service',
        'deploy/env.example',
        'scripts/lifecycle.js',
        '.env.example',
        'README.md',
        'LICENSE',
        'package.json',
        'npm-shrinkwrap.json',
      ]),
    );
    expect(await readFile(join(installed, 'npm-shrinkwrap.json'), 'utf8')).toBe(
      await readFile(join(PROJECT_ROOT, 'package-lock.json'), 'utf8'),
    );
  });

  it('carries neither the sources, the tests, the benchmarks nor source maps', () => {
    expect(tarballFiles.filter((file) => /^(src|test|bench|dist\/test|dist\/bench)\//.test(file))).toEqual([]);
    expect(tarballFiles.filter((file) => file.endsWith('.map'))).toEqual([]);
  });

  it('has a command line that runs: --help and --version', async () => {
    const bin = join(installed, 'bin', 'apt-snapshots-bot.js');
    const env = { PATH: process.env.PATH };
    expect(await run(process.execPath, [bin, '--help'], work, env)).toContain('apt-snapshots-bot');
    const { version } = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await run(process.execPath, [bin, '--version'], work, env)).toContain(version);
  });

  it('has nothing to build when npm installs it: prepare exits 0 and writes nothing', async () => {
    const before = (await readdir(installed)).sort();
    await run(process.execPath, [join(installed, 'scripts', 'lifecycle.js'), 'prepare'], installed, {
      PATH: process.env.PATH,
    });
    expect((await readdir(installed)).sort()).toEqual(before);
  });
});

describe('the installed tarball, started as the systemd unit starts it', () => {
  let github: Awaited<ReturnType<typeof fakeGitHub>>;
  let server: ChildProcess & { output: string };
  let base: string;

  beforeAll(async () => {
    github = await fakeGitHub();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // An empty working directory, as the unit's: Probot reads .env and *.pem in it.
    const cwd = await mkdtemp(join(work, 'cwd-'));
    server = start(
      process.execPath,
      [join(installed, 'dist', 'src', 'start.js')],
      cwd,
      productionEnv(port, github.host),
    );
  }, 60_000);

  afterAll(async () => {
    server?.kill('SIGTERM');
    if (server) await exited(server);
    await new Promise((closed) => github?.server.close(closed));
  }, 60_000);

  it('answers 200 on /healthz', async () => {
    const body = await waitFor(`${base}/healthz`, 200, server);
    expect(JSON.parse(body)).toMatchObject({ status: 'ok' });
  }, 60_000);

  it('answers 200 on /readyz once GitHub accepted the private key read from PRIVATE_KEY_PATH', async () => {
    await waitFor(`${base}/readyz`, 200, server);
    expect(github.requests).toContain('GET /api/v3/app');
  }, 60_000);

  it('logs JSON, one object per line', async () => {
    await waitFor(`${base}/healthz`, 200, server);
    const lines = server.output.split('\n').filter((line) => line !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
  }, 60_000);

  it('stops on SIGTERM, exiting 0', async () => {
    await waitFor(`${base}/healthz`, 200, server);
    server.kill('SIGTERM');
    await exited(server);
    expect(server.exitCode).toBe(0);
    expect(await refusesConnections(Number(new URL(base).port))).toBe(true);
  }, 60_000);
});

describe('npm start in the installed tarball', () => {
  it("stops with npm's process: SIGTERM to npm leaves no server behind", async () => {
    const github = await fakeGitHub();
    try {
      const port = await freePort();
      const npm = start('npm', ['start'], installed, {
        ...productionEnv(port, github.host),
        npm_config_update_notifier: 'false',
      });
      await waitFor(`http://127.0.0.1:${port}/healthz`, 200, npm);
      npm.kill('SIGTERM');
      await exited(npm);
      const deadline = Date.now() + 10_000;
      while (!(await refusesConnections(port)) && Date.now() < deadline)
        await new Promise((wait) => setTimeout(wait, 100));
      expect(await refusesConnections(port)).toBe(true);
    } finally {
      await new Promise((closed) => github.server.close(closed));
    }
  }, 60_000);
});
