import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (path: string) => readFileSync(join(PROJECT_ROOT, path), 'utf8');

/** The text of a README section, from its heading to the next heading of the same level or above. */
function section(markdown: string, heading: string): string {
  const level = /^#+/.exec(heading)?.[0].length ?? 0;
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README.md has no "${heading}"`);
  const rest = markdown.slice(start + heading.length + 2);
  const next = new RegExp(`^#{1,${level}} `, 'm').exec(rest);
  return next ? rest.slice(0, next.index) : rest;
}

/** The names of `NAME=` lines, commented out or not. */
function assigned(file: string): string[] {
  return [...file.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1] ?? '');
}

/** What the server's own code (src/server.ts, src/server/) reads as `env.NAME`. */
function readByTheServer(): string[] {
  const files = ['src/server.ts', ...readdirSync(join(PROJECT_ROOT, 'src', 'server')).map((f) => `src/server/${f}`)];
  return files.flatMap((file) => [...read(file).matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1] ?? ''));
}

const README = read('README.md');
const VARIABLES = section(section(README, '## Deployment'), '### Environment variables');
const UNIT = read('deploy/apt-snapshots-bot.service');

describe("the README's list of environment variables", () => {
  it.each([
    ['.env.example', assigned(read('.env.example'))],
    ['deploy/env.example', assigned(read('deploy/env.example'))],
    ['the server', readByTheServer()],
  ])('names every variable %s names', (_source, names) => {
    expect(names.length).toBeGreaterThan(0);
    expect([...new Set(names)].filter((name) => !new RegExp(`\\b${name}\\b`).test(VARIABLES))).toEqual([]);
  });
});

describe("the README's installation on Debian", () => {
  const install = section(section(README, '## Deployment'), '### Install on Debian');

  it('puts the settings, the key and the code where the systemd unit looks for them', () => {
    const settings = /^EnvironmentFile=(.+)$/m.exec(UNIT)?.[1];
    const key = /^LoadCredential=[^:]+:(.+)$/m.exec(UNIT)?.[1];
    const code = /^ExecStart=\S+ (\S+)\/dist\/src\/start\.js$/m.exec(UNIT)?.[1];
    expect([settings, key, code]).not.toContain(undefined);
    expect(install).toContain(`install -m 0600 /opt/apt-snapshots-bot/deploy/env.example ${settings}`);
    expect(install).toContain(` ${key}\n`);
    expect(install).toContain(`-C ${code}\n`);
    expect(install).toContain(`git clone https://gitlab.tails.boum.org/tails/apt-snapshots-bot.git ${code}\n`);
  });

  it('creates the user the unit runs as, and enables the unit', () => {
    const user = /^User=(.+)$/m.exec(UNIT)?.[1];
    expect(install).toContain(`adduser --system --group --home /nonexistent --no-create-home ${user}\n`);
    expect(install).toContain('systemctl enable --now apt-snapshots-bot\n');
  });

  it('installs for production without development dependencies, from a tarball and from a checkout', () => {
    expect(install).toContain('npm ci --omit=dev\n');
    expect(install).toContain('npm ci --include=dev && npm prune --omit=dev\n');
  });
});
