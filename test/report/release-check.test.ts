import { defaultConfig } from '../../src/config/defaults.js';
import { parseBuildManifest } from '../../src/domain/build-manifest.js';
import { evaluateRelease, type ReleaseEvaluation } from '../../src/flow/release.js';
import { renderJobCheck, renderReleaseCheck, type JobStatus } from '../../src/report/release-check.js';
import { parseReleaseMarker, releaseMarker, type ReleaseSubject } from '../../src/report/release-subject.js';
import { MemoryReader } from '../helpers/memory-reader.js';
import { tailsTree } from '../helpers/snapshot.js';

const S = '2021051301';
const RELEASED =
  'tails (4.19~rc1) unstable; urgency=medium\n\n  * x\n\n -- RM <rm@example.org>  Thu, 13 May 2021 10:00:00 +0200\n';
const manifest = (tor: string) => `origin_references:
  - { origin: debian, reference: '${S}' }
  - { origin: debian-security, reference: '2021051302' }
  - { origin: torproject, reference: '${S}' }
packages:
  binary: [{ package: tor, version: '${tor}', arch: amd64 }]
  source: []
`;

async function evaluation(changelog = RELEASED): Promise<ReleaseEvaluation> {
  const files = tailsTree({
    baseBranch: 'testing',
    main: { debian: S, 'debian-security': 'latest', torproject: S },
    builder: { debian: S, 'debian-security': S, tails: S },
    changelog,
  });
  return evaluateRelease({
    reader: new MemoryReader({ tagged: files }),
    tag: '4.19-rc1',
    rev: 'tagged',
    tags: ['4.18'],
    defaults: defaultConfig(),
    manifest: {
      source: 'https://ci/4.19-rc1.build-manifest',
      manifest: parseBuildManifest(manifest('0.4.5.8-1'), 'm'),
    },
    previous: { source: 'https://ci/4.18.build-manifest', manifest: parseBuildManifest(manifest('0.4.5.7-1'), 'p') },
    manifestUrl: 'https://ci/4.19-rc1.build-manifest',
    now: new Date('2021-05-14T00:00:00Z'),
  });
}

const status = (overrides: Partial<JobStatus> = {}): JobStatus => ({
  job: 'build_IUKs',
  parameters: { TAILS_GIT_COMMIT: '4.19-rc1', SOURCE_VERSIONS: '4.18' },
  state: 'started',
  attempt: 1,
  url: 'https://ci/build/7',
  message: 'Started (7).',
  trigger: 'webhook at https://ci/hook',
  ...overrides,
});

describe('renderReleaseCheck', () => {
  it('shows the verdict, the jobs, the serials the build used and what changed since the previous release', async () => {
    const ev = await evaluation();
    const report = renderReleaseCheck({
      checkName: 'APT snapshots',
      evaluation: ev,
      jobs: [status(), status({ job: 'tag-apt-snapshots', state: 'waiting', url: undefined, message: 'Waiting.' })],
      subject: { kind: 'release', tag: '4.19-rc1', sha: ev.commit.sha },
    });
    expect(report).toMatchObject({
      name: 'APT snapshots: release',
      conclusion: 'success',
      title: '4.19-rc1: a sound release (1 notice)',
    });
    expect(report.summary).toContain('**✅ `4.19-rc1` is a sound release** of `4.19~rc1`');
    expect(report.summary).toContain('(SOURCE_DATE_EPOCH 1620892800)');
    expect(report.summary).toContain(
      '| `build_IUKs` | ✅ started | `TAILS_GIT_COMMIT=4.19-rc1` `SOURCE_VERSIONS=4.18` | [https://ci/build/7](https://ci/build/7) |',
    );
    expect(report.summary).toContain('| `debian-security` | `latest` | `2021051302` |');
    expect(report.summary).toContain('- upgraded `tor:amd64` `0.4.5.7-1 → 0.4.5.8-1`');
    expect(parseReleaseMarker(report.summary)).toEqual({ kind: 'release', tag: '4.19-rc1', sha: ev.commit.sha });
  });

  it('fails a release that is not sound, with annotations on its files', async () => {
    const ev = await evaluation(RELEASED.replace('unstable', 'UNRELEASED'));
    const report = renderReleaseCheck({
      checkName: 'APT snapshots',
      evaluation: ev,
      jobs: [],
      subject: { kind: 'release', tag: '4.19-rc1', sha: ev.commit.sha },
    });
    expect(report.conclusion).toBe('failure');
    expect(report.annotations.filter((a) => a.level === 'failure')).toEqual([
      expect.objectContaining({ path: 'debian/changelog', line: 1 }),
    ]);
  });
});

describe('renderJobCheck', () => {
  it.each([
    ['started', { conclusion: 'success', detailsUrl: 'https://ci/build/7' }],
    ['failed', { conclusion: 'failure' }],
    ['held', { conclusion: 'neutral' }],
    ['waiting', { pending: 'queued' }],
    ['starting', { pending: 'in_progress' }],
  ] as const)('reports a job %s', (state, expected) => {
    const report = renderJobCheck({
      checkName: 'APT snapshots',
      tag: '4.19-rc1',
      sha: 'a'.repeat(40),
      status: status({ state }),
    });
    expect(report).toMatchObject({ name: 'APT snapshots: build_IUKs', ...expected });
    expect(report.summary).toContain('| `SOURCE_VERSIONS` | `4.18` |');
    expect(parseReleaseMarker(report.summary)).toEqual({
      kind: 'job',
      tag: '4.19-rc1',
      sha: 'a'.repeat(40),
      job: 'build_IUKs',
      state,
      attempt: 1,
    });
  });

  it('says when no trigger is configured', () => {
    const report = renderJobCheck({
      checkName: 'APT snapshots',
      tag: '4.19-rc1',
      sha: 'a'.repeat(40),
      status: status({ trigger: undefined, state: 'held' }),
    });
    expect(report.summary).toContain('No trigger is configured for this job');
  });
});

describe('release markers', () => {
  it.each<ReleaseSubject>([
    { kind: 'release', tag: '4.19-rc1', sha: 'a'.repeat(40), manifestUrl: 'https://ci/m--x' },
    { kind: 'job', tag: '4.19-rc1', sha: 'a'.repeat(40), job: 'tag-apt-snapshots', state: 'failed', attempt: 3 },
  ])('round-trip %j, and cannot close the HTML comment', (subject) => {
    const marker = releaseMarker(subject);
    expect(marker.slice(4, -3)).not.toContain('--');
    expect(parseReleaseMarker(`text\n${marker}`)).toEqual(subject);
  });

  it.each([
    ['another app’s summary', 'no marker'],
    ['a bad sha', releaseMarker({ kind: 'release', tag: 't', sha: 'nope' })],
    [
      'an unknown job',
      '<!-- apt-snapshots-bot:release {"kind":"job","tag":"t","sha":"' +
        'a'.repeat(40) +
        '","job":"rm -rf","state":"failed"} -->',
    ],
    [
      'an unknown state',
      '<!-- apt-snapshots-bot:release {"kind":"job","tag":"t","sha":"' +
        'a'.repeat(40) +
        '","job":"build_IUKs","state":"x"} -->',
    ],
    [
      'an attempt that is not a positive integer',
      '<!-- apt-snapshots-bot:release {"kind":"job","tag":"t","sha":"' +
        'a'.repeat(40) +
        '","job":"build_IUKs","state":"failed","attempt":0} -->',
    ],
  ])('refuses %s', (_what, summary) => {
    expect(parseReleaseMarker(summary)).toBeUndefined();
  });
});
