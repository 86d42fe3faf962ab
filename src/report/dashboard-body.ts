import type { DashboardRequest } from '../flow/dashboard-facts.js';
import { readMarker, writeMarker } from './hidden-marker.js';

/** Where the bot's part of the dashboard begins; what findIssue looks for. */
export const DASHBOARD_MARKER = '<!-- apt-snapshots-dashboard -->';
/** Where the bot's part ends: a person's text after it is theirs. */
export const DASHBOARD_END = '<!-- apt-snapshots-dashboard:end -->';
const DATA_MARKER = 'apt-snapshots-dashboard-data';
const REQUEST_PREFIX = '<!-- apt-snapshots-request:';
const ACTIONS: readonly DashboardRequest['action'][] = ['freeze', 'thaw', 'bump'];

/** The UTF-8 size: never less than the characters GitHub counts, however it counts them. */
export function byteSize(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** A body cut in three: the person's text before the bot's part, the bot's part (markers included), and after it. */
export interface BodyParts {
  before: string;
  bot: string;
  after: string;
}

/**
 * The bot's part is the first start marker and the first end marker after
 * it (or the rest of the body, when a person deleted the end marker).
 * Undefined when there is no start marker.
 */
export function splitBody(body: string): BodyParts | undefined {
  const start = body.indexOf(DASHBOARD_MARKER);
  if (start < 0) return undefined;
  const end = body.indexOf(DASHBOARD_END, start);
  const stop = end < 0 ? body.length : end + DASHBOARD_END.length;
  return { before: body.slice(0, start), bot: body.slice(start, stop), after: body.slice(stop) };
}

// A lone surrogate would make encodeURIComponent throw; no Git branch name holds one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A branch name inside a comment on one line: no "--", ">" nor line break survives encoding. */
function encodeBranch(branch: string): string {
  return encodeURIComponent(branch.replace(LONE_SURROGATE, '\uFFFD')).replace(/-/g, '%2D');
}

export function requestMarker(request: DashboardRequest): string {
  return `${REQUEST_PREFIX}${request.action}:${encodeBranch(request.branch)} -->`;
}

/** The embedded data, as the last line of the bot's part. */
export function dataMarker(embed: Record<string, unknown>): string {
  return writeMarker(DATA_MARKER, embed);
}

const TICKED = /^- \[[xX]\] <!-- apt-snapshots-request:([a-z]+):([A-Za-z0-9%._~!*'()]+) -->/;

/**
 * The requests whose box is ticked, in the bot's part only and in the exact
 * form the bot writes: a person's own list elsewhere asks for nothing.
 */
export function tickedRequests(body: string): DashboardRequest[] {
  const parts = splitBody(body);
  if (!parts) return [];
  const requests: DashboardRequest[] = [];
  for (const line of parts.bot.split(/\r?\n/)) {
    const match = TICKED.exec(line);
    const action = ACTIONS.find((a) => a === match?.[1]);
    if (!match || !action) continue;
    let branch: string;
    try {
      branch = decodeURIComponent(match[2] as string);
    } catch {
      continue;
    }
    if (!requests.some((r) => r.action === action && r.branch === branch)) requests.push({ action, branch });
  }
  return requests;
}

/** The same body with the boxes of `requests` (all, when absent) unticked in the bot's part; the rest byte for byte. */
export function untick(body: string, requests?: readonly DashboardRequest[]): string {
  const parts = splitBody(body);
  if (!parts) return body;
  const markers = requests && new Set(requests.map(requestMarker));
  const bot = parts.bot.replace(/^- \[[xX]\] (<!-- apt-snapshots-request:[^\n]*?-->)/gm, (line, marker: string) =>
    markers === undefined || markers.has(marker) ? `- [ ] ${marker}` : line,
  );
  return `${parts.before}${bot}${parts.after}`;
}

/**
 * `body` with the boxes ticked in `previous` ticked again: a rewrite of the
 * dashboard must not untick a box a person ticked and the bot has not
 * acted on yet (its webhook may be on its way, or may have failed).
 */
export function carryTicks(body: string, previous: string | undefined): string {
  const ticked = previous === undefined ? [] : tickedRequests(previous);
  let carried = body;
  for (const request of ticked)
    carried = carried.replace(`- [ ] ${requestMarker(request)}`, `- [x] ${requestMarker(request)}`);
  return carried;
}

/** What `embed` carried when the body was rendered, or undefined (none, or edited into something else). */
export function readEmbedded(body: string): Record<string, unknown> | undefined {
  const parts = splitBody(body);
  if (!parts) return undefined;
  const inner = parts.bot.endsWith(DASHBOARD_END) ? parts.bot.slice(0, -DASHBOARD_END.length) : parts.bot;
  return readMarker(DATA_MARKER, inner);
}
