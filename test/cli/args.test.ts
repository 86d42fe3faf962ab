import {
  parseCommandArgs,
  parseFormat,
  parseNow,
  parseServerChoice,
  printedHelp,
  requireOption,
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

  it.each([
    [['--nope'], "Unknown option '--nope'"],
    [['--repo'], "Option '--repo <value>' argument missing"],
    [['stray'], "Unexpected argument 'stray'"],
  ])('%j is a usage error naming it', (args, words) => {
    expect(() => parseCommandArgs({ args, options })).toThrow(UsageError);
    expect(() => parseCommandArgs({ args, options })).toThrow(words);
  });
});

describe('requireOption', () => {
  it.each([undefined, ''])('%j is missing', (value) => {
    expect(() => requireOption(value, '--repo DIR')).toThrow(new UsageError('--repo DIR is required'));
  });
  it('returns a given value', () => expect(requireOption('x', '--repo DIR')).toBe('x'));
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
  ])('%s', (value, iso) => expect(parseNow(value).toISOString()).toBe(iso));
  it.each(['yesterday', '13/05/2021', '2021-13-45'])('%s is refused', (value) =>
    expect(() => parseNow(value)).toThrow(UsageError),
  );
});

describe('parseServerChoice', () => {
  it.each([
    [undefined, undefined, { kind: 'online' }],
    ['http://127.0.0.1:1/', undefined, { kind: 'online', url: 'http://127.0.0.1:1/' }],
    [undefined, true, { kind: 'offline' }],
  ])('%j, offline %j', (url, offline, choice) => expect(parseServerChoice(url, offline)).toEqual(choice));
  it('refuses both', () =>
    expect(() => parseServerChoice('http://x/', true)).toThrow('--snapshot-server and --offline exclude each other'));
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
