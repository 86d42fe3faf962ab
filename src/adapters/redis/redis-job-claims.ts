import type { Redis } from 'ioredis';
import type { AttemptOutcome, JobAttempt, JobClaims } from '../../ports/job-claims.js';
import type { JobName } from '../../ports/job-trigger.js';
import { describeRedisError } from './connect.js';

const PREFIX = 'apt-snapshots-bot:claims:';
/** Claims outlive any release's jobs by far; they expire so that Redis does not keep them for ever. */
const KEEP_SECONDS = 400 * 24 * 60 * 60;
const FIELD = /^([1-9][0-9]*)(?:-(started|failed))?$/;

/**
 * Release job claims in Redis, for GitLab, which has no refs outside
 * branches and tags to claim with: one hash per repository, tag and job,
 * each attempt a field set with HSETNX (only the first caller sets it,
 * across replicas), its outcome a field `ATTEMPT-started` or
 * `ATTEMPT-failed` beside it, as GitHub's claim refs are.
 */
export class RedisJobClaims implements JobClaims {
  constructor(
    private readonly redis: Pick<Redis, 'hsetnx' | 'hgetall' | 'expire'>,
    private readonly repository: string,
  ) {}

  private key(tag: string, job: JobName): string {
    return `${PREFIX}${this.repository}:${tag}:${job}`;
  }

  private async run<T>(what: string, command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      // No cause: ioredis rejects queued commands with a failed AUTH's error, which carries the password.
      // eslint-disable-next-line preserve-caught-error
      throw new Error(`could not ${what} in Redis: ${describeRedisError(error)}`);
    }
  }

  async attempts(tag: string, job: JobName): Promise<JobAttempt[]> {
    const fields = await this.run('list job claims', () => this.redis.hgetall(this.key(tag, job)));
    const claims = new Map<number, JobAttempt>();
    const outcomes = new Map<number, AttemptOutcome>();
    for (const [field, commit] of Object.entries(fields)) {
      const name = FIELD.exec(field);
      if (!name) continue;
      const attempt = Number(name[1]);
      const outcome = name[2] as AttemptOutcome | undefined;
      if (outcome === undefined) claims.set(attempt, { attempt, commit });
      else if (outcomes.get(attempt) !== 'started') outcomes.set(attempt, outcome);
    }
    return [...claims.values()]
      .map((claim) => {
        const outcome = outcomes.get(claim.attempt);
        return outcome === undefined ? claim : { ...claim, outcome };
      })
      .sort((a, b) => a.attempt - b.attempt);
  }

  async claim(tag: string, job: JobName, attempt: number, commit: string): Promise<boolean> {
    const key = this.key(tag, job);
    const set = await this.run('claim a release job', () => this.redis.hsetnx(key, String(attempt), commit));
    await this.run('keep a release job claim', () => this.redis.expire(key, KEEP_SECONDS));
    return set === 1;
  }

  async record(tag: string, job: JobName, attempt: number, commit: string, outcome: AttemptOutcome): Promise<void> {
    await this.run('record how a release job went', () =>
      this.redis.hsetnx(this.key(tag, job), `${attempt}-${outcome}`, commit),
    );
  }
}
