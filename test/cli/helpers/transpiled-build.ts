import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? sources(join(dir, e.name)) : Promise.resolve(e.name.endsWith('.ts') ? [join(dir, e.name)] : []),
    ),
  );
  return nested.flat();
}

export interface TranspiledBuild {
  /** bin/apt-snapshots-bot.js of the build, as `npm ci` would leave it. */
  bin: string;
  cleanup(): Promise<void>;
}

/**
 * The project as the binary runs it, without `npm run build` (which type-checks
 * everyone's work in progress and writes to dist/): src/ transpiled file by
 * file into a temporary package beside a copy of bin/ and config/.
 */
export async function transpiledBuild(): Promise<TranspiledBuild> {
  const root = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-build-'));
  const src = join(PROJECT_ROOT, 'src');
  for (const file of await sources(src)) {
    const output = ts.transpileModule(await readFile(file, 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    const target = join(root, 'dist', 'src', relative(src, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, output);
  }
  for (const file of ['package.json', 'config/apt-snapshots.yml', 'bin/apt-snapshots-bot.js']) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await copyFile(join(PROJECT_ROOT, file), join(root, file));
  }
  await chmod(join(root, 'bin', 'apt-snapshots-bot.js'), 0o755);
  await symlink(join(PROJECT_ROOT, 'node_modules'), join(root, 'node_modules'));
  return { bin: join(root, 'bin', 'apt-snapshots-bot.js'), cleanup: () => rm(root, { recursive: true, force: true }) };
}
