import { bumpClaim, watchExpiry } from '../../src/app/expiry-watch.js';
import { HttpSnapshotServer } from '../../src/adapters/snapshot-server/http-snapshot-server.js';
import { defaultConfig } from '../../src/config/defaults.js';
import { interpretRef } from '../../src/domain/state.js';
import { TriggerError, type JobRequest, type JobTrigger } from '../../src/ports/job-trigger.js';
import { expiryMarker } from '../../src/report/expiry-issue.js';
import { releaseRoute } from '../cli/helpers/snapshot-routes.js';
import { FakeSnapshotServer } from '../helpers/fake-snapshot-server.js';
import { startHttpServer, type LocalHttpServer } from '../helpers/http-server.js';
import { memoryDeps } from '../helpers/memory-deps.js';
import { MemoryReader } from '../helpers/memory-reader.js';
import { fakeSnapshot, tailsTree } from '../helpers/snapshot.js';

const NOW = new Date('2021-05-14T00:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const in_ = (days: number) => new Date(NOW.getTime() + days * DAY);
const SHA = '7e'.repeat(20);
const config = defaultConfig();

const FROZEN = { debian: '2021051301', 'debian-security': 'latest', torproject: '2021051302' };
const BUILDER = { debian: '2021042702', 'debian-security': '2021042702', tails: '2021050302' };

function testingState() {
  return interpretRef(fakeSnapshot(tailsTree({ baseBranch: 'testing', main: FROZEN, builder: BUILDER })), config);
}

/** Every pinned snapshot valid for 120 days but those given. */
function server(expiries: Record<string, Date | null> = {}, failures: Record<string, string> = {}) {
  const all: Record<string, Date | null> = {
    'debian/2021051301': in_(120),
    'torproject/2021051302': in_(120),
    'debian/2021042702': in_(120),
    'debian-security/2021042702': in_(120),
    'tails/2021050302': in_(120),
    ...expiries,
  };
  for (const key of Object.keys(failures)) delete all[key];
  return new FakeSnapshotServer({ expiries: all, failures });
}

class RecordingTrigger implements JobTrigger {
  readonly description = 'a test CI';
  readonly requests: JobRequest[] = [];
  constructor(private readonly failure?: TriggerError) {}
  describe(request: JobRequest) {
    return { method: 'POST', url: 'https://ci.example/bump', parameters: request.parameters, headers: [] };
  }
  async trigger(request: JobRequest) {
    this.requests.push(request);
    if (this.failure) throw this.failure;
    return { status: 'started' as const, url: `https://ci.example/bump/${this.requests.length}` };
  }
}

// The builder set's `tails` origin has no dist in the defaults: it is never looked up.
const watch = (m: ReturnType<typeof memoryDeps>) =>
  watchExpiry(m.deps, { branch: 'testing', sha: SHA, state: testingState(), config });

describe('watchExpiry', () => {
  it('opens one issue naming what expires within the window, starts the bump once per snapshot, and leaves both alone on the next run', async () => {
    const trigger = new RecordingTrigger();
    const m = memoryDeps({
      reader: new MemoryReader({}),
      now: NOW,
      server: server({ 'debian/2021051301': in_(10) }),
      bumpTrigger: trigger,
    });
    await expect(watch(m)).resolves.toBe('created');
    expect(m.forge.issues).toHaveLength(1);
    const [issue] = m.forge.issues;
    expect(issue?.title).toBe('APT snapshots pinned by testing expire soon');
    expect(issue?.body).toContain(expiryMarker('testing'));
    expect(issue?.body).toContain('`debian`');
    expect(issue?.body).toContain('`2021051301`');
    expect(issue?.body).toContain('expires on 2021-05-24 00:00 UTC');
    expect(issue?.body).not.toContain('torproject');
    expect(issue?.body).toContain('./bin/bump-APT-snapshots-expiration-date 180');
    expect(issue?.body).toContain('| started |');
    expect(issue?.comments.map((c) => c.body)).toEqual([
      'Started the bump of `debian` `2021051301` to 180 days from now: https://ci.example/bump/1.',
    ]);
    expect(trigger.requests).toEqual([
      { job: 'bump-valid-until', parameters: { ORIGIN: 'debian', SERIAL: '2021051301', DAYS: '180' } },
    ]);

    await expect(watch(m)).resolves.toBe('unchanged');
    expect(trigger.requests).toHaveLength(1);
    expect(m.forge.issues).toHaveLength(1);
  });

  it('closes the issue with a comment once the bump moved Valid-Until past the window, then stays quiet', async () => {
    const fake = server({ 'debian/2021051301': in_(3) });
    const m = memoryDeps({ reader: new MemoryReader({}), now: NOW, server: fake });
    await expect(watch(m)).resolves.toBe('created');
    fake.expiries.set('debian/2021051301', in_(180));
    await expect(watch(m)).resolves.toBe('closed');
    const issue = m.forge.issue(1);
    expect(issue.state).toBe('closed');
    expect(issue.comments.map((c) => c.body)).toEqual([
      'Nothing pinned by `testing` (at `7e7e7e7`) expires within 30 days any more (checked 2021-05-14 00:00 UTC). Closing.',
    ]);
    await expect(watch(m)).resolves.toBe('quiet');
    expect(m.forge.writes).toEqual([
      'issue #1 APT snapshots pinned by testing expire soon',
      'issue update #1',
      'close issue #1',
    ]);
  });

  it('opens a new issue when a snapshot expires again after the last issue was closed', async () => {
    const fake = server({ 'debian/2021051301': in_(3) });
    const m = memoryDeps({ reader: new MemoryReader({}), now: NOW, server: fake });
    await watch(m);
    fake.expiries.set('debian/2021051301', in_(180));
    await watch(m);
    fake.expiries.set('debian/2021051301', in_(2));
    await expect(watch(m)).resolves.toBe('created');
    expect(m.forge.issues.map((i) => i.state)).toEqual(['closed', 'open']);
  });

  it('lists an expired snapshot and one gone from the server, and starts no job for the one that is gone', async () => {
    const trigger = new RecordingTrigger();
    // torproject 2021051302 is left out of the server: it answers 404 for it.
    const gone = new FakeSnapshotServer({
      expiries: {
        'debian/2021051301': in_(-1),
        'debian/2021042702': in_(120),
        'debian-security/2021042702': in_(120),
        'tails/2021050302': in_(120),
      },
    });
    const m = memoryDeps({ reader: new MemoryReader({}), now: NOW, server: gone, bumpTrigger: trigger });
    await expect(watch(m)).resolves.toBe('created');
    const body = m.forge.issue(1).body;
    expect(body).toContain('**expired** on 2021-05-13 00:00 UTC');
    expect(body).toContain('**not on the snapshot server**');
    expect(body).toContain('`/apt-snapshots bump testing`');
    expect(trigger.requests.map((r) => r.parameters.ORIGIN)).toEqual(['debian']);
  });

  it('neither opens nor closes anything when the server did not answer and nothing else needs a bump', async () => {
    const m = memoryDeps({
      reader: new MemoryReader({}),
      now: NOW,
      server: server({}, { 'debian/2021051301': 'HTTP 502 Bad Gateway' }),
    });
    await expect(watch(m)).resolves.toBe('undecided');
    expect(m.forge.writes).toEqual([]);
  });

  it('says the job was not started when the CI refused it, and does not start it again for the same date', async () => {
    const trigger = new RecordingTrigger(
      new TriggerError('the CI answered 403: Forbidden', { status: 403, sent: false }),
    );
    const m = memoryDeps({
      reader: new MemoryReader({}),
      now: NOW,
      server: server({ 'debian/2021051301': in_(5) }),
      bumpTrigger: trigger,
    });
    await watch(m);
    expect(m.forge.issue(1).body).toContain('not started (see the comments)');
    expect(m.forge.issue(1).comments.map((c) => c.body)).toEqual([
      'Could not start the bump of `debian` `2021051301`: the CI answered 403: Forbidden. Run the command above by hand; the bot does not start it again for this date.',
    ]);
    await expect(watch(m)).resolves.toBe('unchanged');
    expect(trigger.requests).toHaveLength(1);
    expect(m.forge.issue(1).comments).toHaveLength(1);
    expect(
      await m.claims.attempts(
        bumpClaim({ origin: 'debian', serial: '2021051301', validUntil: in_(5) } as never),
        'bump-valid-until',
      ),
    ).toEqual([{ attempt: 1, commit: SHA, outcome: 'failed' }]);
  });

  it('says the job may have started when the CI gave no answer, and leaves starting it again to a person', async () => {
    const trigger = new RecordingTrigger(new TriggerError('no answer within 30 s', { sent: true }));
    const m = memoryDeps({
      reader: new MemoryReader({}),
      now: NOW,
      server: server({ 'debian/2021051301': in_(5) }),
      bumpTrigger: trigger,
    });
    await watch(m);
    expect(m.forge.issue(1).body).toContain('may have started (see the comments)');
    expect(m.forge.issue(1).comments[0]?.body).toMatch(
      /^The bump of `debian` `2021051301` may have started, or not: no answer/,
    );
    await expect(watch(m)).resolves.toBe('unchanged');
    expect(trigger.requests).toHaveLength(1);
  });

  it('starts the job again once the validity changed: each Valid-Until gets its own claim', async () => {
    const trigger = new RecordingTrigger();
    const fake = server({ 'debian/2021051301': in_(5) });
    const m = memoryDeps({ reader: new MemoryReader({}), now: NOW, server: fake, bumpTrigger: trigger });
    await watch(m);
    fake.expiries.set('debian/2021051301', in_(20));
    await watch(m);
    expect(trigger.requests).toHaveLength(2);
  });

  it('says no job is configured, and works without one', async () => {
    const m = memoryDeps({ reader: new MemoryReader({}), now: NOW, server: server({ 'debian/2021051301': in_(5) }) });
    await watch(m);
    expect(m.forge.issue(1).body).toContain('none configured');
  });

  it('does nothing without a snapshot server', async () => {
    const m = memoryDeps({ reader: new MemoryReader({}), now: NOW });
    await expect(watch(m)).resolves.toBe('no-server');
    expect(m.forge.writes).toEqual([]);
  });

  it('leaves closed a warning a person closed, until the snapshots it names change', async () => {
    const fake = server({ 'debian/2021051301': in_(5) });
    const m = memoryDeps({ reader: new MemoryReader({}), now: NOW, server: fake });
    await watch(m);
    m.forge.issue(1).state = 'closed';
    await expect(watch(m)).resolves.toBe('dismissed');
    expect(m.forge.issues).toHaveLength(1);
    fake.expiries.set('debian/2021051301', in_(8));
    await expect(watch(m)).resolves.toBe('created');
    expect(m.forge.issues.map((i) => i.state)).toEqual(['closed', 'open']);
  });

  it('opens the warning again when the same snapshots expire again after the bot itself closed it', async () => {
    const fake = server({ 'torproject/2021051302': in_(5) });
    const m = memoryDeps({ reader: new MemoryReader({}), now: NOW, server: fake });
    await watch(m);
    // The snapshot is gone for a while (a server mishap), then back: the bot closes the warning...
    fake.expiries.set('torproject/2021051302', in_(120));
    await expect(watch(m)).resolves.toBe('closed');
    // ...and the same snapshot and date come back within the window: that is no person's dismissal.
    fake.expiries.set('torproject/2021051302', in_(5));
    await expect(watch(m)).resolves.toBe('created');
  });

  it('comes back once a snapshot of a dismissed warning has expired', async () => {
    const m = memoryDeps({ reader: new MemoryReader({}), now: NOW, server: server({ 'debian/2021051301': in_(5) }) });
    await watch(m);
    m.forge.issue(1).state = 'closed';
    m.deps.now = in_(6);
    await expect(watch(m)).resolves.toBe('created');
  });

  it('is not fooled by another issue of the bot quoting its marker', async () => {
    const m = memoryDeps({ reader: new MemoryReader({}), now: NOW, server: server({ 'debian/2021051301': in_(5) }) });
    await m.forge.ensureIssue({
      marker: 'dashboard',
      title: 'dashboard',
      body: `dashboard quoting ${expiryMarker('testing')}`,
    });
    await expect(watch(m)).resolves.toBe('created');
    expect(m.forge.issue(1).body).toBe(`dashboard quoting ${expiryMarker('testing')}`);
    expect(m.forge.issue(2).title).toBe('APT snapshots pinned by testing expire soon');
  });

  it('keeps each branch to its own issue', async () => {
    const m = memoryDeps({ reader: new MemoryReader({}), now: NOW, server: server({ 'debian/2021051301': in_(5) }) });
    await watch(m);
    await watchExpiry(m.deps, { branch: 'stable', sha: SHA, state: testingState(), config });
    expect(m.forge.issues.map((i) => i.title)).toEqual([
      'APT snapshots pinned by testing expire soon',
      'APT snapshots pinned by stable expire soon',
    ]);
  });
});

describe('watchExpiry against a snapshot server over HTTP', () => {
  let http: LocalHttpServer;
  beforeAll(async () => {
    // Release files as the server publishes them, expiring at chosen dates around NOW; torproject's is gone.
    http = await startHttpServer(
      Object.fromEntries([
        releaseRoute('debian', 'stable', FROZEN.debian, 'Mon, 17 May 2021 06:30:00 UTC'),
        releaseRoute('debian', 'stable', BUILDER.debian, 'Sat, 13 Nov 2021 10:00:00 UTC'),
        releaseRoute('debian-security', 'buster/updates', BUILDER['debian-security'], null),
        releaseRoute('tails', 'stable', BUILDER.tails, 'Sat, 13 Nov 2021 10:00:00 UTC'),
      ]),
    );
  });
  afterAll(() => http.close());

  it('reads Valid-Until from the Release files and warns about the one within the window and the one gone', async () => {
    const server = HttpSnapshotServer.fromConfig(config, { baseUrl: `${http.url}/`, retries: 0 });
    const trigger = new RecordingTrigger();
    const m = memoryDeps({ reader: new MemoryReader({}), now: NOW, server, bumpTrigger: trigger });
    await expect(watch(m)).resolves.toBe('created');
    const body = m.forge.issue(1).body;
    expect(body).toContain('expires on 2021-05-17 06:30 UTC');
    expect(body).toContain('**not on the snapshot server**');
    expect(body).not.toContain('2021042702');
    expect(trigger.requests.map((r) => r.parameters)).toEqual([
      { ORIGIN: 'debian', SERIAL: '2021051301', DAYS: '180' },
    ]);
    expect(http.requestsTo('/torproject/dists/buster/snapshots/2021051302/Release')).toHaveLength(1);
  });
});
