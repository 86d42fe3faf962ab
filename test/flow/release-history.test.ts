import { GitRefReader } from '../../src/adapters/git/git-ref-reader.js';
import { listTags } from '../../src/adapters/git/history.js';
import { defaultConfig } from '../../src/config/defaults.js';
import { tagForVersion } from '../../src/domain/changelog.js';
import { evaluateRelease } from '../../src/flow/release.js';
import { cloneFixture, removeFixtureClone } from '../helpers/fixture.js';
import { commitFiles, makeRepo, runIn } from '../helpers/git-repo.js';
import type { FakeEntry } from '../helpers/snapshot.js';

/**
 * Releases the real history shows released with an APT overlay still in
 * config/APT_overlays.d: the release check is right to fail them, as the
 * release process asks for that directory to be empty.
 */
const RELEASED_WITH_OVERLAYS = new Map([
  ['1.4.1', 'bugfix-7249-truncated-notifications'],
  ['3.0~beta2', 'feature-12122-linux-4.9'],
]);

/** Releases the real history shows made otherwise than the release process asks today, and why the check fails them. */
const KNOWN_FAULTS = new Map([
  // Its top entry's trailer lacks its leading space: dpkg-parsechangelog finds no Date, so no SOURCE_DATE_EPOCH.
  ['1.4~rc1', ['release-tag debian/changelog']],
  // The first release after config/APT_snapshots.d appeared, built from `latest` before releases were frozen.
  [
    '2.5',
    ['release-frozen config/APT_snapshots.d/debian/serial', 'release-frozen config/APT_snapshots.d/torproject/serial'],
  ],
]);

const NOW = new Date('2021-07-20T00:00:00Z');

let repo: string;
beforeAll(async () => {
  repo = await cloneFixture();
});
afterAll(removeFixtureClone);

interface ReleaseCommit {
  sha: string;
  version: string;
}

/** The commits that released a version: subject "Update changelog for V." or "Mark Tails V as released.", top entry V, not UNRELEASED. */
async function releaseCommits(): Promise<ReleaseCommit[]> {
  const log = await runIn(repo, process.env, ['log', '--all', '--format=%H%x00%s']);
  const found: ReleaseCommit[] = [];
  for (const line of log.split('\n').filter(Boolean)) {
    const [sha, subject] = line.split('\0') as [string, string];
    const m = /^(?:Update changelog for (.+)\.|Mark Tails (.+) as released\.)$/.exec(subject);
    const version = m?.[1] ?? m?.[2];
    if (version === undefined) continue;
    const top = (await runIn(repo, process.env, ['show', `${sha}:debian/changelog`])).split('\n', 1)[0] ?? '';
    const head = /^\S+ \(([^)]+)\) ([^;]+);/.exec(top);
    if (head?.[1] === version && head[2] !== 'UNRELEASED') found.push({ sha, version });
  }
  return found;
}

describe('the release check on the real history', () => {
  it('passes every commit that released a version, offline, tagged as that version', async () => {
    const commits = await releaseCommits();
    expect(commits.length).toBeGreaterThan(150);
    const reader = await GitRefReader.open(repo);
    const outcomes: string[] = [];
    try {
      for (const { sha, version } of commits) {
        const tag = tagForVersion(version);
        const evaluation = await evaluateRelease({
          reader,
          tag,
          rev: sha,
          tags: [],
          defaults: defaultConfig(),
          now: NOW,
        });
        const errors = evaluation.verdict.findings.filter((f) => f.severity === 'error');
        const overlay = RELEASED_WITH_OVERLAYS.get(version);
        const expected =
          KNOWN_FAULTS.get(version) ?? (overlay === undefined ? [] : ['overlays-at-release config/APT_overlays.d']);
        const got = errors.map((f) => `${f.rule} ${f.path}`);
        if (JSON.stringify(got) !== JSON.stringify(expected))
          outcomes.push(`${sha.slice(0, 7)} ${tag}: ${got.join(', ')}`);
        if (overlay !== undefined) expect(errors[0]?.message).toContain(overlay);
        expect(evaluation.jobs.map((j) => j.job)).toEqual(['tag-apt-snapshots', 'build_IUKs']);
      }
    } finally {
      await reader.close();
    }
    expect(outcomes).toEqual([]);
  });

  it('derives the jobs of Tails 4.20 as its release manager typed them', async () => {
    const reader = await GitRefReader.open(repo);
    try {
      const tags = ['4.18', '4.19-beta1', '4.19-rc1', '4.19', '4.20-rc1', '4.20', '4.21', '3.16', '4.2.1', '4.2'];
      // "Mark Tails 4.20 as released."
      const evaluation = await evaluateRelease({
        reader,
        tag: '4.20',
        rev: '4cd1a14',
        tags,
        defaults: defaultConfig(),
        now: NOW,
      });
      expect(evaluation.verdict.conclusion).toBe('success');
      expect(evaluation.jobs[1]).toEqual({
        job: 'build_IUKs',
        parameters: {
          TAILS_GIT_COMMIT: '4.20',
          SOURCE_DATE_EPOCH: '1626090641',
          NEW_VERSION: '4.20',
          SOURCE_VERSIONS: '4.2 4.18 4.19~rc1 4.19 4.20~rc1',
          EXTRA_ARGS: '',
        },
        waitingFor: 'readiness',
      });
    } finally {
      await reader.close();
    }
  });
});

describe('copies of a real release, spoiled', () => {
  /** The files of "Mark Tails 4.19~rc1 as released." that the release check reads. */
  async function releaseFiles(): Promise<Record<string, FakeEntry>> {
    const paths = (await runIn(repo, process.env, ['ls-tree', '-r', '--name-only', 'b2342e1']))
      .split('\n')
      .filter(Boolean);
    const files: Record<string, FakeEntry> = {};
    for (const path of paths) files[path] = await runIn(repo, process.env, ['show', `b2342e1:${path}`]);
    return files;
  }

  it.each([
    [
      'an overlay',
      { 'config/APT_overlays.d/bugfix-1234': 'deb http://example.org/ x main\n' },
      '4.19-rc1',
      ['overlays-at-release config/APT_overlays.d'],
    ],
    [
      'a thawed origin',
      { 'config/APT_snapshots.d/torproject/serial': 'latest\n' },
      '4.19-rc1',
      ['release-frozen config/APT_snapshots.d/torproject/serial'],
    ],
    ['an UNRELEASED entry', 'UNRELEASED', '4.19-rc1', ['release-tag debian/changelog']],
    ['a mismatched tag', {}, '4.19', ['release-tag debian/changelog']],
  ])('fails with %s, on the right file', async (_what, change, tag, expected) => {
    const files = await releaseFiles();
    const spoiled =
      change === 'UNRELEASED'
        ? { 'debian/changelog': (files['debian/changelog'] as string).replace(') unstable;', ') UNRELEASED;') }
        : change;
    const copy = await makeRepo(files);
    try {
      await commitFiles(copy, spoiled, 'Spoil the release');
      await copy.git(['tag', tag]);
      const reader = await GitRefReader.open(copy.dir, { env: copy.env });
      try {
        const evaluation = await evaluateRelease({
          reader,
          tag,
          rev: `refs/tags/${tag}`,
          tags: await listTags(copy.dir, { env: copy.env }),
          defaults: defaultConfig(),
          now: NOW,
        });
        expect(evaluation.verdict.conclusion).toBe('failure');
        expect(
          evaluation.verdict.findings.filter((f) => f.severity === 'error').map((f) => `${f.rule} ${f.path}`),
        ).toEqual(expected);
      } finally {
        await reader.close();
      }
    } finally {
      await copy.cleanup();
    }
  });
});
