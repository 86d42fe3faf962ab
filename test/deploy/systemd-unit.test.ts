import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const UNIT_NAME = 'apt-snapshots-bot.service';
const UNIT = readFileSync(join(PROJECT_ROOT, 'deploy', UNIT_NAME), 'utf8');
const SYSTEMD_ANALYZE = '/usr/bin/systemd-analyze';

/** The unit's `Key=value` lines of one section ([Service] unless said), in order (a key may repeat). */
function serviceSettings(unit: string, wanted = 'Service'): [string, string][] {
  const settings: [string, string][] = [];
  let section = '';
  for (const line of unit.split('\n')) {
    const header = /^\[(.+)\]$/.exec(line);
    if (header) section = header[1] ?? '';
    const setting = /^(\w+)=(.*)$/.exec(line);
    if (section === wanted && setting) settings.push([setting[1] ?? '', setting[2] ?? '']);
  }
  return settings;
}

function values(key: string, section = 'Service'): string[] {
  return serviceSettings(UNIT, section)
    .filter(([k]) => k === key)
    .map(([, v]) => v);
}

/**
 * What `systemd-analyze verify` says about the unit, as a file of that name
 * in a directory of its own; systemd looks for ExecStart's program, which
 * may be elsewhere than /usr/bin/node on a developer's machine.
 */
async function verify(unit: string): Promise<{ code: number; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-unit-'));
  try {
    await writeFile(join(dir, UNIT_NAME), unit.replaceAll('/usr/bin/node ', `${process.execPath} `));
    return await new Promise((done) => {
      execFile(SYSTEMD_ANALYZE, ['verify', '--man=no', join(dir, UNIT_NAME)], (error, stdout, stderr) => {
        done({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` });
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The lines of `systemd-analyze verify` about this unit (it may also speak of the host's own units). */
function aboutTheUnit(output: string): string[] {
  return output.split('\n').filter((line) => line.includes(UNIT_NAME));
}

const withSystemd = existsSync(SYSTEMD_ANALYZE) ? describe : describe.skip;
if (!existsSync(SYSTEMD_ANALYZE))
  console.warn(`${SYSTEMD_ANALYZE} is missing (systemd is not installed): deploy/${UNIT_NAME} is not verified`);

withSystemd('systemd-analyze verify', () => {
  it(`finds nothing wrong in deploy/${UNIT_NAME}`, async () => {
    const { code, output } = await verify(UNIT);
    expect(aboutTheUnit(output)).toEqual([]);
    expect(code).toBe(0);
  });

  // Were systemd-analyze to say nothing whatever the unit, the test above would prove nothing.
  it('reports a misspelt option and a missing program', async () => {
    const broken = UNIT.replace('ProtectHome=yes', 'ProtectHomes=yes').replace(
      /^ExecStart=\/usr\/bin\/node /m,
      'ExecStart=/nonexistent/node ',
    );
    const { code, output } = await verify(broken);
    const lines = aboutTheUnit(output).join('\n');
    expect(lines).toContain("Unknown key 'ProtectHomes'");
    expect(lines).toContain('/nonexistent/node');
    expect(code).not.toBe(0);
  });
});

describe(`deploy/${UNIT_NAME}`, () => {
  it('runs the server itself, with node, as the process systemd supervises, and restarts it on failure', () => {
    expect(values('ExecStart')).toEqual(['/usr/bin/node /opt/apt-snapshots-bot/dist/src/start.js']);
    expect(values('Type')).toEqual(['exec']);
    expect(values('Restart')).toEqual(['on-failure']);
    // Exit code 78 is a wrong setting (src/start.ts): restarting would not mend it.
    expect(values('RestartPreventExitStatus')).toEqual(['78']);
    expect(values('RestartSec')).toEqual(['5s']);
  });

  it('runs as a dedicated user, never root', () => {
    expect(values('User')).toEqual(['apt-snapshots-bot']);
    expect(values('DynamicUser')).toEqual([]);
  });

  it('takes its settings from /etc, and the private key from a file handed over as a credential', () => {
    expect(values('EnvironmentFile')).toEqual(['/etc/apt-snapshots-bot/env']);
    expect(values('LoadCredential')).toEqual(['private-key.pem:/etc/apt-snapshots-bot/private-key.pem']);
    expect(values('Environment')).toEqual(['NODE_ENV=production', 'PRIVATE_KEY_PATH=%d/private-key.pem']);
    // Probot would read a .env or a *.pem there over the settings.
    expect(values('WorkingDirectory')).toEqual(['/']);
  });

  it.each([
    ['NoNewPrivileges', 'yes'],
    ['ProtectSystem', 'strict'],
    ['PrivateTmp', 'yes'],
    ['ProtectHome', 'yes'],
    ['PrivateDevices', 'yes'],
    ['ProtectKernelTunables', 'yes'],
    ['ProtectKernelModules', 'yes'],
    ['ProtectControlGroups', 'yes'],
    ['CapabilityBoundingSet', ''],
    ['RestrictAddressFamilies', 'AF_INET AF_INET6 AF_UNIX'],
    ['RestrictNamespaces', 'yes'],
    ['SystemCallFilter', '@system-service'],
  ])('is hardened: %s=%s', (key, value) => {
    expect(values(key)).toEqual([value]);
  });

  it('makes nothing writable: the bot writes no file', () => {
    expect(values('ReadWritePaths')).toEqual([]);
  });

  it('leaves V8 free to run the code it compiles', () => {
    expect(values('MemoryDenyWriteExecute')).toEqual([]);
  });
});
