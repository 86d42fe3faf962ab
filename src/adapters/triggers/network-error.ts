/** What a failed fetch tells about where the request got. */
export interface NetworkFailure {
  detail: string;
  /** False only when no connection was made, so the request certainly never reached the server. */
  connected: boolean;
  /** Worth another attempt: the request never left, and the cause may pass (a CI restarting, a DNS hiccup). */
  retry: boolean;
}

/** Failures to open a connection: nothing of the request was written. */
const NOT_CONNECTED: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found (temporary DNS failure)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
};

/** The TLS handshake comes before the request is written, and retrying will not fix a certificate. */
const TLS_CODE_RE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$)/;

const CUT: Record<string, string> = {
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server',
  UND_ERR_SOCKET: 'connection closed by the server',
};

/** fetch wraps the reason in `cause`, sometimes twice; the innermost code says what happened. */
export function classifyNetworkError(error: unknown): NetworkFailure {
  let current: unknown = error;
  let deepest: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      const notConnected = NOT_CONNECTED[code];
      if (notConnected !== undefined) return { detail: notConnected, connected: false, retry: true };
      if (TLS_CODE_RE.test(code)) return { detail: `TLS failure (${code})`, connected: false, retry: false };
      const cut = CUT[code];
      if (cut !== undefined) return { detail: cut, connected: true, retry: false };
    }
    deepest = current;
    current = (current as { cause?: unknown }).cause;
  }
  const message = (deepest as { message?: unknown } | null)?.message;
  // Unknown: it may have failed after the request was written.
  return {
    detail: `network error: ${typeof message === 'string' ? message : String(deepest)}`,
    connected: true,
    retry: false,
  };
}
