import type { Config } from '../config/schema.js';
import { utcMinute } from '../domain/utc-minute.js';
import type { DashboardBranch, DashboardFacts, DashboardRequest } from '../flow/dashboard-facts.js';
import { bumpCommand, type PinnedSnapshot } from '../flow/expiry.js';
import { requestMarker } from './dashboard-body.js';
import { collapsiblePart, fixedPart, listPart, suffixed, type Part } from './dashboard-parts.js';
import { SHA_RE } from './hidden-marker.js';
import { escapeMarkdown, fencedBlock, inlineCode, tableCell } from './markdown.js';

/** How much of a message, a subject or an error a line shows. */
const MESSAGE_MAX = 300;
const SUBJECT_MAX = 72;
const NAME_MAX = 100;

/**
 * Text from a repository, a server or a person, on one line and inert: an
 * `@` is followed by a zero-width space, so that a commit subject or a pull
 * request title that says `@org/team` mentions nobody.
 */
export function plain(text: string, max = MESSAGE_MAX): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  const cut = chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
  return escapeMarkdown(cut).replaceAll('@', '@\u200b');
}

/**
 * Text from a repository or a server as inline code, where Markdown
 * escapes do not work: a "<!--" inside would read, to the bot, as one of
 * its markers, so it is broken with a zero-width space.
 */
function code(text: string, max = NAME_MAX): string {
  return inlineCode(text.replaceAll('<!--', '<!\u200b--'), max);
}

function plural(n: number, word: string, words = `${word}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? word : words}`;
}

export function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** A link only to an http(s) URL that cannot break out of the Markdown link; else the text alone. */
function link(text: string, url: string | undefined): string {
  return url !== undefined && /^https?:\/\/[^\s()<>[\]"'`\\]+$/.test(url) ? `[${text}](${url})` : text;
}

function commitLink(sha: string, repoUrl: string | undefined): string {
  const short = code(sha.slice(0, 7));
  return SHA_RE.test(sha) && repoUrl !== undefined ? link(short, `${repoUrl}/commit/${sha}`) : short;
}

function stateText(b: DashboardBranch): string {
  if (b.state === 'unreadable') return `**unreadable**: ${plain(b.error ?? 'no reason given', 200)}`;
  const rules = [...new Set(b.wrong.map((w) => w.rule))];
  return rules.length === 0 ? b.state : `${b.state}, **wrong**: ${rules.map((r) => code(r)).join(', ')}`;
}

function sinceText(b: DashboardBranch, repoUrl: string | undefined): string {
  if (!b.since) return '—';
  const orEarlier = b.sinceOrEarlier === true ? ' or earlier' : '';
  return `${day(b.since.date)}${orEarlier}, ${commitLink(b.since.sha, repoUrl)} ${plain(b.since.subject, SUBJECT_MAX)}`;
}

function expiryText(b: DashboardBranch, now: Date): string {
  const e = b.nearestExpiry;
  if (!e) return '—';
  const past = e.validUntil.getTime() <= now.getTime() ? ' (**expired**)' : '';
  return `${code(e.origin)} ${code(e.serial)}: ${utcMinute(e.validUntil)}${past}`;
}

export function headerBlock(facts: DashboardFacts): string {
  const newest =
    facts.newestError === undefined ? '' : `\n\nNot every newest serial is shown: ${plain(facts.newestError)}.`;
  // The day, not the time: a round that finds nothing new leaves the issue as it is.
  return `The base branches of ${code(facts.repository)} on ${day(facts.generatedAt)}.${newest}\n\n`;
}

export function summaryPart(facts: DashboardFacts, repoUrl: string | undefined): Part {
  const head = '| Branch | State | Since | Nearest expiry |\n| --- | --- | --- | --- |\n';
  const rows = facts.branches.map((b) => {
    const cells = [
      `${code(b.branch)} (${plain(b.role, 20)})`,
      stateText(b),
      sinceText(b, repoUrl),
      expiryText(b, facts.generatedAt),
    ];
    return `| ${cells.map(tableCell).join(' | ')} |\n`;
  });
  return suffixed(
    listPart(head, rows, (n) => `\n… and ${plural(n, 'more branch', 'more branches')}, left out to fit.\n`),
    '\n',
  );
}

function behind(s: DashboardBranch['serials'][number]): boolean {
  return s.serial !== 'latest' && s.newest !== undefined && s.newest > s.serial;
}

function serialTable(b: DashboardBranch): string {
  const wrong = b.wrong.map((w) => `- ${code(w.rule)}: ${plain(w.message)}\n`).join('');
  const rows = b.serials.map((s) => {
    const newest = s.newest === undefined ? '—' : `${code(s.newest)}${behind(s) ? ' **behind**' : ''}`;
    return `| ${[plain(s.set, 40), code(s.origin), code(s.serial), newest].map(tableCell).join(' | ')} |\n`;
  });
  const table =
    rows.length === 0
      ? 'No serial read.\n'
      : `| Set | Origin | Serial | Newest |\n| --- | --- | --- | --- |\n${rows.join('')}`;
  return `#### ${code(b.branch)}\n\n${wrong === '' ? '' : `${wrong}\n`}${table}\n`;
}

function serialLine(b: DashboardBranch): string {
  const pinned = b.serials.filter((s) => s.serial !== 'latest').length;
  const late = b.serials.filter(behind).length;
  return `- ${code(b.branch)}: ${plural(pinned, 'serial')} pinned, ${plural(b.serials.length - pinned, 'origin')} at latest, ${late} behind the newest\n`;
}

export function serialsPart(facts: DashboardFacts): Part {
  const head = '### Serials, beside the newest on the snapshot server\n\n';
  const branches = facts.branches.filter((b) => b.state !== 'unreadable');
  if (branches.length === 0) return fixedPart(`${head}No branch could be read.\n\n`);
  const part = collapsiblePart(
    head,
    branches.map((b) => ({ full: serialTable(b), short: serialLine(b) })),
    (n) => `- … the serials of ${plural(n, 'more branch', 'more branches')} are left out to fit.\n`,
  );
  // A full table ends with a blank line already; a list of short lines needs one.
  return {
    levels: part.levels,
    render: (level) => `${part.render(level)}${level < part.levels ? '\n' : ''}`,
    size: (level) => part.size(level) + (level < part.levels ? 1 : 0),
  };
}

function attentionWhy(s: PinnedSnapshot): string {
  switch (s.status) {
    case 'expired':
      return s.validUntil ? `**expired** on ${utcMinute(s.validUntil)}` : '**expired**';
    case 'expiring':
      return s.validUntil ? `expires on ${utcMinute(s.validUntil)}` : 'expires soon';
    case 'missing':
      return '**not on the snapshot server**';
    default:
      return `could not be checked: ${plain(s.error ?? 'no answer')}`;
  }
}

export function attentionPart(facts: DashboardFacts, config: Config): Part {
  const days = config.snapshot_server.expiry_warning_days;
  const items = facts.branches.flatMap((b) =>
    b.attention.map(
      (s) => `- ${code(b.branch)}: ${code(s.origin)} ${code(s.serial)} (${plain(s.set, 40)} set): ${attentionWhy(s)}\n`,
    ),
  );
  const head = '### Needs attention\n\n';
  if (facts.expiryError !== undefined) return fixedPart(`${head}Expiry not checked: ${plain(facts.expiryError)}.\n\n`);
  if (items.length === 0) return fixedPart(`${head}No pinned snapshot expires within ${plural(days, 'day')}.\n\n`);
  const howTo = `\nTo extend them by ${plural(config.expiry.bump_days, 'day')}, run ${code(bumpCommand(config), 500)} on a checkout of the branch.\n\n`;
  return suffixed(
    listPart(head, items, (n) => `- … and ${plural(n, 'more snapshot')}, left out to fit.\n`),
    howTo,
  );
}

export function ganttHead(facts: DashboardFacts): string {
  return `### Frozen, thawed and wrong over the last ${plural(facts.historyDays, 'day')}\n\n`;
}

export const GANTT_LEFT_OUT = '_Left out: the issue has no room for it._\n\n';
/** Never longer than GANTT_LEFT_OUT, whose room is what the chart is sure to have. */
export const NO_HISTORY = '_No history read in this range._\n\n';

export function ganttBlock(source: string): string {
  return `${fencedBlock(source, 'mermaid')}\n\n`;
}

/** What the forge calls a change request, and how it refers to one. */
export interface ChangeRequestWords {
  /** "pull request", "merge request". */
  name: string;
  /** "#12", "!12". */
  ref(number: number): string;
}

export const PULL_REQUESTS: ChangeRequestWords = { name: 'pull request', ref: (number) => `#${number}` };

export function pullRequestsPart(facts: DashboardFacts, words: ChangeRequestWords): Part {
  const head = `### The bot's open ${words.name}s\n\n`;
  if (facts.pullRequests === undefined) return fixedPart(`${head}Not known here.\n\n`);
  if (facts.pullRequests.length === 0) return fixedPart(`${head}None.\n\n`);
  const items = facts.pullRequests.map(
    (pr) => `- ${link(words.ref(pr.number), pr.url)} ${plain(pr.title, 120)} (${code(pr.head)} → ${code(pr.base)})\n`,
  );
  return suffixed(
    listPart(head, items, (n) => `- … and ${n.toLocaleString('en-US')} more.\n`),
    '\n',
  );
}

export function releaseBlock(facts: DashboardFacts, repoUrl: string | undefined): string {
  const head = '**Last release:** ';
  const { release } = facts;
  if (release === undefined) return `${head}not known here.\n\n`;
  if (release === null) return `${head}no release tag yet.\n\n`;
  const at = release.sha === '' ? '' : ` at ${commitLink(release.sha, repoUrl)}`;
  const check = release.check
    ? `release check: ${link(plain(release.check.conclusion, 40), release.check.url)}`
    : 'release check: not known';
  const jobs =
    release.jobs === undefined
      ? 'not known here'
      : release.jobs.length === 0
        ? 'none started'
        : release.jobs
            .slice(0, 10)
            .map((j) => `${code(j.job)} ${link(plain(j.status, 40), j.url)}`)
            .join(', ');
  return `${head}${code(release.tag)}${at}; ${check}; jobs: ${jobs}.\n\n`;
}

function requestLabel(request: DashboardRequest): string {
  const branch = code(request.branch);
  switch (request.action) {
    case 'freeze':
      return `Freeze ${branch} to the newest snapshots`;
    case 'thaw':
      return `Thaw ${branch}`;
    case 'bump':
      return `Bump ${branch} to the newest snapshots`;
  }
}

export function requestsPart(facts: DashboardFacts, words: ChangeRequestWords): Part {
  const head = `### Requests\n\nTick a box to ask the bot for it: for a person with write access it opens the ${words.name}, then unticks the box.\n\n`;
  if (facts.requests.length === 0) return fixedPart(`${head}Nothing to ask for now.\n\n`);
  const items = facts.requests.map((r) => `- [ ] ${requestMarker(r)} ${requestLabel(r)}\n`);
  return suffixed(
    listPart(head, items, (n) => `- … and ${plural(n, 'more request')}, left out to fit.\n`),
    '\n',
  );
}
