import type { TriggerLogger } from '../../../src/adapters/triggers/trigger-options.js';
import type { JobRequest, JobTrigger } from '../../../src/ports/job-trigger.js';
import type { CiBehaviour, ReceivedRequest } from './fakes/ci-behaviour.js';
import { triggerFailure } from './failure.js';
import { recordingLogger, type RecordingLogger } from './fakes/fake-clock.js';

/** A trigger against a fake CI, made afresh for each test of the contract. */
export interface TriggerFixture {
  /** What messages call the CI: "Jenkins", "GitLab", "the command"… */
  ci: string;
  /** Values that must never show: tokens, secrets, and the forms they are sent in. */
  secrets: string[];
  /** A trigger whose CI behaves so, or one whose CI cannot be reached; its timeout is short. */
  make(behaviour: CiBehaviour | 'unreachable', log: TriggerLogger): Promise<JobTrigger>;
  /** The requests that reached the job-starting endpoint, as the CI read them. */
  received(): Promise<ReceivedRequest[]>;
  /** A refusal's `sent`: false for an HTTP 4xx, true for a command that ran and failed. */
  refusalSent: boolean;
  /** The HTTP statuses of the refusal and of the failure; undefined for a command. */
  statuses?: { refuse: number; fail: number };
  close(): Promise<void>;
}

/** Values that break whatever quotes, encodes or evaluates them, to arrive verbatim all the same. */
export const HOSTILE_REQUEST: JobRequest = {
  job: 'tag-apt-snapshots',
  parameters: {
    TAG: '4.19-rc1',
    BUILD_MANIFEST_URL:
      'https://nightly.tails.boum.org/build_Tails_ISO_testing/lastSuccessful/archive/build-artifacts/tails-amd64-4.19~rc1.build-manifest?a=1&b=2#frag',
    NOTE: `$(touch /tmp/apt-snapshots-pwned); rm -rf / \`id\` 'single' "double" \\ é 日本 %2F + & = ; |`,
    MULTILINE: 'line one\nline two\n',
    EMPTY: '',
  },
};

/** Where a message, its stack and its causes could carry a secret. */
function everyText(error: unknown): string {
  const texts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    texts.push(current.message, current.stack ?? '', String(current));
    current = current.cause;
  }
  return texts.join('\n');
}

function expectNoSecret(text: string, secrets: readonly string[]): void {
  for (const secret of secrets) expect(text).not.toContain(secret);
}

/**
 * What every JobTrigger must do, whatever its CI: describe exactly what it
 * sends and no secret; start the job with the parameters intact; on
 * failure, a TriggerError that names the CI and the job, carries no secret,
 * and says rightly whether the job may have started (`sent`).
 */
export function describeTriggerContract(name: string, setup: () => Promise<TriggerFixture>): void {
  describe(`${name} keeps the trigger contract`, () => {
    let fixture: TriggerFixture;
    let log: RecordingLogger;

    beforeEach(async () => {
      fixture = await setup();
      log = recordingLogger();
    });

    afterEach(async () => {
      expectNoSecret(log.lines.join('\n'), fixture.secrets);
      await fixture.close();
    });

    it('describes the request it sends, parameters verbatim, and no secret', async () => {
      const trigger = await fixture.make('accept', log);
      const described = trigger.describe(HOSTILE_REQUEST);
      expectNoSecret(JSON.stringify(described) + trigger.description, fixture.secrets);
      expect(described.parameters).toEqual(HOSTILE_REQUEST.parameters);

      const started = await trigger.trigger(HOSTILE_REQUEST);

      expect(['started', 'queued']).toContain(started.status);
      if (started.url !== undefined) expect(started.url).toMatch(/^https?:\/\//);
      const received = await fixture.received();
      expect(received).toHaveLength(1);
      const [request] = received as [ReceivedRequest];
      expect(request.method).toBe(described.method);
      expect(request.url).toBe(described.url);
      expect(request.parameters).toEqual(HOSTILE_REQUEST.parameters);
      for (const header of described.headers) expect(request.headerNames).toContain(header.toLowerCase());
    });

    it('says a refused job was refused, naming the CI and the job', async () => {
      const trigger = await fixture.make('refuse', log);
      const error = await triggerFailure(trigger.trigger(HOSTILE_REQUEST));
      expect(error.sent).toBe(fixture.refusalSent);
      expect(error.status).toBe(fixture.statuses?.refuse);
      expect(error.message).toContain(trigger.description);
      expect(error.message).toContain('tag-apt-snapshots');
      if (fixture.statuses) expect(error.message).toContain(`HTTP ${fixture.statuses.refuse}`);
      expectNoSecret(everyText(error), fixture.secrets);
    });

    it('says a job may have started when the CI failed after receiving it', async () => {
      const trigger = await fixture.make('fail', log);
      const error = await triggerFailure(trigger.trigger(HOSTILE_REQUEST));
      expect(error.sent).toBe(true);
      expect(error.status).toBe(fixture.statuses?.fail);
      expect(error.message).toContain(trigger.description);
      expect(error.message).toContain(`${fixture.ci} may have taken the job`);
      expectNoSecret(everyText(error), fixture.secrets);
      expect(await fixture.received()).toHaveLength(1);
    });

    it('gives up on a CI that never answers within its timeout, and says the job may have started', async () => {
      const trigger = await fixture.make('hang', log);
      const start = performance.now();
      const error = await triggerFailure(trigger.trigger(HOSTILE_REQUEST));
      expect(performance.now() - start).toBeLessThan(2000);
      expect(error.sent).toBe(true);
      expect(error.status).toBeUndefined();
      expectNoSecret(everyText(error), fixture.secrets);
      expect(await fixture.received()).toHaveLength(1);
    });

    it('says a job that could not be sent was not started', async () => {
      const trigger = await fixture.make('unreachable', log);
      const error = await triggerFailure(trigger.trigger(HOSTILE_REQUEST));
      expect(error.sent).toBe(false);
      expect(error.message).toContain(trigger.description);
      expectNoSecret(everyText(error), fixture.secrets);
    });

    it('refuses a parameter name no CI takes, before sending anything', async () => {
      const trigger = await fixture.make('accept', log);
      const bad: JobRequest = { job: 'build_IUKs', parameters: { 'NEW VERSION': '4.19' } };
      expect(() => trigger.describe(bad)).toThrow(/parameter name "NEW VERSION"/);
      const error = await triggerFailure(trigger.trigger(bad));
      expect(error.sent).toBe(false);
      expect(await fixture.received()).toHaveLength(0);
    });
  });
}
