import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REQUEST_BUDGET_TEST = 'test/app/request-budget.test.ts';

/** The counts file must be `{ "event": count }`; anything else is a clear error naming the file. */
export function parseRequestCounts(text: string, file: string): Record<string, number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error(`${file} must hold an object of event → request count`);
  const entries = Object.entries(parsed as Record<string, unknown>);
  const wrong = entries.find(([, count]) => typeof count !== 'number' || !Number.isInteger(count) || count < 0);
  if (wrong)
    throw new Error(`${file}: the count of "${wrong[0]}" must be a whole number, not ${JSON.stringify(wrong[1])}`);
  if (entries.length === 0) throw new Error(`${file} holds no event`);
  return Object.fromEntries(entries) as Record<string, number>;
}

const OUTPUT_TAIL = 3000;

/**
 * The API requests per event type the tests count (token exchange
 * excluded): runs the request-budget test with jest in `root`, the way a
 * developer does, and reads the counts it writes to
 * APT_SNAPSHOTS_REQUEST_COUNTS.
 */
export async function requestCountsFromTests(root: string): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'apt-snapshots-request-counts-'));
  const file = join(dir, 'counts.json');
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(
        'npx',
        ['jest', REQUEST_BUDGET_TEST],
        {
          cwd: root,
          env: { ...process.env, NODE_OPTIONS: '--experimental-vm-modules', APT_SNAPSHOTS_REQUEST_COUNTS: file },
          maxBuffer: 16 << 20,
        },
        (error, stdout, stderr) => {
          if (!error) return resolve();
          const output = `${stdout}${stderr}`;
          const why =
            typeof error.code === 'number' ? `exited with code ${error.code}` : `could not run (${error.message})`;
          reject(new Error(`npx jest ${REQUEST_BUDGET_TEST} ${why}:\n${output.slice(-OUTPUT_TAIL)}`));
        },
      );
    });
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new Error(
        `npx jest ${REQUEST_BUDGET_TEST} passed but wrote no counts to ${file} (APT_SNAPSHOTS_REQUEST_COUNTS)`,
      );
    }
    return parseRequestCounts(text, file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatRequestCounts(counts: Record<string, number>): string {
  const width = Math.max(...Object.keys(counts).map((event) => event.length));
  return Object.entries(counts)
    .map(([event, count]) => `  ${event.padEnd(width)}  ${String(count).padStart(3)}`)
    .join('\n');
}
