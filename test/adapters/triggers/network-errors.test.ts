import { createTrigger } from '../../../src/adapters/triggers/create-trigger.js';
import type { JobTrigger } from '../../../src/ports/job-trigger.js';
import { fakeClock, type FakeClock } from './fakes/fake-clock.js';
import { triggerFailure } from './failure.js';

/** What fetch throws: a TypeError whose cause, sometimes nested, has the system's code. */
function fetchFailing(code: string, message = `${code} something`): { fetch: typeof fetch; calls: () => number } {
  let calls = 0;
  return {
    fetch: async () => {
      calls += 1;
      throw new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
    },
    calls: () => calls,
  };
}

let clock: FakeClock;

function webhook(fetch: typeof globalThis.fetch): JobTrigger {
  return createTrigger(
    { type: 'webhook', url: 'https://hooks.example.org/start', secret_env: 'S', timeout_ms: 1000 },
    { S: 'secret' },
    { fetch, sleep: clock.sleep, now: clock.now },
  );
}

beforeEach(() => {
  clock = fakeClock();
});

describe('what a failed request says about the job', () => {
  it.each([
    ['ENOTFOUND', 'host not found'],
    ['EAI_AGAIN', 'host not found (temporary DNS failure)'],
    ['EHOSTUNREACH', 'host unreachable'],
    ['UND_ERR_CONNECT_TIMEOUT', 'connection timed out'],
  ])('retries %s, which never sent the request, twice, and says the job was not started', async (code, detail) => {
    const failing = fetchFailing(code);
    const error = await triggerFailure(webhook(failing.fetch).trigger({ job: 'build_IUKs', parameters: {} }));
    expect(error.sent).toBe(false);
    expect(error.message).toContain(`${detail} at POST https://hooks.example.org/start (3 attempts)`);
    expect(failing.calls()).toBe(3);
    expect(clock.sleeps).toEqual([1000, 3000]);
  });

  it('does not retry a certificate it cannot trust, and says the job was not started', async () => {
    const failing = fetchFailing('CERT_HAS_EXPIRED');
    const error = await triggerFailure(webhook(failing.fetch).trigger({ job: 'build_IUKs', parameters: {} }));
    expect(error.sent).toBe(false);
    expect(error.message).toContain('TLS failure (CERT_HAS_EXPIRED)');
    expect(failing.calls()).toBe(1);
  });

  it.each(['ECONNRESET', 'UND_ERR_SOCKET', 'EWHATEVER'])(
    'never retries %s, which may have cut the request after it was sent, and says the job may have started',
    async (code) => {
      const failing = fetchFailing(code);
      const error = await triggerFailure(webhook(failing.fetch).trigger({ job: 'build_IUKs', parameters: {} }));
      expect(error.sent).toBe(true);
      expect(failing.calls()).toBe(1);
    },
  );
});
