import { printable } from '../../domain/serial.js';
import type { TriggeredJob } from '../../ports/job-trigger.js';
import { TriggerError } from '../../ports/job-trigger.js';
import { exchange, jsonBody, type HttpAnswer, type HttpSettings } from './http-exchange.js';
import { safeLink } from './links.js';
import { triggerError, type FailureContext } from './trigger-failure.js';

export interface QueueItemToFollow {
  /** …/queue/item/N/, on the origin of the configured Jenkins. */
  queueItem: URL;
  /** Where to send a person when the queue item is gone. */
  jobPage: string;
  headers: Record<string, string>;
  /** How long to follow it; 0 returns at once. */
  timeoutMs: number;
  http: HttpSettings;
  now: () => number;
  context: FailureContext;
}

/** Jenkins waits a quiet period (5 s by default) before a build starts: polling sooner is wasted. */
const FIRST_WAIT_MS = 1000;
const LONGEST_WAIT_MS = 10_000;

type QueueState =
  | { kind: 'started'; job: TriggeredJob }
  | { kind: 'cancelled' }
  | { kind: 'waiting'; why?: string }
  /** Jenkins forgets a queue item a few minutes after it left the queue, and on restart. */
  | { kind: 'gone' }
  /** `problem` is a whole sentence for the log; `final` when asking again will not help. */
  | { kind: 'unreadable'; problem: string; final: boolean };

/**
 * Follows a queue item until Jenkins names its build, with growing waits,
 * up to the deadline. The job is queued whatever happens here, so only a
 * cancelled item is an error; anything else ends as `queued`.
 * @throws TriggerError when the item was cancelled
 */
export async function followQueueItem(follow: QueueItemToFollow): Promise<TriggeredJob> {
  const queued: TriggeredJob = { status: 'queued', url: follow.queueItem.href };
  const log = follow.http.log;
  const name = `${follow.context.description}: ${follow.context.job}`;
  const deadline = follow.now() + follow.timeoutMs;
  let wait = FIRST_WAIT_MS;
  let why: string | undefined;
  for (;;) {
    const remaining = deadline - follow.now();
    if (remaining <= 0) {
      if (follow.timeoutMs > 0) log.info(`${name} still queued after ${follow.timeoutMs} ms${why ? `: ${why}` : ''}`);
      return queued;
    }
    await follow.http.sleep(Math.min(wait, remaining));
    wait = Math.min(wait * 2, LONGEST_WAIT_MS);
    const state = await readQueueItem(follow);
    switch (state.kind) {
      case 'started':
        return state.job;
      case 'cancelled':
        throw triggerError(follow.context, `Jenkins cancelled queue item ${follow.queueItem.href} before it started`, {
          sent: true,
        });
      case 'waiting':
        why = state.why;
        break;
      case 'gone':
        log.warn(`${name} queued, but Jenkins no longer knows queue item ${follow.queueItem.href}`);
        return { status: 'queued', url: follow.jobPage };
      case 'unreadable':
        log.warn(state.problem);
        if (state.final) return queued;
        break;
    }
  }
}

async function readQueueItem(follow: QueueItemToFollow): Promise<QueueState> {
  const action = `could not read queue item ${follow.queueItem.href}`;
  const context = { ...follow.context, action };
  const unreadable = (problem: string, final: boolean): QueueState => ({
    kind: 'unreadable',
    problem: follow.context.redact(`${follow.context.description}: ${action}: ${problem}`),
    final,
  });
  let answer: HttpAnswer;
  try {
    answer = await exchange(
      follow.http,
      { method: 'GET', url: new URL('api/json', follow.queueItem), headers: follow.headers, startsJob: false },
      context,
    );
  } catch (error) {
    if (error instanceof TriggerError) return { kind: 'unreadable', problem: error.message, final: false };
    throw error;
  }
  if (answer.status === 404) return { kind: 'gone' };
  // A 4xx will not change by asking again (no read permission on the queue); a 5xx may.
  if (answer.status !== 200) return unreadable(`HTTP ${answer.status} from ${answer.where}`, answer.status < 500);
  const json = jsonBody(answer);
  if (!json.ok) return unreadable(json.problem, false);
  const item = json.value as { cancelled?: unknown; executable?: unknown; why?: unknown } | null;
  if (item?.cancelled === true) return { kind: 'cancelled' };
  const executable = item?.executable as { number?: unknown; url?: unknown } | null | undefined;
  if (typeof executable?.number === 'number') {
    const url = safeLink(executable.url) ?? new URL(`${executable.number}/`, follow.jobPage).href;
    return { kind: 'started', job: { status: 'started', url, id: String(executable.number) } };
  }
  return { kind: 'waiting', why: typeof item?.why === 'string' ? printable(item.why, 200) : undefined };
}
