import { UsageError } from '../../errors.js';
import type { TriggerLogger } from './trigger-options.js';

/**
 * The value of a credential's environment variable, read once when the
 * trigger is made so that a missing one is found at startup, not at the
 * release. Messages name the variable and the field, never the value.
 * @throws UsageError
 */
export function readCredential(env: NodeJS.ProcessEnv, variable: string, field: string, who: string): string {
  const value = env[variable];
  if (value === undefined || value === '') {
    throw new UsageError(`${who}: the environment variable ${variable} (named by ${field}) is not set`);
  }
  // It goes into a header or a form field: a stray newline (a file read
  // with its line end) would make an invalid header or a wrong token.
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new UsageError(
      `${who}: the environment variable ${variable} (named by ${field}) contains a line break or another control character`,
    );
  }
  return value;
}

export type Redact = (text: string) => string;

/**
 * Replaces every secret, and the forms it is sent in, wherever a message or
 * log line might carry it: a server may echo a request back in its error.
 */
export function redactor(secrets: readonly string[]): Redact {
  // As sent: raw (a header), in a URL, in a form body (space as "+"), in a JSON string.
  const formsOf = (s: string) => [
    s,
    encodeURIComponent(s),
    new URLSearchParams({ s }).toString().slice(2),
    JSON.stringify(s).slice(1, -1),
  ];
  const forms = [...new Set(secrets.flatMap(formsOf).filter((s) => s !== ''))];
  // Longest first, so that a secret containing another is replaced whole.
  forms.sort((a, b) => b.length - a.length);
  return (text) => forms.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}

export function redactingLogger(log: TriggerLogger, redact: Redact): TriggerLogger {
  return {
    info: (message) => log.info(redact(message)),
    warn: (message) => log.warn(redact(message)),
  };
}
