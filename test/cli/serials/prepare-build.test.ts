import {
  cachedSerialsText,
  originsToLookUp,
  parseSerialsJson,
  resolveBuildSerials,
} from '../../../src/cli/serials/prepare-build.js';
import { WorkingSetError, type WorkingOrigin } from '../../../src/cli/serials/working-set.js';
import type { Serial, SerialValue } from '../../../src/domain/serial.js';
import { UsageError } from '../../../src/errors.js';

const origin = (name: string, value: string): WorkingOrigin => ({
  origin: name,
  file: `/w/config/APT_snapshots.d/${name}/serial`,
  path: `config/APT_snapshots.d/${name}/serial`,
  value: (value === 'latest' ? { kind: 'latest' } : { kind: 'serial', serial: value }) as SerialValue,
});
const serials = (o: Record<string, string>) => new Map(Object.entries(o)) as Map<string, Serial>;

const SET = [origin('debian', '2021051301'), origin('debian-security', 'latest'), origin('torproject', 'latest')];

describe('parseSerialsJson', () => {
  it('reads origin -> serial', () => {
    expect(parseSerialsJson('{"debian": "2021051301", "torproject": "2021051302"}')).toEqual(
      serials({ debian: '2021051301', torproject: '2021051302' }),
    );
  });

  it.each([
    ['{', 'the serials argument is not JSON'],
    ['[]', 'must be a JSON object'],
    ['"x"', 'must be a JSON object'],
    ['{"debian": "latest"}', 'gives "latest" for origin debian'],
    ['{"debian": 2021051301}', 'gives 2021051301 for origin debian'],
    ['{"debian": "2021023001"}', 'the serials argument for origin debian: "2021023001" has an impossible date'],
  ])('%s is refused', (text, words) => {
    expect(() => parseSerialsJson(text)).toThrow(UsageError);
    expect(() => parseSerialsJson(text)).toThrow(words);
  });
});

describe('originsToLookUp', () => {
  it.each([
    [{}, ['debian-security', 'torproject']],
    [{ torproject: '2021051302' }, ['debian-security']],
    [{ torproject: '2021051302', 'debian-security': '2021051303' }, []],
  ])('given %j: %j', (given, expected) => expect(originsToLookUp(SET, serials(given))).toEqual(expected));
});

describe('resolveBuildSerials', () => {
  it('keeps pinned serials and resolves latest to the given serial, else the newest', () => {
    expect(
      resolveBuildSerials(SET, serials({ torproject: '2021051302' }), serials({ 'debian-security': '2021051304' })),
    ).toEqual({
      serials: serials({ debian: '2021051301', 'debian-security': '2021051304', torproject: '2021051302' }),
      warnings: [],
    });
  });

  it('accepts a given serial equal to the pinned one', () => {
    expect(
      resolveBuildSerials(SET, serials({ debian: '2021051301', 'debian-security': '1', torproject: '2' }), serials({})),
    ).toMatchObject({ warnings: [] });
  });

  // Tails' script uses the JSON only for the origins at latest: a drop-in builds what it would.
  it('keeps a pinned serial the JSON contradicts, with a warning naming the origin and both serials', () => {
    expect(
      resolveBuildSerials(
        SET,
        serials({ debian: '2021051302' }),
        serials({ 'debian-security': '2021051304', torproject: '2021051304' }),
      ),
    ).toEqual({
      serials: serials({ debian: '2021051301', 'debian-security': '2021051304', torproject: '2021051304' }),
      warnings: [
        'origin debian: config/APT_snapshots.d/debian/serial pins 2021051301, the serials argument gives 2021051302; the pinned serial is used',
      ],
    });
  });

  it('ignores an origin the set does not have, with a warning', () => {
    expect(
      resolveBuildSerials(SET, serials({ tails: '2021051302' }), serials({ 'debian-security': '1', torproject: '2' }))
        .warnings,
    ).toEqual([
      'the serials argument names "tails", not an origin of the set (debian, debian-security, torproject); ignored',
    ]);
  });

  it('refuses to leave a latest unresolved', () => {
    expect(() => resolveBuildSerials(SET, serials({}), serials({ torproject: '2021051302' }))).toThrow(
      new WorkingSetError(
        'no serial for origin debian-security, which is latest in config/APT_snapshots.d/debian-security/serial',
      ),
    );
  });
});

describe('cachedSerialsText', () => {
  it('writes one "ORIGIN: SERIAL" line per origin', () => {
    expect(cachedSerialsText(serials({ debian: '2021051301', torproject: '2021051302' }))).toBe(
      'debian: 2021051301\ntorproject: 2021051302\n',
    );
  });
});
