import { GitRefReader } from '../../src/adapters/git/git-ref-reader.js';
import { runGit } from '../../src/adapters/git/run-git.js';
import { defaultConfig } from '../../src/config/defaults.js';
import type { Config } from '../../src/config/schema.js';
import { parseSerialFile, type Serial } from '../../src/domain/serial.js';
import { interpretRef, readSpec, type RefState } from '../../src/domain/state.js';
import { planFreeze } from '../../src/planners/freeze.js';
import { planThaw, THAW_TITLE } from '../../src/planners/thaw.js';
import type { Edit, Plan, PlanResult } from '../../src/planners/types.js';
import { cloneFixture, removeFixtureClone } from '../helpers/fixture.js';

/**
 * The planners against what Tails' release managers really committed: the
 * parent of each thaw and freeze commit of the filtered history, planned,
 * must give that commit's own changes.
 */

const PREFERENCES = 'config/chroot_apt/preferences';
const TAILS = defaultConfig();
/** Tails before the builder VM had its own snapshots (before mid-2017). */
const MAIN_ONLY: Config = { ...TAILS, snapshot_sets: TAILS.snapshot_sets.filter((s) => s.name === 'main') };

let repo: string;
let reader: GitRefReader;

beforeAll(async () => {
  repo = await cloneFixture();
  reader = await GitRefReader.open(repo);
});

afterAll(async () => {
  await reader?.close();
  await removeFixtureClone();
});

async function git(args: string[]): Promise<string> {
  return (await runGit(repo, args)).stdout;
}

interface Commit {
  sha: string;
  parents: string[];
  subject: string;
}

async function commitsMatching(pattern: string): Promise<Commit[]> {
  const out = await git(['log', '--all', '--regexp-ignore-case', `--grep=${pattern}`, '--format=%H%x00%P%x00%s']);
  return out
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [sha = '', parents = '', subject = ''] = line.split('\0');
      return { sha, parents: parents.split(' '), subject };
    });
}

async function stateAt(rev: string, config: Config): Promise<RefState> {
  return interpretRef(await reader.read(rev, readSpec(config)), config);
}

/** What `commit` changed under `paths`, as whole-file edits, sorted by path. */
async function commitEdits(commit: Commit, paths: readonly string[]): Promise<Edit[]> {
  const changed = (await git(['diff', '--name-only', '-z', commit.parents[0] as string, commit.sha, '--', ...paths]))
    .split('\0')
    .filter((p) => p !== '');
  const edits = await Promise.all(
    changed.map(async (path) => ({ path, content: await git(['show', `${commit.sha}:${path}`]) })),
  );
  return edits.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function planOf(result: PlanResult): Plan {
  if (!result.ok) throw new Error(result.error);
  return result.plan;
}

const short = (sha: string) => sha.slice(0, 7);
const setDirs = (config: Config, thawing?: boolean) =>
  config.snapshot_sets.filter((s) => thawing === undefined || s.thaws === thawing).map((s) => s.dir);

/**
 * Every thaw of the history, whether on devel's first-parent line or on a
 * branch merged into it (its second parents). Each is reproduced, serial
 * file for serial file, by planThaw on its parent. `extra` is what planThaw
 * does beyond the real commit, and why.
 */
const THAWS: Record<string, { extra?: { path: string; why: string } }> = {
  '207581b': {},
  '6a5ef0f': {
    extra: {
      path: PREFERENCES,
      why: 'the freeze exception (#18266) for linux-compiler-*/linux-kbuild-* was still active on devel after the 4.19~beta1 thaw; the RM reverted it by hand later (82731c7)',
    },
  },
  '5c88b76': {},
  '04ba992': {},
  '60259f2': {},
  f114e87: {},
  '3b783e4': {},
  '4df2792': {},
  c183d6c: {},
  '5f89ef4': {},
  '189278c': {},
  e273983: {},
  '34d5b30': {},
  e72d077: {},
  '7ede7ed': {},
  // Only torproject changed: debian was already latest at the parent.
  '130d803': {},
  '0de5c0c': {},
  '3d01d96': {},
  '8bf14f6': {},
  '3f150c5': {},
  // The first freeze (2.3~rc1) also froze debian-security; the thaw returns it to latest too.
  '6a0d544': {},
  // "Thaw devel, which was frozen perhaps mistakenly (?)."
  '6c15b77': {},
};

describe('planThaw reproduces every real thaw', () => {
  it('finds exactly the thaw commits listed here', async () => {
    const found = (await commitsMatching('^thaw')).map((c) => short(c.sha));
    expect(found.sort()).toEqual(Object.keys(THAWS).sort());
  });

  it.each(Object.entries(THAWS))('%s', async (sha, { extra }) => {
    const [commit] = (await commitsMatching('^thaw')).filter((c) => c.sha.startsWith(sha));
    if (!commit) throw new Error(`thaw commit ${sha} not found`);
    expect(commit.parents).toHaveLength(1);
    const plan = planOf(planThaw(await stateAt(commit.parents[0] as string, TAILS), TAILS));
    expect(plan.title).toBe(THAW_TITLE);

    const thawing = setDirs(TAILS, true);
    const inThawingSets = (e: Edit) => thawing.some((dir) => e.path.startsWith(`${dir}/`));
    expect(plan.edits.filter(inThawingSets)).toEqual(await commitEdits(commit, thawing));
    // The builder set never thaws, in the plan as in the history.
    expect(await commitEdits(commit, setDirs(TAILS, false))).toEqual([]);
    expect(plan.edits.filter((e) => !inThawingSets(e)).map((e) => e.path)).toEqual(extra ? [extra.path] : []);
  });

  it('6a5ef0f: the extra edit neutralises the #18266 freeze exception, and nothing else', async () => {
    const [commit] = (await commitsMatching('^thaw')).filter((c) => c.sha.startsWith('6a5ef0f'));
    const parent = await stateAt(commit?.parents[0] as string, TAILS);
    const plan = planOf(planThaw(parent, TAILS));
    const before = parent.preferences.file.kind === 'text' ? parent.preferences.file.text : '';
    const after = plan.edits.find((e) => e.path === PREFERENCES)?.content ?? '';
    const changedLines = after
      .split('\n')
      .flatMap((line, i) => (line === before.split('\n')[i] ? [] : [[before.split('\n')[i], line]]));
    expect(changedLines).toEqual([['Pin-Priority: 1000', 'Pin-Priority: -1']]);
    expect(plan.body).toContain('| freeze exception (#18266) | linux-compiler-* linux-kbuild-* | 77 | 1000 → -1 |');
  });

  it('20e5408 "Remove freeze exceptions added for 4.22" is exactly the thaw of its parent', async () => {
    const sha = (await git(['rev-parse', '20e5408'])).trim();
    const commit: Commit = {
      sha,
      parents: (await git(['log', '-1', '--format=%P', sha])).trim().split(' '),
      subject: 'Remove freeze exceptions added for 4.22',
    };
    const plan = planOf(planThaw(await stateAt(commit.parents[0] as string, TAILS), TAILS));
    expect(plan.edits).toEqual(await commitEdits(commit, [PREFERENCES, ...setDirs(TAILS)]));
    expect(plan.edits.map((e) => e.path)).toEqual([PREFERENCES]);
    expect(plan.body).toContain('| freeze exception (#18464) | shim* | 94 | 999 → -1 |');
  });
});

/**
 * Every "Freeze APT snapshots" commit. planFreeze runs on the parent with
 * the serials the commit wrote as the server's newest (per origin, from any
 * set). `title` is the planner's title, `Freeze APT snapshots for <top
 * changelog version at the parent>.`, or `Freeze APT snapshots.` when that
 * entry is already released; `titleWhy` says why the real subject differs.
 * `config` is the main set alone where the builder set did not exist yet,
 * or was not re-frozen (`configWhy`).
 */
interface FreezeCase {
  title: string;
  titleWhy?: string;
  config?: Config;
  configWhy?: string;
}

const BEFORE_BUILDER = 'the builder VM had no snapshot set yet';
const RC_BEFORE_CHANGELOG =
  'the RM froze before adding the changelog entry of the release candidate, so the top entry still names the final version';

const FREEZES: Record<string, FreezeCase> = {
  bf1e35f: {
    title: 'Freeze APT snapshots.',
    titleWhy:
      'the changelog still had the 4.19~beta1 entry, released the month before (the 4.19~rc1 entry came later), so the planner names no version rather than the wrong one',
  },
  aa4342c: {
    title: 'Freeze APT snapshots for 4.19.',
    titleWhy: 'the changelog said 4.19 UNRELEASED; the beta entry came later',
  },
  '7f6b525': { title: 'Freeze APT snapshots for 4.11.' },
  '7f26e3c': { title: 'Freeze APT snapshots for 4.5~rc1.' },
  '9e86a9c': { title: 'Freeze APT snapshots for 4.0.', titleWhy: RC_BEFORE_CHANGELOG },
  b350dfc: {
    title: 'Freeze APT snapshots for 4.0~beta2.',
    config: MAIN_ONLY,
    configWhy: 'the builder set was not re-frozen for the 4.0 betas (Buster port), which planFreeze would do',
  },
  '88c32bc': {
    title: 'Freeze APT snapshots for 4.0~beta1.',
    titleWhy: 'subject written by hand: "Freeze APT snapshots at 2019080601 for Tails 4.0~beta1."',
    config: MAIN_ONLY,
    configWhy: 'the builder set was not re-frozen for the 4.0 betas (Buster port), which planFreeze would do',
  },
  '1b3b921': {
    title: 'Freeze APT snapshots for 3.12.',
    titleWhy: 'the subject says "2.0.3", a typo for 3.12~rc1; the changelog said 3.12',
  },
  '7cd8725': { title: 'Freeze APT snapshots for 3.9.', titleWhy: RC_BEFORE_CHANGELOG },
  '75ed764': { title: 'Freeze APT snapshots for 3.6.', titleWhy: RC_BEFORE_CHANGELOG },
  '272ec02': { title: 'Freeze APT snapshots for 3.2.', titleWhy: RC_BEFORE_CHANGELOG },
  '0b17e11': { title: 'Freeze APT snapshots for 3.0.' },
  '890ca4d': {
    title: 'Freeze APT snapshots for 2.12.',
    titleWhy: RC_BEFORE_CHANGELOG,
    config: MAIN_ONLY,
    configWhy: BEFORE_BUILDER,
  },
  e326a70: {
    title: 'Freeze APT snapshots for 3.0~beta3.',
    titleWhy: 'a re-freeze of the Stretch port for a sprint ("2017-03 Stretch sprint"), not named after a version',
    config: MAIN_ONLY,
    configWhy: BEFORE_BUILDER,
  },
  a315629: { title: 'Freeze APT snapshots for 3.0~beta2.', config: MAIN_ONLY, configWhy: BEFORE_BUILDER },
  '11f39be': {
    title: 'Freeze APT snapshots for 3.0.',
    titleWhy: 'the subject names no version ("Freeze APT snapshots.")',
    config: MAIN_ONLY,
    configWhy: BEFORE_BUILDER,
  },
  cfca30c: {
    title: 'Freeze APT snapshots for 2.10.',
    titleWhy: RC_BEFORE_CHANGELOG,
    config: MAIN_ONLY,
    configWhy: BEFORE_BUILDER,
  },
  '1978d4b': {
    title: 'Freeze APT snapshots for 3.0.',
    titleWhy: 'a freeze of the Stretch port for a sprint ("Stretch sprint #2")',
    config: MAIN_ONLY,
    configWhy: BEFORE_BUILDER,
  },
  '8a3d4d4': {
    title: 'Freeze APT snapshots for 2.6.',
    titleWhy: 'the subject came from a script whose version variable was empty ("Freeze APT snapshots for .")',
    config: MAIN_ONLY,
    configWhy: BEFORE_BUILDER,
  },
  e33a27f: {
    title: 'Freeze APT snapshots for 3.0.',
    titleWhy: 'a freeze of the Stretch port for a sprint ("Stretch sprint #1")',
    config: MAIN_ONLY,
    configWhy: BEFORE_BUILDER,
  },
  '725ceb5': {
    title: 'Freeze APT snapshots for 2.4.',
    titleWhy: RC_BEFORE_CHANGELOG,
    config: MAIN_ONLY,
    configWhy: BEFORE_BUILDER,
  },
};

/** The serials a freeze commit wrote, by origin, in any set: what the snapshot server had. */
async function serialsWritten(commit: Commit, config: Config): Promise<Map<string, Serial>> {
  const newest = new Map<string, Serial>();
  for (const edit of await commitEdits(commit, setDirs(config))) {
    const dir = setDirs(config).find((d) => edit.path.startsWith(`${d}/`)) as string;
    const origin = edit.path.slice(dir.length + 1).split('/')[0] as string;
    const parsed = parseSerialFile(edit.content);
    if (!parsed.ok) throw new Error(`${short(commit.sha)}:${edit.path} ${parsed.error}`);
    if (parsed.value.kind === 'latest') continue;
    const seen = newest.get(origin);
    if (seen !== undefined && seen !== parsed.value.serial)
      throw new Error(`${short(commit.sha)} wrote two serials for ${origin}: ${seen} and ${parsed.value.serial}`);
    newest.set(origin, parsed.value.serial);
  }
  return newest;
}

describe('planFreeze reproduces every real freeze, given the serials the server had', () => {
  it('finds exactly the freeze commits listed here', async () => {
    const found = (await commitsMatching('^freeze apt snapshots')).map((c) => short(c.sha));
    expect(found.sort()).toEqual(Object.keys(FREEZES).sort());
  });

  it.each(Object.entries(FREEZES))('%s', async (sha, expected) => {
    const [commit] = (await commitsMatching('^freeze apt snapshots')).filter((c) => c.sha.startsWith(sha));
    if (!commit) throw new Error(`freeze commit ${sha} not found`);
    expect(commit.parents).toHaveLength(1);
    const config = expected.config ?? TAILS;
    const plan = planOf(
      planFreeze(await stateAt(commit.parents[0] as string, config), config, await serialsWritten(commit, config)),
    );

    expect(plan.edits).toEqual(await commitEdits(commit, setDirs(config)));
    expect(plan.title).toBe(expected.title);
    expect(expected.titleWhy === undefined).toBe(plan.title === commit.subject);
  });

  it.each(['b350dfc', '88c32bc'])(
    '%s: with the builder set configured, planFreeze would also re-freeze the builder VM, which the RM did not',
    async (sha) => {
      const [commit] = (await commitsMatching('^freeze apt snapshots')).filter((c) => c.sha.startsWith(sha));
      if (!commit) throw new Error(`freeze commit ${sha} not found`);
      const parent = await stateAt(commit.parents[0] as string, TAILS);
      const newest = await serialsWritten(commit, TAILS);
      // The commit tells only debian's and torproject's newest; the builder's other origins keep their serials.
      for (const origin of parent.sets.find((s) => s.config.name === 'builder')?.origins ?? []) {
        if (!newest.has(origin.origin) && origin.value?.kind === 'serial')
          newest.set(origin.origin, origin.value.serial);
      }
      const plan = planOf(planFreeze(parent, TAILS, newest));
      const builderDebian = 'vagrant/definitions/tails-builder/config/APT_snapshots.d/debian/serial';
      expect(plan.edits.filter((e) => !e.path.startsWith('config/'))).toEqual([
        { path: builderDebian, content: `${newest.get('debian')}\n` },
      ]);
      expect(await commitEdits(commit, setDirs(TAILS, false))).toEqual([]);
    },
  );

  it.each(Object.entries(FREEZES).filter(([, c]) => c.configWhy === BEFORE_BUILDER))(
    '%s: with the builder set configured, planFreeze refuses rather than invent its origins',
    async (sha) => {
      const [commit] = (await commitsMatching('^freeze apt snapshots')).filter((c) => c.sha.startsWith(sha));
      const result = planFreeze(await stateAt(commit?.parents[0] as string, TAILS), TAILS, new Map());
      expect(result.ok).toBe(false);
      expect(result.ok ? '' : result.error).toContain(
        'snapshot set "builder": vagrant/definitions/tails-builder/config/APT_snapshots.d is missing, so its origins are unknown',
      );
    },
  );
});
