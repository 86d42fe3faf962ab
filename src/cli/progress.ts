import type { OutputStream } from './io.js';

/** A wait shorter than this is not worth a line: most lookups and reads answer well within it. */
const PROGRESS_DELAY_MS = 1000;

/**
 * One line of progress on a terminal's standard error, redrawn in place and
 * cleared when the wait is over, so that nothing of it stays in the output.
 * It appears only once the wait has lasted `delayMs`, and says how long it
 * has lasted, redrawn every second, so that a server that does not answer is
 * not silence. Nothing at all when the stream is not a terminal (a log file,
 * a pipe): there, a line redrawn with carriage returns is noise.
 */
export class StatusLine {
  private text = '';
  private started: number | undefined;
  private drawn = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: OutputStream,
    private readonly delayMs = PROGRESS_DELAY_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Sets what the line says; the wait starts with the first call after a clear. */
  show(text: string): void {
    if (!this.stream.isTTY) return;
    this.text = text;
    if (this.started === undefined) {
      this.started = this.now();
      if (this.delayMs > 0) this.schedule(this.delayMs);
      else {
        this.draw();
        this.schedule(1000);
      }
    } else if (this.drawn) this.draw();
  }

  /** The wait is over: removes the line if it was drawn. */
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.started = undefined;
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.draw();
      this.schedule(1000);
    }, ms);
    // Progress alone never keeps the process alive.
    this.timer.unref();
  }

  private draw(): void {
    // Rounded: timers run on the event loop's clock, which may lag this one by a few milliseconds.
    const seconds = Math.round((this.now() - (this.started ?? this.now())) / 1000);
    let line = `${this.text} (${seconds} s)`;
    // A line longer than the terminal wraps, and the carriage return then redraws only its last part.
    const columns = this.stream.columns;
    if (columns !== undefined && [...line].length >= columns) line = `${[...line].slice(0, columns - 2).join('')}…`;
    this.stream.write(`\r${line}\x1b[K`);
    this.drawn = true;
  }
}
