import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultConfig } from '../src/config/defaults.js';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';
import { readSpec } from '../src/domain/state.js';
import { measure, type Figure } from './measure.js';

const BUNDLE = resolve(process.cwd(), '..', 'shared', 'fixtures', 'tails-history.bundle');

function git(repo: string, args: string[], input?: string): string {
  return execFileSync('git', args, { cwd: repo, input, encoding: 'utf8', maxBuffer: 1 << 30 });
}

function silentIo(cwd: string): CliIo & { out: string[] } {
  const out: string[] = [];
  return {
    out,
    stdout: { write: (chunk: string) => out.push(chunk) },
    stderr: { write: () => true },
    stdin: (async function* () {})(),
    env: process.env,
    cwd,
  };
}

/** The date of devel's tip: the dashboard's year ends there, whatever today is. */
function tipDate(repo: string): string {
  return new Date(Number(git(repo, ['log', '-1', '--format=%ct', 'devel']).trim()) * 1000).toISOString();
}

/** The paths `audit` and `check` read, as `git cat-file` names them. */
function pathsRead(repo: string, rev: string, withChangelog: boolean): string[] {
  const spec = readSpec(defaultConfig(), { changelog: withChangelog });
  const dirs = spec.dirs.map((d) => d.path);
  const everTouched = git(repo, ['log', '--first-parent', '--name-only', '--format=', rev, '--', ...dirs])
    .split('\n')
    .filter((line) => line !== '');
  return [...new Set([...spec.files.map((f) => f.path), ...dirs, ...everTouched])].sort();
}

/** git's own time to hand over the same objects: one cat-file --batch over every (commit, path). */
function gitBatchRead(repo: string, commits: string[], paths: string[]): void {
  const requests = commits.flatMap((sha) => paths.map((path) => `${sha}:${path}`)).join('\n') + '\n';
  const result = spawnSync('git', ['cat-file', '--batch'], { cwd: repo, input: requests, maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error(`git cat-file failed: ${result.stderr.toString()}`);
}

export async function benchCore(runs: number): Promise<Figure[]> {
  if (!existsSync(BUNDLE)) throw new Error(`the benchmark needs ${BUNDLE}`);
  const root = mkdtempSync(join(tmpdir(), 'apt-snapshots-bench-'));
  try {
    const repo = join(root, 'tails');
    execFileSync('git', ['clone', '--quiet', BUNDLE, repo]);
    const commits = git(repo, ['rev-list', '--first-parent', 'devel']).trim().split('\n');
    const auditPaths = pathsRead(repo, 'devel', false);
    const tip = commits[0] as string;
    const checkPaths = pathsRead(repo, 'devel', true);

    const figures: Figure[] = [];
    let auditCommits = 0;
    figures.push(
      await measure(`audit of devel (${commits.length} first-parent commits)`, runs, async () => {
        const io = silentIo(repo);
        const code = await main(['audit', '--repo', repo, '--rev', 'devel', '--format', 'json'], io);
        if (code !== 0 && code !== 1) throw new Error(`audit exited ${code}`);
        auditCommits = (JSON.parse(io.out.join('')) as { commits: unknown[] }).commits.length;
      }),
    );
    if (auditCommits !== commits.length)
      throw new Error(`audit reported ${auditCommits} commits, git has ${commits.length}`);
    figures.push(
      await measure(
        `git log + cat-file --batch of the same ${auditPaths.length} paths × ${commits.length} commits`,
        runs,
        () => {
          git(repo, ['log', '--first-parent', '--format=%H%x00%ct%x00%s', 'devel']);
          gitBatchRead(repo, commits, auditPaths);
        },
      ),
    );
    figures.push(
      await measure(`git log -p of the same paths along the same ${commits.length} commits`, runs, () => {
        git(repo, ['log', '--first-parent', '-p', '--format=%H%x00%ct%x00%s', 'devel', '--', ...auditPaths]);
      }),
    );
    figures.push(
      await measure('check of devel tip (offline, changelog included)', runs * 5, async () => {
        const code = await main(
          ['check', '--repo', repo, '--ref', tip, '--branch', 'devel', '--offline', '--format', 'json'],
          silentIo(repo),
        );
        if (code !== 0 && code !== 1) throw new Error(`check exited ${code}`);
      }),
    );
    figures.push(
      await measure('git cat-file --batch of the same objects at devel tip', runs * 5, () => {
        gitBatchRead(repo, [tip], checkPaths);
      }),
    );
    figures.push(
      await measure('dashboard of stable, testing and devel (offline, a year of history each)', runs, async () => {
        const io = silentIo(repo);
        const code = await main(['dashboard', '--repo', repo, '--offline', '--now', tipDate(repo)], io);
        if (code !== 0) throw new Error(`dashboard exited ${code}`);
      }),
    );
    return figures;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
