import type { Config } from '../config/schema.js';
import type { DashboardBranch, DashboardCommit, DashboardFacts } from '../flow/dashboard-facts.js';
import type { PinnedSnapshot } from '../flow/expiry.js';
import { byteSize, DASHBOARD_END, DASHBOARD_MARKER, dataMarker, splitBody, type BodyParts } from './dashboard-body.js';
import { largestFitting, wholePart, type Part } from './dashboard-parts.js';
import {
  attentionPart,
  GANTT_LEFT_OUT,
  NO_HISTORY,
  ganttBlock,
  ganttHead,
  headerBlock,
  PULL_REQUESTS,
  pullRequestsPart,
  type ChangeRequestWords,
  releaseBlock,
  requestsPart,
  serialsPart,
  summaryPart,
} from './dashboard-sections.js';
import { mermaidGantt } from './mermaid-gantt.js';

export { carryTicks, DASHBOARD_MARKER, readEmbedded, tickedRequests, untick } from './dashboard-body.js';

/** GitHub's limit on an issue body; the body is measured in UTF-8 bytes, never fewer than the characters it counts. */
export const BODY_LIMIT = 65_536;

const DAY_MS = 24 * 60 * 60 * 1000;
const NEW_BODY_NOTE =
  '_The bot rewrites only its own part of this issue, between two hidden markers; what you write above or below it is kept._\n\n';
/** Attempts at fitting the chart in bytes, when letters outside ASCII make it longer than the characters asked for. */
const GANTT_ATTEMPTS = 4;
/**
 * Mermaid's default maxTextSize, which GitHub keeps: a longer chart shows
 * "Maximum text size in diagram exceeded" instead of the chart.
 */
export const MERMAID_MAX_TEXT = 50_000;

export interface RenderOptions {
  /** The body as it is: a person's text around the bot's part is kept byte for byte. */
  previousBody?: string;
  /** https://github.com/OWNER/REPO, to link commits. */
  repoUrl?: string;
  /** Data carried hidden in the body (readEmbedded gives it back); the first thing left out when space runs short. */
  embed?: Record<string, unknown>;
  /** How the forge names the bot's change requests; GitHub's pull requests when absent. */
  changeRequests?: ChangeRequestWords;
}

/** The person's text around the bot's part; a body without the bot's part is all theirs, kept above it. */
function personText(previousBody: string | undefined): Pick<BodyParts, 'before' | 'after'> {
  if (previousBody === undefined) return { before: NEW_BODY_NOTE, after: '' };
  const parts = splitBody(previousBody);
  if (parts) return { before: parts.before, after: parts.after };
  return { before: previousBody === '' ? '' : `${previousBody}\n\n`, after: '' };
}

/** The chart with what is left of the body, or a line that says it was left out. */
function ganttFitting(facts: DashboardFacts, budget: number): string {
  if (!facts.timelines.some((t) => t.periods.length > 0)) return NO_HISTORY;
  // Through the end of the day: the chart changes once a day, not at every round.
  const to = new Date(Math.floor(facts.generatedAt.getTime() / DAY_MS) * DAY_MS + DAY_MS);
  const from = new Date(to.getTime() - facts.historyDays * DAY_MS);
  const overhead = byteSize(ganttBlock(''));
  let maxChars = Math.min(budget - overhead, MERMAID_MAX_TEXT);
  for (let i = 0; i < GANTT_ATTEMPTS && maxChars > 0; i += 1) {
    const source = mermaidGantt(facts.timelines, { from, to, maxChars });
    // A chart without a single branch says nothing.
    if (!/^ {4}section /m.test(source)) return /%% no period/.test(source) ? NO_HISTORY : GANTT_LEFT_OUT;
    const block = ganttBlock(source);
    const over = byteSize(block) - budget;
    if (over <= 0) return block;
    maxChars -= over;
  }
  return GANTT_LEFT_OUT;
}

/** `text` cut to at most `bytes` bytes, at a character. */
function cutToBytes(text: string, bytes: number): string {
  let kept = '';
  let size = 0;
  for (const char of text) {
    size += byteSize(char);
    if (size > bytes) break;
    kept += char;
  }
  return kept;
}

/**
 * The bot's part reduced to the requests and one line saying why, when
 * nothing else fits; as a last resort (a person's text that alone fills
 * the issue) the person's text is cut to make room for the markers.
 */
function minimalBody(person: Pick<BodyParts, 'before' | 'after'>, requests: Part): string {
  const large = byteSize(person.before) + byteSize(person.after) > BODY_LIMIT / 2;
  const why = large
    ? 'the text around it leaves too little room in the issue'
    : 'the dashboard is too long for an issue';
  const frame = (line: string, level: number) =>
    `${DASHBOARD_MARKER}\n_Only the requests are shown: ${line}._\n\n${requests.render(level)}${DASHBOARD_END}`;
  const frameSize = byteSize(frame(why, 0)) - requests.size(0);
  const room = BODY_LIMIT - byteSize(person.before) - byteSize(person.after) - frameSize;
  const level = largestFitting(requests, room);
  if (level !== undefined) return `${person.before}${frame(why, level)}${person.after}`;
  const bot = frame('the text around it was cut to fit in the issue', 0);
  const left = BODY_LIMIT - byteSize(bot);
  const after = cutToBytes(person.after, Math.max(0, left - byteSize(person.before)));
  const before = cutToBytes(person.before, left - byteSize(after));
  return `${before}${bot}${after}`;
}

/**
 * The dashboard issue's body, never longer than BODY_LIMIT. When it would
 * be, it shrinks in this order: the chart gets what is left, then the pull
 * requests are cut short, the serial tables collapsed (then left out), the
 * embedded data dropped, the snapshots needing attention and the branches
 * cut short; only then is the bot's part reduced to the requests.
 */
export function renderDashboard(facts: DashboardFacts, config: Config, options: RenderOptions = {}): string {
  const person = personText(options.previousBody);
  const { repoUrl } = options;
  const header = headerBlock(facts);
  const release = releaseBlock(facts, repoUrl);
  const words = options.changeRequests ?? PULL_REQUESTS;
  const requests = requestsPart(facts, words);
  const shrinkable: Part[] = [
    pullRequestsPart(facts, words),
    serialsPart(facts),
    wholePart(options.embed ? `${dataMarker(options.embed)}\n` : ''),
    attentionPart(facts, config),
    summaryPart(facts, repoUrl),
  ];
  const [pullRequests, serials, embed, attention, summary] = shrinkable as [Part, Part, Part, Part, Part];
  const fixed =
    byteSize(person.before) +
    byteSize(person.after) +
    byteSize(`${DASHBOARD_MARKER}\n${DASHBOARD_END}`) +
    byteSize(header) +
    byteSize(ganttHead(facts)) +
    byteSize(release) +
    requests.size(requests.levels);
  const levels = shrinkable.map((p) => p.levels);
  const used = () => fixed + shrinkable.reduce((n, p, i) => n + p.size(levels[i] as number), 0);
  const ganttMin = byteSize(GANTT_LEFT_OUT);
  for (let i = 0; i < shrinkable.length && used() + ganttMin > BODY_LIMIT; i += 1) {
    const part = shrinkable[i] as Part;
    const others = used() - part.size(levels[i] as number);
    levels[i] = largestFitting(part, BODY_LIMIT - ganttMin - others) ?? 0;
  }
  if (used() + ganttMin > BODY_LIMIT) return minimalBody(person, requests);
  const [prLevel, serialLevel, embedLevel, attentionLevel, summaryLevel] = levels as [
    number,
    number,
    number,
    number,
    number,
  ];
  const gantt = ganttFitting(facts, BODY_LIMIT - used());
  const bot = [
    `${DASHBOARD_MARKER}\n`,
    header,
    summary.render(summaryLevel),
    serials.render(serialLevel),
    attention.render(attentionLevel),
    ganttHead(facts),
    gantt,
    pullRequests.render(prLevel),
    release,
    requests.render(requests.levels),
    embed.render(embedLevel),
    DASHBOARD_END,
  ].join('');
  return `${person.before}${bot}${person.after}`;
}

function commitJson(commit: DashboardCommit) {
  return { sha: commit.sha, date: commit.date.toISOString(), subject: commit.subject };
}

function snapshotJson(s: PinnedSnapshot) {
  return {
    set: s.set,
    origin: s.origin,
    path: s.path,
    serial: s.serial,
    ...(s.dist === undefined ? {} : { dist: s.dist }),
    ...(s.validUntil === undefined ? {} : { validUntil: s.validUntil?.toISOString() ?? null }),
    status: s.status,
    ...(s.error === undefined ? {} : { error: s.error }),
  };
}

function branchJson(b: DashboardBranch) {
  return {
    branch: b.branch,
    role: b.role,
    ...(b.tip ? { tip: commitJson(b.tip) } : {}),
    state: b.state,
    wrong: b.wrong,
    ...(b.since ? { since: commitJson(b.since) } : {}),
    sinceOrEarlier: b.sinceOrEarlier === true,
    serials: b.serials,
    ...(b.nearestExpiry
      ? { nearestExpiry: { ...b.nearestExpiry, validUntil: b.nearestExpiry.validUntil.toISOString() } }
      : {}),
    attention: b.attention.map(snapshotJson),
    ...(b.error === undefined ? {} : { error: b.error }),
  };
}

/**
 * The facts as JSON for programs (`dashboard --format json`): dates as ISO
 * strings, each period's first commit without its findings, and per branch
 * `sinceOrEarlier`, what the Markdown says as "or earlier".
 */
export function dashboardJson(facts: DashboardFacts): unknown {
  return {
    repository: facts.repository,
    generatedAt: facts.generatedAt.toISOString(),
    historyDays: facts.historyDays,
    branches: facts.branches.map(branchJson),
    timelines: facts.timelines.map((t) => ({
      branch: t.branch,
      periods: t.periods.map((p) => ({
        status: p.status,
        wrong: p.wrong,
        first: commitJson(p.first),
        commits: p.commits,
        start: p.start.toISOString(),
        end: p.end.toISOString(),
        ongoing: p.ongoing,
      })),
    })),
    ...(facts.pullRequests === undefined ? {} : { pullRequests: facts.pullRequests }),
    ...(facts.release === undefined ? {} : { release: facts.release }),
    requests: facts.requests,
    ...(facts.newestError === undefined ? {} : { newestError: facts.newestError }),
    ...(facts.expiryError === undefined ? {} : { expiryError: facts.expiryError }),
  };
}
