import { Redis } from 'ioredis';

/** Where the Redis client reports its connection going down and coming back. Probot's logger fits. */
export interface RedisLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** A command that cannot be answered fails after this long: the caller's error beats a webhook that hangs. */
const COMMAND_TIMEOUT_MS = 5_000;
/** Reconnection waits grow by this much per attempt, up to the longest; the client never gives up. */
const RECONNECT_STEP_MS = 100;
const LONGEST_RECONNECT_MS = 2_000;

/**
 * The Redis URL with its password left out, for logs and errors: a URL
 * such as redis://:PASSWORD@host:6379/0 carries the secret in plain sight,
 * and ioredis also takes options (`?password=`) from the query, which is
 * left out whole.
 */
export function describeRedisUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Echoing an unparsable URL could echo its password.
    return 'an unparsable Redis URL';
  }
  parsed.password = '';
  parsed.search = '';
  return parsed.href;
}

/**
 * What a failed Redis command says, in words an operator acts on: ioredis
 * gives up on a command while its connection is down with "Reached the max
 * retries per request limit (which is 1). Refer to maxRetriesPerRequest…".
 */
export function describeRedisError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (
    (error instanceof Error && error.name === 'MaxRetriesPerRequestError') ||
    /max retries per request/i.test(message)
  )
    return 'Redis does not answer: the connection is down (the client keeps reconnecting)';
  if (message === 'Connection is closed.') return 'Redis does not answer: the connection is closed';
  return message;
}

const lastErrors = new WeakMap<Redis, string>();

/** What the client's connection last failed with (its password left out), for /readyz: "WRONGPASS…", "connect ECONNREFUSED…". */
export function lastRedisError(client: Redis): string | undefined {
  return lastErrors.get(client);
}

/**
 * A client for the Redis replicas share. Commands issued while it
 * connects or reconnects wait for the connection (startup, a brief
 * outage), but no longer than one reconnection attempt more, nor than
 * COMMAND_TIMEOUT_MS: with Redis down, a lock fails the webhook in
 * seconds rather than holding it.
 * @throws Error when the URL is no redis:// or rediss:// URL, or not a URL at all (its password never in the message)
 */
export function connectRedis(url: string, log: RedisLogger): Redis {
  const where = describeRedisUrl(url);
  if (!URL.canParse(url)) throw new Error('the Redis URL is not a valid URL (a host name, and a port up to 65535?)');
  if (!/^rediss?:\/\//.test(url)) throw new Error(`the Redis URL must start with redis:// or rediss://, not ${where}`);
  const client = new Redis(url, {
    lazyConnect: false,
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    connectTimeout: COMMAND_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(attempt * RECONNECT_STEP_MS, LONGEST_RECONNECT_MS),
  });
  // The client says each failed reconnection (every 2 s while Redis is down): one line per outage is enough.
  let down = false;
  client.on('error', (error: unknown) => {
    // The message only, never the error: a failed AUTH's error carries the command, password included.
    const message = error instanceof Error ? error.message : String(error);
    const password = client.options.password;
    const said = password ? message.replaceAll(password, '***') : message;
    lastErrors.set(client, said);
    if (down) return;
    down = true;
    log.warn(`Redis at ${where} failed: ${said}; reconnecting`);
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    log.info(`Redis at ${where} is back`);
  });
  return client;
}
