import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatRequestCounts, parseRequestCounts, requestCountsFromTests } from '../../bench/request-budget.js';

describe('parseRequestCounts', () => {
  it('reads { event: count }', () => {
    expect(parseRequestCounts('{"push to a topic branch": 4, "pull_request": 3}', 'counts.json')).toEqual({
      'push to a topic branch': 4,
      pull_request: 3,
    });
  });

  it.each([
    ['not JSON', '{oops', 'counts.json is not JSON'],
    ['an array', '[4]', 'counts.json must hold an object of event → request count'],
    ['null', 'null', 'counts.json must hold an object of event → request count'],
    ['a count that is text', '{"push": "4"}', 'counts.json: the count of "push" must be a whole number, not "4"'],
    ['a fractional count', '{"push": 4.5}', 'counts.json: the count of "push" must be a whole number, not 4.5'],
    ['a negative count', '{"push": -1}', 'counts.json: the count of "push" must be a whole number, not -1'],
    ['no event', '{}', 'counts.json holds no event'],
  ])('refuses %s, naming the file', (_name, text, message) => {
    expect(() => parseRequestCounts(text, 'counts.json')).toThrow(message);
  });
});

describe('formatRequestCounts', () => {
  it('prints one aligned line per event, in the order the tests wrote them', () => {
    expect(formatRequestCounts({ 'push to a topic branch': 4, 'a pull_request': 10 }).split('\n')).toEqual([
      '  push to a topic branch    4',
      '  a pull_request           10',
    ]);
  });
});

describe('requestCountsFromTests', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'bench-request-budget-test-'));
    mkdirSync(join(root, 'node_modules', '.bin'), { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** A stand-in for jest in `root`: records how it was called, then runs `body`. */
  function fakeJest(body: string): void {
    const script = join(root, 'node_modules', '.bin', 'jest');
    writeFileSync(
      script,
      `#!/bin/sh\nprintf '%s\\n%s\\n%s\\n' "$*" "$NODE_OPTIONS" "$APT_SNAPSHOTS_REQUEST_COUNTS" > "${root}/called"\n${body}\n`,
    );
    chmodSync(script, 0o755);
  }
  const called = () => readFileSync(join(root, 'called'), 'utf8').split('\n');

  it('runs the request-budget test with ESM jest and reads the counts it writes, then removes them', async () => {
    fakeJest(`echo '{"push to a topic branch": 4}' > "$APT_SNAPSHOTS_REQUEST_COUNTS"`);
    expect(await requestCountsFromTests(root)).toEqual({ 'push to a topic branch': 4 });
    const [args, nodeOptions, file] = called();
    expect([args, nodeOptions]).toEqual(['test/app/request-budget.test.ts', '--experimental-vm-modules']);
    expect(existsSync(file as string)).toBe(false);
  });

  it.each([
    [
      'the tests fail',
      `echo 'FAIL test/app/request-budget.test.ts: over budget' >&2; exit 1`,
      /npx jest test\/app\/request-budget\.test\.ts exited with code 1:\n[\s\S]*FAIL test\/app\/request-budget\.test\.ts: over budget/,
    ],
    [
      'the tests pass without writing counts',
      'exit 0',
      /passed but wrote no counts to .*counts\.json \(APT_SNAPSHOTS_REQUEST_COUNTS\)/,
    ],
    ['the counts are not JSON', `echo 'oops' > "$APT_SNAPSHOTS_REQUEST_COUNTS"`, /counts\.json is not JSON/],
  ])('says so when %s', async (_name, body, message) => {
    fakeJest(body);
    await expect(requestCountsFromTests(root)).rejects.toThrow(message);
    expect(existsSync(called()[2] as string)).toBe(false);
  });
});
