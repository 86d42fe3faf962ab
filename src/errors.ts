/**
 * Typed errors at the boundaries. Each names what it was about (a file, a
 * URL, a ref) so the message is useful on its own, and keeps its cause.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A repository, revision or object that cannot be read. */
export class ReadError extends Error {
  override name = 'ReadError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A revision the repository does not have (a branch deleted, a parent a shallow clone lacks). */
export class MissingRevisionError extends ReadError {
  override name = 'MissingRevisionError';
}

/** The snapshot server could not answer a question we needed answered. */
export class SnapshotServerError extends Error {
  override name = 'SnapshotServerError';
  constructor(
    message: string,
    readonly url: string,
    options?: { cause?: unknown; status?: number; hint?: string },
  ) {
    super(message, options);
    this.status = options?.status;
    this.hint = options?.hint;
  }
  readonly status: number | undefined;
  /** What to do about it, in one sentence, when the failure says (a host that does not resolve, a closed port…). */
  readonly hint: string | undefined;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Errors are logged by message only: their causes can hold whole requests. */
export function describeForLog(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}
