import { decideJob, decideRetry, type JobFacts } from '../../../src/app/release/decide-job.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const facts = (overrides: Partial<JobFacts> = {}): JobFacts => ({
  plan: { job: 'tag-apt-snapshots', parameters: { TAG: '4.19-rc1', BUILD_MANIFEST: 'https://ci/m' } },
  attempts: [],
  commit: A,
  conclusion: 'success',
  hasTrigger: true,
  ready: false,
  polled: true,
  ...overrides,
});

describe('decideJob', () => {
  it.each<[string, Partial<JobFacts>, ReturnType<typeof decideJob>]>([
    ['a sound release with a trigger: attempt 1', {}, { kind: 'start', attempt: 1 }],
    [
      'an attempt claimed already, by anyone',
      { attempts: [{ attempt: 1, commit: A }] },
      { kind: 'claimed', attempt: 1 },
    ],
    [
      'an attempt whose outcome the forge recorded',
      { attempts: [{ attempt: 1, commit: A, outcome: 'failed' }] },
      { kind: 'claimed', attempt: 1, outcome: 'failed' },
    ],
    [
      'the last of several attempts',
      {
        attempts: [
          { attempt: 1, commit: A },
          { attempt: 2, commit: A },
        ],
      },
      { kind: 'claimed', attempt: 2 },
    ],
    [
      'a claim made at another commit: the tag moved',
      { attempts: [{ attempt: 1, commit: B }] },
      { kind: 'elsewhere', commit: B },
    ],
    ['a failing release', { conclusion: 'failure' }, { kind: 'held', why: 'failure' }],
    ['an incomplete judgement', { conclusion: 'incomplete' }, { kind: 'held', why: 'incomplete' }],
    ['no trigger', { hasTrigger: false }, { kind: 'no-trigger' }],
    [
      'nothing to do, whatever else holds',
      { conclusion: 'failure', plan: { job: 'build_IUKs', parameters: {}, nothingToDo: 'no earlier release' } },
      { kind: 'nothing', why: 'no earlier release' },
    ],
    [
      'no manifest yet',
      { plan: { job: 'tag-apt-snapshots', parameters: {}, waitingFor: 'manifest' } },
      { kind: 'waiting', for: 'manifest' },
    ],
    [
      'images not out, watched',
      { plan: { job: 'build_IUKs', parameters: {}, waitingFor: 'readiness' } },
      { kind: 'waiting', for: 'readiness', polled: true },
    ],
    [
      'images not out, nothing to watch',
      { polled: false, plan: { job: 'build_IUKs', parameters: {}, waitingFor: 'readiness' } },
      { kind: 'waiting', for: 'readiness', polled: false },
    ],
    [
      'images out',
      { ready: true, plan: { job: 'build_IUKs', parameters: {}, waitingFor: 'readiness' } },
      { kind: 'start', attempt: 1 },
    ],
  ])('%s', (_name, overrides, decision) => {
    expect(decideJob(facts(overrides))).toEqual(decision);
  });
});

describe('decideRetry', () => {
  const two = [
    { attempt: 1, commit: A, outcome: 'failed' as const },
    { attempt: 2, commit: A, outcome: 'failed' as const },
  ];

  it('claims the attempt after the last when the forge recorded that it failed, whatever the readiness', () => {
    const retry = decideRetry(
      facts({ attempts: two, plan: { job: 'build_IUKs', parameters: {}, waitingFor: 'readiness' } }),
      { state: 'failed', attempt: 2 },
    );
    expect(retry).toEqual({ kind: 'start', attempt: 3 });
  });

  it('never starts a job that started again, whatever the check showed', () => {
    const started = [{ attempt: 1, commit: A, outcome: 'started' as const }];
    for (const state of ['failed', 'unknown', 'starting'] as const) {
      expect(decideRetry(facts({ attempts: started }), { state, attempt: 1 })).toEqual({
        kind: 'claimed',
        attempt: 1,
        outcome: 'started',
      });
    }
  });

  it('changes nothing for a check an earlier re-run left behind: a double click starts one attempt', () => {
    expect(decideRetry(facts({ attempts: two }), { state: 'failed', attempt: 1 })).toEqual({
      kind: 'claimed',
      attempt: 2,
      outcome: 'failed',
    });
    expect(decideRetry(facts({ attempts: two }), { state: 'failed' })).toEqual({
      kind: 'claimed',
      attempt: 2,
      outcome: 'failed',
    });
  });

  it('shows an attempt without a recorded outcome as unknown, and starts the next once a person re-runs that', () => {
    const unrecorded = [{ attempt: 1, commit: A }];
    expect(decideRetry(facts({ attempts: unrecorded }), { state: 'starting', attempt: 1 })).toEqual({
      kind: 'unknown',
      attempt: 1,
    });
    expect(decideRetry(facts({ attempts: unrecorded }), { state: 'unknown', attempt: 1 })).toEqual({
      kind: 'start',
      attempt: 2,
    });
  });

  it('shows as unknown a newer attempt never recorded, when the check re-run is an older one', () => {
    const attempts = [
      { attempt: 1, commit: A, outcome: 'failed' as const },
      { attempt: 2, commit: A },
    ];
    expect(decideRetry(facts({ attempts }), { state: 'failed', attempt: 1 })).toEqual({ kind: 'unknown', attempt: 2 });
  });

  it('claims the attempt a check shows when its claim was never made (GitHub lost the answer)', () => {
    const attempts = [{ attempt: 1, commit: A, outcome: 'failed' as const }];
    expect(decideRetry(facts({ attempts }), { state: 'unknown', attempt: 2 })).toEqual({ kind: 'start', attempt: 2 });
  });

  it('acts as a first start when nothing was claimed', () => {
    expect(decideRetry(facts(), { state: 'failed' })).toEqual({ kind: 'start', attempt: 1 });
  });

  it('still refuses a tag that moved, a failing release, and a job without its manifest', () => {
    expect(decideRetry(facts({ attempts: [{ attempt: 1, commit: B }] }), { state: 'failed', attempt: 1 }).kind).toBe(
      'elsewhere',
    );
    expect(decideRetry(facts({ attempts: two, conclusion: 'failure' }), { state: 'failed', attempt: 2 }).kind).toBe(
      'held',
    );
    expect(
      decideRetry(
        facts({ attempts: two, plan: { job: 'tag-apt-snapshots', parameters: {}, waitingFor: 'manifest' } }),
        { state: 'failed', attempt: 2 },
      ),
    ).toEqual({ kind: 'waiting', for: 'manifest' });
  });
});
