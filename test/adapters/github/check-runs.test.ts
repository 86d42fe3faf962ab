import { annotationsId } from '../../../src/adapters/github/check-output.js';
import { ForgeError } from '../../../src/adapters/github/forge-error.js';
import type { ExistingCheckRun, KnownCheckRuns } from '../../../src/adapters/github/check-runs-read.js';
import type { CheckAnnotation, CheckReport } from '../../../src/ports/forge.js';
import { CheckLedger } from '../../../src/adapters/github/check-ledger.js';
import { SeenCheckRuns } from '../../../src/adapters/github/seen-check-runs.js';
import { IDENTITY, REPO, REPOSITORY_ID, forgeWithScope } from '../../helpers/github-forge-setup.js';
import { TEST_TOKEN, guardNock } from '../../helpers/nock-guard.js';

guardNock();

const SHA = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const LIST = `${REPO}/commits/${SHA}/check-runs`;
const QUERY = { check_name: 'APT snapshots', filter: 'latest', app_id: '4242' };
const URL_OF = (id: number) => `https://github.com/tails/tails/runs/${id}`;

const annotation = (n: number): CheckAnnotation => ({
  path: `config/APT_snapshots.d/origin${n}/serial`,
  line: 1,
  level: 'failure',
  title: `serial-syntax ${n}`,
  message: `not a serial (${n})`,
});

function report(overrides: Partial<CheckReport> = {}): CheckReport {
  return {
    name: 'APT snapshots',
    headSha: SHA,
    conclusion: 'failure',
    title: '1 error',
    summary: '| origin | this branch |\n| --- | --- |\n| debian | 2021051301 |',
    annotations: [annotation(0)],
    fixes: [
      {
        label: 'Fix it',
        description: 'Open a pull request that thaws devel',
        identifier: 'thaw',
        command: '/apt-snapshots thaw devel',
      },
    ],
    ...overrides,
  };
}

/** The report's fix, as the check run's button. */
const ACTIONS = [{ label: 'Fix it', description: 'Open a pull request that thaws devel', identifier: 'thaw' }];

/** What the forge records of the report's one annotation. */
const ONE_ANNOTATION = annotationsId([annotation(0)]);

function existingRun(
  id: number,
  externalId: string | null,
  output: { title: string; summary: string; annotations_count: number },
  app = { id: 4242, slug: 'apt-snapshots-bot' },
) {
  return {
    id,
    name: 'APT snapshots',
    html_url: URL_OF(id),
    url: `https://api.github.com${REPO}/check-runs/${id}`,
    app,
    status: 'completed',
    conclusion: 'failure',
    external_id: externalId,
    output,
  };
}

const ghAnnotation = (n: number) => ({
  path: `config/APT_snapshots.d/origin${n}/serial`,
  start_line: 1,
  end_line: 1,
  annotation_level: 'failure',
  title: `serial-syntax ${n}`,
  message: `not a serial (${n})`,
});

describe('GitHubForge.ensureCheck', () => {
  it('creates the run when the commit has none: 2 requests', async () => {
    const { forge, scope, requests, bodies, capture } = forgeWithScope();
    scope.get(LIST).query(QUERY).reply(200, { total_count: 0, check_runs: [] });
    scope.post(`${REPO}/check-runs`, capture).reply(201, { id: 7, html_url: URL_OF(7), url: 'api-url' });

    const result = await forge.ensureCheck(report());

    expect(result).toEqual({ id: 7, url: URL_OF(7) });
    expect(requests).toEqual([
      `GET ${LIST}?check_name=APT%20snapshots&filter=latest&app_id=4242`,
      `POST ${REPO}/check-runs`,
    ]);
    expect(bodies).toEqual([
      {
        name: 'APT snapshots',
        head_sha: SHA,
        status: 'completed',
        conclusion: 'failure',
        output: { title: '1 error', summary: report().summary, annotations: [ghAnnotation(0)] },
        actions: ACTIONS,
        external_id: ONE_ANNOTATION,
      },
    ]);
  });

  it.each([
    ['on redelivery', '1 error', report().summary],
    ['when only its summary changed (a note was added)', '1 error', 'older summary, without the note'],
    ['when its title and conclusion changed', 'Could not judge', 'older summary'],
  ])(
    '%s updates the run carrying these annotations without adding them again: 2 requests',
    async (_when, title, summary) => {
      const { forge, scope, requests, bodies, capture } = forgeWithScope();
      scope
        .get(LIST)
        .query(QUERY)
        .reply(200, {
          total_count: 1,
          check_runs: [existingRun(7, ONE_ANNOTATION, { title, summary, annotations_count: 1 })],
        });
      scope.patch(`${REPO}/check-runs/7`, capture).reply(200, { id: 7, html_url: URL_OF(7), url: 'api-url' });

      const result = await forge.ensureCheck(report());

      expect(result).toEqual({ id: 7, url: URL_OF(7) });
      expect(requests).toHaveLength(2);
      expect(bodies).toEqual([
        {
          status: 'completed',
          conclusion: 'failure',
          actions: ACTIONS,
          external_id: ONE_ANNOTATION,
          output: { title: '1 error', summary: report().summary },
        },
      ]);
    },
  );

  it('updates a run that has no annotations yet (e.g. one that reported an outage) with the new ones', async () => {
    const { forge, scope, bodies, capture } = forgeWithScope();
    scope
      .get(LIST)
      .query(QUERY)
      .reply(200, {
        total_count: 1,
        check_runs: [
          existingRun(7, annotationsId([]), {
            title: 'GitHub API unavailable',
            summary: 'Re-run me.',
            annotations_count: 0,
          }),
        ],
      });
    scope.patch(`${REPO}/check-runs/7`, capture).reply(200, { id: 7, html_url: URL_OF(7), url: 'api-url' });

    await forge.ensureCheck(report());

    expect(bodies).toEqual([
      {
        status: 'completed',
        conclusion: 'failure',
        actions: ACTIONS,
        external_id: ONE_ANNOTATION,
        output: { title: '1 error', summary: report().summary, annotations: [ghAnnotation(0)] },
      },
    ]);
  });

  it.each([
    ['other annotations', annotationsId([annotation(1), annotation(2)]), 2],
    ['as many annotations, but others', annotationsId([annotation(1)]), 1],
    ['these annotations twice (an update that added them again)', ONE_ANNOTATION, 2],
    ['annotations it did not record (a run written before external_id was)', null, 1],
  ])(
    'replaces a run carrying %s with a new run, as GitHub cannot remove annotations',
    async (_what, externalId, count) => {
      const { forge, scope, requests, bodies, capture } = forgeWithScope();
      scope
        .get(LIST)
        .query(QUERY)
        .reply(200, {
          total_count: 1,
          check_runs: [
            existingRun(7, externalId, { title: '1 error', summary: report().summary, annotations_count: count }),
          ],
        });
      scope.post(`${REPO}/check-runs`, capture).reply(201, { id: 8, html_url: URL_OF(8), url: 'api-url' });

      const result = await forge.ensureCheck(report());

      expect(result).toEqual({ id: 8, url: URL_OF(8) });
      expect(requests).toHaveLength(2);
      expect(bodies).toMatchObject([
        { head_sha: SHA, external_id: ONE_ANNOTATION, output: { annotations: [ghAnnotation(0)] } },
      ]);
    },
  );

  it.each([
    ['another app', { id: 99, slug: 'other-ci' }, { ...IDENTITY }],
    [
      'another app, recognised by slug without an app id',
      { id: 99, slug: 'other-ci' },
      { branchPrefix: IDENTITY.branchPrefix, botLogin: IDENTITY.botLogin },
    ],
  ])('leaves a run of the same name made by %s alone and creates its own', async (_what, app, identity) => {
    const { forge, scope, requests } = forgeWithScope(identity);
    const query = 'appId' in identity ? QUERY : { check_name: 'APT snapshots', filter: 'latest' };
    scope
      .get(LIST)
      .query(query)
      .reply(200, {
        total_count: 1,
        check_runs: [
          existingRun(5, ONE_ANNOTATION, { title: '1 error', summary: report().summary, annotations_count: 1 }, app),
        ],
      });
    scope.post(`${REPO}/check-runs`).reply(201, { id: 8, html_url: URL_OF(8), url: 'api-url' });

    await expect(forge.ensureCheck(report())).resolves.toEqual({ id: 8, url: URL_OF(8) });
    expect(requests).toHaveLength(2);
  });

  it('recognises its own run by slug when it has no app id, and updates the newest', async () => {
    const { forge, scope, requests } = forgeWithScope({
      branchPrefix: IDENTITY.branchPrefix,
      botLogin: IDENTITY.botLogin,
    });
    const summary = report().summary;
    const OUR_APP = { id: 4242, slug: 'apt-snapshots-bot' };
    scope
      .get(LIST)
      .query({ check_name: 'APT snapshots', filter: 'latest' })
      .reply(200, {
        total_count: 2,
        check_runs: [
          existingRun(3, ONE_ANNOTATION, { title: '1 error', summary, annotations_count: 1 }, OUR_APP),
          existingRun(9, ONE_ANNOTATION, { title: '1 error', summary, annotations_count: 1 }, OUR_APP),
        ],
      });
    scope.patch(`${REPO}/check-runs/9`).reply(200, { id: 9, html_url: URL_OF(9), url: 'api-url' });

    await expect(forge.ensureCheck(report())).resolves.toEqual({ id: 9, url: URL_OF(9) });
    expect(requests).toHaveLength(2);
  });

  it('sends 120 annotations 50 at a time: the first 50 with the run, the rest in further updates', async () => {
    const { forge, scope, requests, bodies, capture } = forgeWithScope();
    const annotations = Array.from({ length: 120 }, (_, i) => annotation(i));
    scope.get(LIST).query(QUERY).reply(200, { total_count: 0, check_runs: [] });
    scope.post(`${REPO}/check-runs`, capture).reply(201, { id: 7, html_url: URL_OF(7), url: 'api-url' });
    scope
      .patch(`${REPO}/check-runs/7`, capture)
      .twice()
      .reply(200, { id: 7, html_url: URL_OF(7), url: 'api-url' });

    await forge.ensureCheck(report({ annotations, title: '120 errors' }));

    expect(requests).toEqual([
      expect.stringMatching(/^GET /),
      `POST ${REPO}/check-runs`,
      `PATCH ${REPO}/check-runs/7`,
      `PATCH ${REPO}/check-runs/7`,
    ]);
    const sent = bodies as { output: { title: string; summary: string; annotations: { title: string }[] } }[];
    expect(sent.map((b) => b.output.annotations.length)).toEqual([50, 50, 20]);
    expect(sent.flatMap((b) => b.output.annotations.map((a) => a.title))).toEqual(annotations.map((a) => a.title));
    expect(sent.map((b) => [b.output.title, b.output.summary])).toEqual(
      sent.map(() => ['120 errors', report().summary]),
    );
  });

  it('sends a summary over 65535 characters cut to fit, with a note', async () => {
    const { forge, scope, bodies, capture } = forgeWithScope();
    scope.get(LIST).query(QUERY).reply(200, { total_count: 0, check_runs: [] });
    scope.post(`${REPO}/check-runs`, capture).reply(201, { id: 7, html_url: URL_OF(7), url: 'api-url' });

    const marker = '<!-- apt-snapshots-bot subject {"kind":"push"} -->';
    await forge.ensureCheck(report({ summary: `${'| row |\n'.repeat(10_000)}${marker}` }));

    const summary = (bodies[0] as { output: { summary: string } }).output.summary;
    expect(summary.length).toBeLessThanOrEqual(65_535);
    expect(summary).toMatch(
      /\| row \|\n\n\*\(Summary cut to GitHub's limit: \d+ more characters not shown; [^\n]*\)\*\n\n<!-- apt/,
    );
    expect(summary.endsWith(`\n${marker}`)).toBe(true);
  });

  it.each([
    [
      'a 500 when creating',
      500,
      { message: 'Server Error' },
      {},
      'POST https://api.github.com/repos/tails/tails/check-runs answered 500: Server Error',
    ],
    [
      'a 403 rate limit',
      403,
      { message: 'API rate limit exceeded for installation ID 42.' },
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1620900000' },
      'POST https://api.github.com/repos/tails/tails/check-runs answered 403: API rate limit exceeded for installation ID 42. (rate limit exhausted until 2021-05-13T10:00:00.000Z)',
    ],
  ])(
    'surfaces %s as a ForgeError with the status and without the token',
    async (_what, status, body, headers, message) => {
      const { forge, scope } = forgeWithScope();
      scope.get(LIST).query(QUERY).reply(200, { total_count: 0, check_runs: [] });
      scope.post(`${REPO}/check-runs`).reply(status, body, headers);

      const error = await forge.ensureCheck(report()).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ForgeError);
      expect((error as ForgeError).status).toBe(status);
      expect((error as ForgeError).message).toBe(`GitHub ensureCheck: ${message}`);
      expect(String(error)).not.toContain(TEST_TOKEN);
      expect((error as ForgeError).message).not.toContain(TEST_TOKEN);
    },
  );
});

describe('GitHubForge.ensureCheck, told which runs the commit has', () => {
  const known = (runs: [string, ExistingCheckRun][], sha = SHA): KnownCheckRuns => ({ sha, runs: new Map(runs) });
  /** A forge whose webhook read `runs` along with a commit, nothing written since. */
  const told = async (runs: KnownCheckRuns) => {
    const ledger = new CheckLedger();
    const seen = new SeenCheckRuns(ledger);
    seen.record(runs, await ledger.now());
    return { ...forgeWithScope(IDENTITY, { repositoryId: REPOSITORY_ID, seen }), ledger };
  };
  const created = { id: 7, html_url: URL_OF(7), url: 'api-url' };

  it('creates the run without looking: 1 request', async () => {
    const { forge, scope, requests } = await told(
      known([['APT snapshots (pull request)', { id: 3, externalId: ONE_ANNOTATION, annotationsCount: 1 }]]),
    );
    scope.post(`${REPO}/check-runs`).reply(201, created);

    await expect(forge.ensureCheck(report())).resolves.toEqual({ id: 7, url: URL_OF(7) });
    expect(requests).toEqual([`POST ${REPO}/check-runs`]);
  });

  it.each<[string, ExistingCheckRun, Record<string, unknown>]>([
    [
      'carrying these annotations',
      { id: 7, externalId: ONE_ANNOTATION, annotationsCount: 1 },
      { output: { title: '1 error', summary: report().summary } },
    ],
    [
      'without annotations yet',
      { id: 7, externalId: annotationsId([]), annotationsCount: 0 },
      { output: { title: '1 error', summary: report().summary, annotations: [ghAnnotation(0)] } },
    ],
  ])('updates the run it was told of, %s: 1 request', async (_what, existing, body) => {
    const { forge, scope, requests, bodies, capture } = await told(known([['APT snapshots', existing]]));
    scope.patch(`${REPO}/check-runs/7`, capture).reply(200, created);

    await forge.ensureCheck(report());

    expect(requests).toEqual([`PATCH ${REPO}/check-runs/7`]);
    expect(bodies).toEqual([
      { status: 'completed', conclusion: 'failure', actions: ACTIONS, external_id: ONE_ANNOTATION, ...body },
    ]);
  });

  it.each([
    ['queued', { pending: 'queued' as const }, { status: 'queued' }],
    [
      'in progress, with where to follow it',
      { pending: 'in_progress' as const, detailsUrl: 'https://ci/1' },
      { status: 'in_progress', details_url: 'https://ci/1' },
    ],
    [
      'done, with where to follow it',
      { detailsUrl: 'https://ci/2' },
      { status: 'completed', conclusion: 'failure', details_url: 'https://ci/2' },
    ],
  ])('writes a run %s, sending no conclusion while it is pending', async (_what, fields, sent) => {
    const { forge, scope, bodies, capture } = await told(known([]));
    scope.post(`${REPO}/check-runs`, capture).reply(201, created);

    await forge.ensureCheck(report({ annotations: [], ...fields }));

    const body = bodies[0] as Record<string, unknown>;
    expect(body).toMatchObject(sent);
    if ('pending' in fields) expect(body).not.toHaveProperty('conclusion');
  });

  it('replaces the run it was told of when its annotations are stale', async () => {
    const { forge, scope, requests } = await told(
      known([['APT snapshots', { id: 7, externalId: annotationsId([annotation(1)]), annotationsCount: 1 }]]),
    );
    scope.post(`${REPO}/check-runs`).reply(201, { id: 8, html_url: URL_OF(8), url: 'api-url' });

    await forge.ensureCheck(report());

    expect(requests).toEqual([`POST ${REPO}/check-runs`]);
  });

  it.each([
    ['the check was written since the read', SHA, true],
    ['told about another commit', 'b'.repeat(40), false],
  ])('looks up for itself when %s', async (_when, sha, written) => {
    const { forge, scope, requests, ledger } = await told(known([], sha));
    if (written) await ledger.wrote(`check tails/tails ${SHA} APT snapshots`);
    scope.get(LIST).query(QUERY).reply(200, { total_count: 0, check_runs: [] });
    scope.post(`${REPO}/check-runs`).reply(201, created);

    await forge.ensureCheck(report());

    expect(requests).toEqual([
      `GET ${LIST}?check_name=APT%20snapshots&filter=latest&app_id=4242`,
      `POST ${REPO}/check-runs`,
    ]);
  });
});

describe('GitHubForge.latestCheck', () => {
  const run = (id: number, appId: number, conclusion: string | null, status = 'completed') => ({
    id,
    name: 'APT snapshots: release',
    head_sha: 'a2'.repeat(20),
    status,
    conclusion,
    html_url: `https://github.com/tails/tails/runs/${id}`,
    url: `https://api.github.com/repos/tails/tails/check-runs/${id}`,
    app: { id: appId },
  });

  it("answers the app's latest run of that name on the commit a tag names, in one request", async () => {
    const { forge, scope, requests } = forgeWithScope();
    scope
      .get('/repos/tails/tails/commits/4.19-rc1/check-runs')
      .query({ check_name: 'APT snapshots: release', filter: 'latest', app_id: '4242' })
      .reply(200, {
        total_count: 3,
        check_runs: [run(7, 4242, 'failure'), run(9, 4242, 'success'), run(11, 99, 'neutral')],
      });
    await expect(forge.latestCheck('4.19-rc1', 'APT snapshots: release')).resolves.toEqual({
      sha: 'a2'.repeat(20),
      conclusion: 'success',
      url: 'https://github.com/tails/tails/runs/9',
    });
    expect(requests).toHaveLength(1);
  });

  it('answers the status of a run not completed, and undefined without a run', async () => {
    const { forge, scope } = forgeWithScope();
    scope
      .get('/repos/tails/tails/commits/4.20/check-runs')
      .query(true)
      .reply(200, { total_count: 1, check_runs: [run(12, 4242, null, 'in_progress')] });
    scope.get('/repos/tails/tails/commits/4.21/check-runs').query(true).reply(200, { total_count: 0, check_runs: [] });
    await expect(forge.latestCheck('4.20', 'APT snapshots: release')).resolves.toMatchObject({
      conclusion: 'in_progress',
    });
    await expect(forge.latestCheck('4.21', 'APT snapshots: release')).resolves.toBeUndefined();
  });
});
