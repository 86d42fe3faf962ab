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
  it('claims the attempt after the last, for a failed job, whatever the readiness', () => {
    const retry = decideRetry({
      ...facts({
        attempts: [
          { attempt: 1, commit: A },
          { attempt: 2, commit: A },
        ],
        plan: { job: 'build_IUKs', parameters: {}, waitingFor: 'readiness' },
      }),
      lastState: 'failed',
    });
    expect(retry).toEqual({ kind: 'start', attempt: 3 });
  });

  it('never starts a job that started again', () => {
    expect(decideRetry({ ...facts({ attempts: [{ attempt: 1, commit: A }] }), lastState: 'started' })).toEqual({
      kind: 'claimed',
      attempt: 1,
    });
  });

  it('still refuses a tag that moved, a failing release, and a job without its manifest', () => {
    expect(decideRetry({ ...facts({ attempts: [{ attempt: 1, commit: B }] }), lastState: 'failed' }).kind).toBe(
      'elsewhere',
    );
    expect(decideRetry({ ...facts({ conclusion: 'failure' }), lastState: 'failed' }).kind).toBe('held');
    expect(
      decideRetry({
        ...facts({ plan: { job: 'tag-apt-snapshots', parameters: {}, waitingFor: 'manifest' } }),
        lastState: 'starting',
      }),
    ).toEqual({ kind: 'waiting', for: 'manifest' });
  });
});
