import type { Period } from '../flow/audit-timeline.js';

export interface BranchTimeline {
  branch: string;
  /** Oldest first, as buildTimeline gives them. */
  periods: Period[];
}

export interface GanttOptions {
  from: Date;
  to: Date;
  title?: string;
  /** The longest source wanted (what is left of an issue body): older periods are merged until it fits. */
  maxChars?: number;
}

const MINUTE_MS = 60_000;
/** Longer names are cut: a chart's row label has no room for them. */
const MAX_NAME = 80;

/**
 * Text from a repository (a branch or rule name) made inert in Mermaid:
 * `:` ends a task's name, `#`, `%%` and `;` start comments or end
 * statements, `{`/`}` make directives, a newline, backtick or tilde could
 * close a Markdown fence, `<`/`&` are markup; only letters, digits, spaces
 * and a few punctuation marks survive, each other character becoming `_`.
 */
export function mermaidText(text: string): string {
  const safe = text
    .replace(/[^\p{L}\p{N} ._/+(),-]/gu, '_')
    .replace(/ +/g, ' ')
    .trim();
  const chars = [...safe];
  if (chars.length === 0) return '_';
  return chars.length > MAX_NAME ? `${chars.slice(0, MAX_NAME - 1).join('')}…` : safe;
}

/** `YYYY-MM-DD HH:mm`, UTC, as the chart's dateFormat reads it. */
function stamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

interface Task {
  name: string;
  tags: string[];
  start: number;
  end: number;
}

function taskLine(task: Task): string {
  // Minutes are the chart's grain: both ends are rounded down alike, so that a period ends on the minute its
  // successor starts; one shorter than a minute still gets one, as Mermaid needs end > start, and may then
  // overlap its successor by that minute.
  const start = Math.floor(task.start / MINUTE_MS) * MINUTE_MS;
  const end = Math.max(Math.floor(task.end / MINUTE_MS) * MINUTE_MS, start + MINUTE_MS);
  const tags = task.tags.map((t) => `${t}, `).join('');
  return `    ${task.name} :${tags}${stamp(start)}, ${stamp(end)}`;
}

function periodName(period: Period): string {
  if (period.wrong.length === 0) return period.status;
  // A colon would end the task's name: "wrong (…)" stands for "wrong: …". Commas are text in a task's name.
  return `${period.status}, wrong (${period.wrong.map(mermaidText).join(', ')})`;
}

/** The periods within [from, to], clipped to it; the ongoing one lasts until `to`. */
function clippedTasks(periods: readonly Period[], from: number, to: number): Task[] {
  const tasks: Task[] = [];
  for (const period of periods) {
    const start = Math.max(period.start.getTime(), from);
    const end = Math.min(period.ongoing ? to : period.end.getTime(), to);
    // A period over by `from` (the next one began then or earlier) is not in the range.
    if (period.end.getTime() <= from && !period.ongoing) continue;
    if (start > to) continue;
    const tags = [...(period.wrong.length > 0 ? ['crit'] : []), ...(period.ongoing ? ['active'] : [])];
    tasks.push({ name: periodName(period), tags, start, end: Math.max(end, start) });
  }
  return tasks;
}

function earlierName(merged: number, wrong: number): string {
  return `earlier (${merged} periods, ${wrong} wrong)`;
}

/** A branch's section, whose oldest `merged` periods may be one "earlier" task. */
class Section {
  readonly head: string;
  private merged = 0;
  private mergedWrong = 0;
  /** Characters of the section's lines, newlines included. */
  length: number;

  constructor(
    branch: string,
    private readonly tasks: readonly Task[],
    private readonly lines: readonly string[],
  ) {
    this.head = `    section ${mermaidText(branch)}`;
    this.length = this.head.length + 1 + lines.reduce((n, line) => n + line.length + 1, 0);
  }

  /** Rows the section shows. */
  get rows(): number {
    return this.tasks.length - this.merged + (this.merged > 0 ? 1 : 0);
  }

  /** Folds one more old period into the "earlier" task, never the newest. @returns false when none is left to fold */
  mergeOne(): boolean {
    // The first fold takes two periods: one period alone is no summary.
    const take = this.merged === 0 ? 2 : 1;
    if (this.tasks.length - this.merged - take < 1) return false;
    const before = this.mergedLength();
    for (let i = 0; i < take; i += 1) {
      const task = this.tasks[this.merged] as Task;
      this.length -= (this.lines[this.merged] as string).length + 1;
      if (task.tags.includes('crit')) this.mergedWrong += 1;
      this.merged += 1;
    }
    this.length += this.mergedLength() - before;
    return true;
  }

  private earlier(): Task | undefined {
    if (this.merged === 0) return undefined;
    const first = this.tasks[0] as Task;
    const last = this.tasks[this.merged - 1] as Task;
    return { name: earlierName(this.merged, this.mergedWrong), tags: [], start: first.start, end: last.end };
  }

  private mergedLength(): number {
    const earlier = this.earlier();
    return earlier ? taskLine(earlier).length + 1 : 0;
  }

  render(): string[] {
    const earlier = this.earlier();
    return [this.head, ...(earlier ? [taskLine(earlier)] : []), ...this.lines.slice(this.merged)];
  }
}

function leftOut(count: number): string {
  return `    %% ${count} more branch${count === 1 ? '' : 'es'} left out: the chart would be too long`;
}

/**
 * Mermaid `gantt` source (no ``` fence), one section per branch with a
 * period in [from, to]; times are UTC. When the source would be longer
 * than `maxChars`, the oldest periods of the branch with the most rows are
 * merged into one "earlier" task until it fits (the newest period of each
 * branch always shows), then the last branches are left out (a comment
 * says how many); '' when not even the header fits.
 */
export function mermaidGantt(timelines: readonly BranchTimeline[], options: GanttOptions): string {
  const from = options.from.getTime();
  const to = options.to.getTime();
  if (!(from <= to)) throw new RangeError(`mermaidGantt: from (${options.from.toISOString()}) is after to`);
  const header = [
    'gantt',
    ...(options.title === undefined ? [] : [`    title ${mermaidText(options.title)}`]),
    '    dateFormat YYYY-MM-DD HH:mm',
    '    axisFormat %Y-%m-%d',
  ];
  const sections = timelines.flatMap(({ branch, periods }) => {
    const tasks = clippedTasks(periods, from, to);
    return tasks.length === 0 ? [] : [new Section(branch, tasks, tasks.map(taskLine))];
  });
  if (sections.length === 0) header.push('    %% no period in this range');
  const max = options.maxChars ?? Number.POSITIVE_INFINITY;
  const headerLength = header.reduce((n, line) => n + line.length + 1, 0);
  const total = () => headerLength + sections.reduce((n, s) => n + s.length, 0);
  while (total() > max) {
    const widest = sections.reduce<Section | undefined>(
      (a, s) => (a === undefined || s.rows > a.rows ? s : a),
      undefined,
    );
    if (!widest?.mergeOne()) break;
  }
  let dropped = 0;
  const note = () => (dropped === 0 ? 0 : leftOut(dropped).length + 1);
  while (sections.length > 0 && total() + note() > max) {
    sections.pop();
    dropped += 1;
  }
  const lines = [...header, ...sections.flatMap((s) => s.render()), ...(dropped > 0 ? [leftOut(dropped)] : [])];
  const source = `${lines.join('\n')}\n`;
  return source.length > max ? '' : source;
}
