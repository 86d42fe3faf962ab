// npm's lifecycle scripts (package.json): `node scripts/lifecycle.js prepare|prepack|postpack`.
//
// prepare: `npm ci` and `npm install` run it at the top of the package. In a
// checkout it builds dist/ when TypeScript is installed; a production install
// (`--omit=dev`, or NODE_ENV=production) has no TypeScript, and would leave no
// dist/ or a stale one, so it fails saying how to install instead. In a
// release (the `npm pack` tarball: dist/ and no src/) there is nothing to build.
//
// prepack and postpack: `npm pack` ships a fresh build and the locked
// dependency versions. npm never packs package-lock.json, but it packs
// npm-shrinkwrap.json, the same file under the name a package carries its
// lock in, so `npm ci --omit=dev` in the unpacked tarball installs exactly
// what the tests ran with.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const shrinkwrap = join(root, 'npm-shrinkwrap.json');

function fail(message) {
  process.stderr.write(`apt-snapshots-bot: ${message}\n`);
  process.exit(1);
}

/** tsc of the TypeScript installed for this package, if any. */
function tsc() {
  try {
    const manifest = createRequire(join(root, 'package.json')).resolve('typescript/package.json');
    return join(dirname(manifest), 'bin', 'tsc');
  } catch {
    return undefined;
  }
}

function build(compiler) {
  const { status, signal, error } = spawnSync(process.execPath, [compiler, '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (error) fail(`cannot run TypeScript (${compiler}): ${error.message}`);
  if (status !== 0) fail(`the build (tsc -p tsconfig.build.json) failed (${signal ?? `exit ${status}`})`);
}

function prepare() {
  const checkout = existsSync(join(root, 'src'));
  if (!checkout) {
    if (existsSync(join(dist, 'src', 'start.js'))) return;
    fail(
      `${join(dist, 'src', 'start.js')} is missing: this copy of the release is incomplete; unpack the tarball again.`,
    );
  }
  // prepack has just built dist/ from scratch.
  if (process.env.npm_command === 'pack' || process.env.npm_command === 'publish') return;
  if (existsSync(shrinkwrap)) {
    fail(
      `${shrinkwrap} is left from an \`npm pack\` that failed, and npm installed from it instead of ` +
        'package-lock.json: remove it and install again.',
    );
  }
  const compiler = tsc();
  if (compiler) {
    build(compiler);
    return;
  }
  const stale = existsSync(dist) ? ' The dist/ here is from an earlier build and may not match the sources.' : '';
  fail(
    'cannot build dist/: TypeScript, which compiles it, is a development dependency, and this install leaves ' +
      `them out (--omit=dev, or NODE_ENV=production).${stale}\n` +
      'For production from a checkout, install everything (which builds), then remove the development dependencies:\n' +
      '  npm ci --include=dev && npm prune --omit=dev\n' +
      'or install the release tarball that `npm pack` makes, which carries dist/ (README.md, "Deployment").',
  );
}

function prepack() {
  const compiler = tsc();
  if (!compiler) fail('`npm pack` builds dist/ and needs the development dependencies: run `npm ci` first.');
  // tsc leaves the output of a deleted source behind; a release must not ship it.
  rmSync(dist, { recursive: true, force: true });
  build(compiler);
  copyFileSync(join(root, 'package-lock.json'), shrinkwrap);
}

function postpack() {
  // Left in the checkout, it would take precedence over package-lock.json for every later `npm ci` or `npm install`.
  rmSync(shrinkwrap, { force: true });
}

switch (process.argv[2]) {
  case 'prepare':
    prepare();
    break;
  case 'prepack':
    prepack();
    break;
  case 'postpack':
    postpack();
    break;
  default:
    fail('usage: node scripts/lifecycle.js prepare|prepack|postpack');
}
