import {
  CHECK_RUNS_READ,
  CHECK_SUITES_READ,
  decodeCheckRuns,
  type GqlCheckRunsObject,
} from '../../../src/adapters/github/check-runs-read.js';

const APP = 4242;
const SHA = 'a'.repeat(40);

const run = (databaseId: number, name: string, annotations = 0) => ({
  databaseId,
  name,
  externalId: `x${databaseId}`,
  annotations: { totalCount: annotations },
});
const runs = (...nodes: unknown[]) => ({ totalCount: nodes.length, nodes });
const suite = (checkRuns: unknown, appId = APP) => ({ app: { databaseId: appId }, checkRuns });
const answer = (...suites: unknown[]): GqlCheckRunsObject => ({
  oid: SHA,
  checkSuites: { totalCount: suites.length, nodes: suites } as GqlCheckRunsObject['checkSuites'],
});

describe('decodeCheckRuns', () => {
  it('gives the newest run of each name, over every suite of the app', () => {
    const known = decodeCheckRuns(
      answer(
        suite(runs(run(5, 'APT snapshots', 2), run(9, 'APT snapshots (pull request)'))),
        suite(runs(run(7, 'APT snapshots'))),
      ),
      APP,
    );
    expect(known?.sha).toBe(SHA);
    expect([...(known?.runs ?? [])]).toEqual([
      ['APT snapshots', { id: 7, externalId: 'x7', annotationsCount: 0 }],
      ['APT snapshots (pull request)', { id: 9, externalId: 'x9', annotationsCount: 0 }],
    ]);
  });

  it('knows there is no run when the app has no suite on the commit', () => {
    expect(decodeCheckRuns(answer(), APP)).toEqual({ sha: SHA, runs: new Map() });
  });

  it("ignores another app's suite", () => {
    expect(decodeCheckRuns(answer(suite(runs(run(1, 'APT snapshots')), 99)), APP)).toEqual({
      sha: SHA,
      runs: new Map(),
    });
  });

  it('keeps a null external id (a run written without one)', () => {
    const known = decodeCheckRuns(answer(suite(runs({ ...run(3, 'APT snapshots'), externalId: null }))), APP);
    expect(known?.runs.get('APT snapshots')).toEqual({ id: 3, externalId: null, annotationsCount: 0 });
  });

  const manySuites = {
    oid: SHA,
    checkSuites: {
      totalCount: CHECK_SUITES_READ + 1,
      nodes: Array.from({ length: CHECK_SUITES_READ }, () => suite(runs())),
    },
  };
  const manyRuns = answer(
    suite({
      totalCount: CHECK_RUNS_READ + 1,
      nodes: Array.from({ length: CHECK_RUNS_READ }, (_, i) => run(i + 1, `check ${i}`)),
    }),
  );
  it.each([
    ['no answer', null],
    ['a commit without an oid', { checkSuites: { totalCount: 0, nodes: [] } }],
    ['no check suites', { oid: SHA }],
    ['more suites than were read', manySuites],
    ['more runs than were read', manyRuns],
    ['a suite without its runs', answer(suite(null))],
    ['a null suite', answer(null)],
    ['a null run', answer(suite(runs(null)))],
    ['a run without its id', answer(suite(runs({ ...run(1, 'x'), databaseId: null })))],
    ['a run without its annotation count', answer(suite(runs({ ...run(1, 'x'), annotations: null })))],
    ['a run with a numeric external id', answer(suite(runs({ ...run(1, 'x'), externalId: 5 })))],
  ])('cannot tell from %s', (_name, object) => {
    expect(decodeCheckRuns(object as GqlCheckRunsObject | null, APP)).toBeUndefined();
  });
});
