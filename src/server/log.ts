import { getTransformStream } from '@probot/pino';
import { pino } from 'pino';
import type { Logger } from 'probot';

const LEVELS: readonly string[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/**
 * An error as a log line shows it: its kind, message, HTTP status and
 * stack, and nothing else it holds. Probot attaches the whole webhook
 * (e-mail addresses included) to the errors it logs, and Octokit the
 * request (headers included).
 */
export function describeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const status = (error as { status?: unknown }).status;
  return {
    type: error.name,
    message: error.message,
    ...(typeof status === 'number' ? { status } : {}),
    ...(error.stack ? { stack: error.stack } : {}),
  };
}

/**
 * The server's logger, as Probot makes it (its pino, its pretty printer
 * and Sentry), from LOG_LEVEL, LOG_FORMAT and SENTRY_DSN. JSON, one
 * object per line, whenever LOG_FORMAT says so or, unset, when
 * NODE_ENV=production; pretty otherwise.
 * @throws Error naming LOG_LEVEL or LOG_FORMAT when they hold another word
 */
export async function serverLog(env: NodeJS.ProcessEnv): Promise<Logger> {
  const level = env.LOG_LEVEL || 'info';
  if (!LEVELS.includes(level)) throw new Error(`LOG_LEVEL=${level} is not one of ${LEVELS.join(', ')}`);
  const format: string = env.LOG_FORMAT || (env.NODE_ENV === 'production' ? 'json' : 'pretty');
  if (format !== 'json' && format !== 'pretty') throw new Error(`LOG_FORMAT=${format} is neither json nor pretty`);
  const transform = await getTransformStream({
    logFormat: format,
    logLevelInString: env.LOG_LEVEL_IN_STRING === 'true',
    ...(env.SENTRY_DSN ? { sentryDsn: env.SENTRY_DSN } : {}),
  });
  transform.pipe(process.stdout);
  return pino({ level, name: 'apt-snapshots-bot', serializers: { err: describeError } }, transform);
}
