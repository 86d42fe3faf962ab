/** The forges the app speaks to, as their errors and messages name them. */
export type ForgeName = 'GitHub' | 'GitLab';

/**
 * An answer from a forge's API we could not use, in every adapter's one
 * vocabulary: what was done, where, what came back, and when trying again
 * makes sense. Adapters build the message only from the method, the URL
 * without its query string, the status and the forge's own message, so no
 * header (hence no token) can end up in a log, a check or a note.
 */
export class ForgeError extends Error {
  override name = 'ForgeError';
  readonly forge: ForgeName;
  /** HTTP status; undefined when no response came back. */
  readonly status: number | undefined;
  /** When the exhausted rate limit resets (or a Retry-After ends), if the forge said so. */
  readonly rateLimitReset: Date | undefined;
  /**
   * The forge does not have what was asked about: a 404 or 410, a GraphQL
   * NOT_FOUND, or a 422 "No commit found" (a check run on a commit the
   * repository lacks). The repository was deleted or transferred, the app
   * uninstalled, the issue or commit is gone.
   */
  readonly gone: boolean;

  constructor(
    message: string,
    readonly operation: string,
    readonly endpoint: string,
    options: { forge?: ForgeName; status?: number; rateLimitReset?: Date; gone?: boolean; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.forge = options.forge ?? 'GitHub';
    this.status = options.status;
    this.rateLimitReset = options.rateLimitReset;
    this.gone = options.gone ?? false;
  }
}

/** The first ForgeError along `error`'s chain of causes. */
export function forgeErrorIn(error: unknown): ForgeError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth += 1) {
    if (current instanceof ForgeError) return current;
    current = current.cause;
  }
  return undefined;
}

/** Whether `error`, or an error it was caused by, says that the forge no longer has what it was about. */
export function isGone(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth += 1) {
    if (current instanceof ForgeError && current.gone) return true;
    current = current.cause;
  }
  return false;
}
