import {
  parseCommandArgs,
  parseFormat,
  parseNow,
  parseMaxWarnings,
  parseServerChoice,
  parseTimeout,
  printedHelp,
  type ServerChoice,
} from '../../src/cli/args.js';
import { UsageError } from '../../src/errors.js';

describe('parseCommandArgs', () => {
  const options = { repo: { type: 'string' }, offline: { type: 'boolean' } } as const;

  it('parses known options', () => {
    expect(parseCommandArgs({ args: ['--repo', 'x', '--offline'], options }).values).toEqual({
      repo: 'x',
      offline: true,
    });
  });

  it('refuses an option given twice, unless it may be repeated', () => {
    expect(() => parseCommandArgs({ args: ['--repo', 'a', '--repo', 'b'], options })).toThrow(
      new UsageError('option --repo is given more than once'),
    );
    const repeatable = { set: { type: 'string', multiple: true } } as const;
    expect(parseCommandArgs({ args: ['--set', 'main', '--set', 'builder'], options: repeatable }).values).toEqual({
      set: ['main', 'builder'],
    });
  });

  it.each([
    [['--nope'], "Unknown option '--nope'"],
    [['--repo'], "Option '--repo <value>' argument missing"],
    [['stray'], "Unexpected argument 'stray'"],
  ])('%j is a usage error naming it', (args, words) => {
    expect(() => parseCommandArgs({ args, options })).toThrow(UsageError);
    expect(() => parseCommandArgs({ args, options })).toThrow(words);
  });
});

describe('parseFormat', () => {
  it.each([
    [undefined, 'text'],
    ['text', 'text'],
    ['json', 'json'],
  ])('%j is %s', (value, format) => expect(parseFormat(value)).toBe(format));
  it.each(['JSON', 'yaml', ''])('%j is refused', (value) =>
    expect(() => parseFormat(value)).toThrow(`--format must be "text" or "json", not "${value}"`),
  );
});

describe('parseNow', () => {
  it('is now by default', () => {
    const before = Date.now();
    const now = parseNow(undefined).getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
  it.each([
    ['2021-05-13T08:00:00Z', '2021-05-13T08:00:00.000Z'],
    ['2021-05-13', '2021-05-13T00:00:00.000Z'],
    // Without a zone, UTC whatever TZ says, as a date alone is.
    ['2021-05-13T08:00', '2021-05-13T08:00:00.000Z'],
    ['2021-05-13 08:00:30', '2021-05-13T08:00:30.000Z'],
    ['2021-05-13T08:00:00+02:00', '2021-05-13T06:00:00.000Z'],
  ])('%s', (value, iso) => expect(parseNow(value).toISOString()).toBe(iso));
  it.each(['yesterday', '13/05/2021', '2021-13-45'])('%s is refused', (value) =>
    expect(() => parseNow(value)).toThrow(UsageError),
  );
});

describe('parseServerChoice', () => {
  const URL = 'http://127.0.0.1:1/';
  it.each<[string | undefined, boolean | undefined, NodeJS.ProcessEnv, 'online' | 'offline', ServerChoice]>([
    [undefined, undefined, {}, 'online', { kind: 'online', source: 'the default' }],
    [undefined, undefined, {}, 'offline', { kind: 'offline', source: 'the default' }],
    [URL, undefined, {}, 'online', { kind: 'online', url: URL, source: '--snapshot-server' }],
    [undefined, true, {}, 'online', { kind: 'offline', source: '--offline' }],
    [
      undefined,
      undefined,
      { APT_SNAPSHOTS_SERVER: URL },
      'offline',
      { kind: 'online', url: URL, source: 'APT_SNAPSHOTS_SERVER' },
    ],
    [
      undefined,
      undefined,
      { APT_SNAPSHOTS_SERVER: 'offline' },
      'online',
      { kind: 'offline', source: 'APT_SNAPSHOTS_SERVER' },
    ],
    [undefined, undefined, { APT_SNAPSHOTS_SERVER: '' }, 'online', { kind: 'online', source: 'the default' }],
    // The command line outranks the environment.
    [
      'http://x/',
      undefined,
      { APT_SNAPSHOTS_SERVER: 'offline' },
      'online',
      { kind: 'online', url: 'http://x/', source: '--snapshot-server' },
    ],
    [undefined, true, { APT_SNAPSHOTS_SERVER: URL }, 'online', { kind: 'offline', source: '--offline' }],
  ])('%j, offline %j, env %j, fallback %s', (url, offline, env, fallback, choice) =>
    expect(parseServerChoice(url, offline, env, fallback)).toEqual(choice),
  );
  it('refuses both', () =>
    expect(() => parseServerChoice('http://x/', true, {})).toThrow(
      '--snapshot-server and --offline exclude each other',
    ));
});

describe('parseTimeout', () => {
  it.each([
    [undefined, undefined],
    ['30', 30_000],
    ['0.5', 500],
    ['300', 300_000],
  ])('%j is %j ms', (value, ms) => expect(parseTimeout(value)).toBe(ms));
  it.each(['0', '0.05', '301', '-1', '1e3', 'ten', ''])('%j is refused, naming the option', (value) =>
    expect(() => parseTimeout(value)).toThrow(`--timeout must be a number of seconds from 0.1 to 300, not "${value}"`),
  );
});

describe('parseMaxWarnings', () => {
  it.each([
    [undefined, undefined],
    ['0', 0],
    ['12', 12],
  ])('%j is %j', (value, n) => expect(parseMaxWarnings(value)).toBe(n));
  it.each(['-1', '1.5', 'many', ''])('%j is refused, naming the option', (value) =>
    expect(() => parseMaxWarnings(value)).toThrow(`--max-warnings must be a whole number, 0 or more, not "${value}"`),
  );
});

describe('printedHelp', () => {
  const command = { help: () => 'Usage: x\n' };

  it.each([
    [{ help: true }, true, ['Usage: x\n']],
    [{ help: false }, false, []],
    [{}, false, []],
  ])('%j', (values, printed, written) => {
    const out: string[] = [];
    expect(printedHelp(values, command, { stdout: { write: (chunk: string) => out.push(chunk) } })).toBe(printed);
    expect(out).toEqual(written);
  });
});
