import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/free-port.js';
import { startHttpServer, type LocalHttpServer } from '../helpers/http-server.js';

/**
 * dist/src/start.js as a supervisor runs it: the process is the server,
 * answers SIGTERM by stopping cleanly, logs JSON lines in production, and
 * stops at once, in one line naming the setting, when one is wrong. It is
 * the compiled app, which `npm test` builds first.
 */
const START = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'src', 'start.js');
const SECRET = 'start-process-secret-0a7f3c';
const { privateKey: PRIVATE_KEY, publicKey: PUBLIC_KEY } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

interface Started {
  child: ChildProcess;
  output: () => { stdout: string; stderr: string };
  exited: Promise<number | null>;
}

function start(env: Record<string, string>): Started {
  const child = spawn(process.execPath, [START], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, output: () => ({ stdout, stderr }), exited };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i += 1) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('dist/src/start.js, as systemd runs it', () => {
  let dir: string;
  let github: LocalHttpServer;
  let keyPath: string;
  let publicKeyPath: string;
  const running: Started[] = [];

  beforeAll(async () => {
    if (!existsSync(START)) throw new Error(`${START} is missing: npm test builds it (npm run build)`);
    dir = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-start-'));
    keyPath = join(dir, 'app.private-key.pem');
    await writeFile(keyPath, PRIVATE_KEY, { mode: 0o600 });
    publicKeyPath = join(dir, 'app.public-key.pem');
    await writeFile(publicKeyPath, PUBLIC_KEY);
    // GitHub Enterprise Server's API root on 127.0.0.1: GHE_HOST and GHE_PROTOCOL point the app at it.
    github = await startHttpServer({ '/api/v3/app': { body: '{"id":1,"slug":"apt-snapshots-bot"}' } });
  });
  afterAll(async () => {
    for (const started of running) started.child.kill('SIGKILL');
    await github.close();
    await rm(dir, { recursive: true, force: true });
  });

  const production = async (extra: Record<string, string> = {}) => ({
    NODE_ENV: 'production',
    APP_ID: '1',
    PRIVATE_KEY_PATH: keyPath,
    WEBHOOK_SECRET: SECRET,
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    GHE_HOST: `127.0.0.1:${github.port}`,
    GHE_PROTOCOL: 'http',
    APT_SNAPSHOTS_SERVER: 'offline',
    ...extra,
  });

  it('serves, logs JSON lines without secrets, refuses a forged webhook in one line, and exits 0 on SIGTERM', async () => {
    const env = await production();
    const started = start(env);
    running.push(started);
    await until(() => started.output().stdout.includes('Listening on'), 'the server to listen');
    const base = `http://127.0.0.1:${env.PORT}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    await until(() => github.requestsTo('/api/v3/app').length > 0, 'the readiness probe to ask GitHub');
    const forged = await fetch(`${base}/api/github/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': 'forged-1',
        'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
      },
      body: '{}',
    });
    expect(forged.status).toBe(400);
    await until(() => started.output().stdout.includes('forged-1'), 'the refused delivery to be logged');

    started.child.kill('SIGTERM');
    expect(await started.exited).toBe(0);
    const { stdout, stderr } = started.output();
    const lines = stdout.trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(lines.filter((l) => l.includes('forged-1'))).toHaveLength(1);
    expect(JSON.parse(lines.find((l) => l.includes('forged-1')) ?? '{}')).toMatchObject({
      delivery: 'forged-1',
      outcome: 'refused',
    });
    expect(stdout).toContain('REDIS_URL is not set: running as a single replica');
    expect(`${stdout}${stderr}`).not.toContain(SECRET);
    expect(`${stdout}${stderr}`).not.toContain(PRIVATE_KEY.split('\n')[1]);
  });

  it('exits 1, to be started again, when its address is not up yet', async () => {
    // 192.0.2.1 (TEST-NET-1) is no address of this machine, as a HOST not up yet at boot.
    const started = start(await production({ HOST: '192.0.2.1' }));
    running.push(started);
    expect(await started.exited).toBe(1);
    expect(started.output().stderr).toContain('cannot listen on 192.0.2.1:');
  });

  it.each([
    ['a LOG_LEVEL it does not know', { LOG_LEVEL: 'loud' }, 'LOG_LEVEL=loud is not one of'],
    ['a private key file that is missing', { PRIVATE_KEY_PATH: '/nonexistent/key.pem' }, '/nonexistent/key.pem'],
    ['no WEBHOOK_SECRET in production', { WEBHOOK_SECRET: '' }, 'WEBHOOK_SECRET is not set'],
    ['a public key for the private key', { PRIVATE_KEY_PATH: 'PUBLIC' }, 'is not a PEM private key'],
  ])('stops at start with %s, in one line on stderr, exit code 78 (EX_CONFIG)', async (_name, extra, message) => {
    const settings: Record<string, string> =
      'PRIVATE_KEY_PATH' in extra && extra.PRIVATE_KEY_PATH === 'PUBLIC' ? { PRIVATE_KEY_PATH: publicKeyPath } : extra;
    const started = start(await production(settings));
    running.push(started);
    expect(await started.exited).toBe(78);
    const { stderr } = started.output();
    expect(stderr).toContain(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});
