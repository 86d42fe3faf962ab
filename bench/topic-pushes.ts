import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';
import type { FakeCommit } from './fake-ref-graphql.js';
import { signWebhook, type SignedWebhook } from './webhook-load.js';

export const APP_ID = 1;
const APP_SLUG = 'apt-snapshots-bot';
const INSTALLATION_ID = 4242;
const REPOSITORY = { owner: 'tails', repo: 'tails' };

/** The push the request-budget test counts, so both figures are about the same event. */
const FIXTURE = resolve(process.cwd(), 'test', 'fixtures', 'webhooks', 'push-topic-branch.json');

/** Tails' layout, as test/helpers/snapshot.ts tailsTree writes it. */
function tailsFiles(baseBranch: string, main: Record<string, string>): Record<string, string> {
  const files: Record<string, string> = {
    'config/base_branch': `${baseBranch}\n`,
    'debian/changelog':
      'tails (4.19~rc1) UNRELEASED; urgency=medium\n\n  * Dummy entry.\n\n -- RM <rm@example.org>  Thu, 13 May 2021 10:00:00 +0200\n',
    'config/APT_overlays.d/.placeholder': '',
    'config/chroot_apt/preferences': 'Package: firefox\nPin: release o=Debian\nPin-Priority: 999\n',
    'config/APT_snapshots.d/.placeholder': '',
    'vagrant/definitions/tails-builder/config/APT_snapshots.d/.placeholder': '',
  };
  for (const [origin, serial] of Object.entries(main)) files[`config/APT_snapshots.d/${origin}/serial`] = `${serial}\n`;
  for (const origin of ['debian', 'debian-security', 'tails'])
    files[`vagrant/definitions/tails-builder/config/APT_snapshots.d/${origin}/serial`] = '2021042702\n';
  return files;
}

const FROZEN = { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051301' };
const TESTING = tailsFiles('testing', FROZEN);
/** What most topic pushes are: a change that touches no serial, so they pin what their base pins. */
const TOPIC = tailsFiles('testing', FROZEN);

export interface PushFixture {
  before: string;
  after: string;
  [key: string]: unknown;
}

/**
 * The repository behind the pushes: testing (frozen), the commit before
 * each push on it, and every other sha a topic branch that changes no
 * serial. Each webhook pushes its own commit, as real pushes do, so no
 * two of them wait for each other on the app's per-commit lock.
 */
function commitOf(before: string): (rev: string) => FakeCommit | undefined {
  const commit = (sha: string, files: Record<string, string>): FakeCommit => ({
    sha,
    parents: [before],
    date: new Date('2021-05-13T10:00:00Z'),
    message: 'A commit',
    files,
  });
  return (rev) => {
    if (rev === 'refs/heads/testing') return commit('7e'.repeat(20), TESTING);
    if (rev === before) return commit(before, TESTING);
    return /^[0-9a-f]{40}$/.test(rev) ? commit(rev, TOPIC) : undefined;
  };
}

export interface Credentials {
  privateKey: string;
  secret: string;
}

function readFixture(): PushFixture {
  try {
    return JSON.parse(readFileSync(FIXTURE, 'utf8')) as PushFixture;
  } catch (error) {
    throw new Error(
      `the benchmark reads the webhook ${FIXTURE}, from the project root (npm run bench): ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

/** What a benchmark of topic pushes needs: the fake GitHub holding their repository, the app's credentials, the pushes. */
export interface TopicPushBench {
  github: FakeGitHub;
  credentials: Credentials;
  /** `count` pushes of the fixture, each of its own commit, whose sha starts with `tag`. */
  pushes(count: number, tag: string): SignedWebhook[];
}

export async function startTopicPushBench(): Promise<TopicPushBench> {
  const fixture = readFixture();
  const credentials: Credentials = {
    privateKey: generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    }).privateKey,
    secret: randomBytes(24).toString('hex'),
  };
  const github = await startFakeGitHub({
    appId: APP_ID,
    appSlug: APP_SLUG,
    installationId: INSTALLATION_ID,
    repository: REPOSITORY,
    commitOf: commitOf(fixture.before),
  });
  return {
    github,
    credentials,
    pushes: (count, tag) =>
      Array.from({ length: count }, (_, i) => {
        const after = `${tag}${i.toString(16).padStart(40 - tag.length, '0')}`;
        return signWebhook('push', { ...fixture, after }, credentials.secret);
      }),
  };
}
