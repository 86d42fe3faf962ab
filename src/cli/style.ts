import type { Severity } from '../domain/finding.js';
import type { Conclusion } from '../rules/judge.js';
import type { OutputStream } from './io.js';

/** How to lay out text for one stream. */
export interface Style {
  /** Whether our own words (severities, the conclusion) are coloured. */
  color: boolean;
  /** The width to wrap long lines at; undefined (a pipe, a file) never wraps. */
  columns?: number;
}

/** Plain text: what tests, pipes and files get. */
export const PLAIN: Style = { color: false };

/**
 * Colour as the conventions say: FORCE_COLOR forces it (but `0` or `false`
 * turns it off), else NO_COLOR (set and not empty) turns it off, else only a
 * terminal that is not `dumb` gets it, as Node's own tty.hasColors() and the
 * supports-color package decide. Wrapping is for a terminal only, never for
 * a pipe, whatever FORCE_COLOR says: what a script reads stays one line per line.
 */
export function styleFor(stream: OutputStream, env: NodeJS.ProcessEnv): Style {
  const force = env.FORCE_COLOR;
  let color: boolean;
  if (force !== undefined) color = force !== '0' && force !== 'false';
  else if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') color = false;
  else color = stream.isTTY === true && env.TERM !== 'dumb';
  const columns =
    stream.isTTY === true && stream.columns !== undefined && stream.columns > 0 ? stream.columns : undefined;
  return columns === undefined ? { color } : { color, columns };
}

const CODES = {
  error: '31',
  failure: '31',
  warning: '33',
  notice: '36',
  success: '32',
  incomplete: '33',
} as const satisfies Record<Severity | Conclusion, string>;

/** `text` in the colour of `kind` (bold red for errors and failure…), or as it is without colour. */
export function paint(style: Style, kind: keyof typeof CODES, text: string): string {
  return style.color ? `\x1b[1;${CODES[kind]}m${text}\x1b[0m` : text;
}
