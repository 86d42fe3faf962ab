import { classifyExpiry, snapshotExpiry, windowEnd } from '../../src/rules/snapshot-expiry.js';
import type { Expiry } from '../../src/rules/types.js';
import { brief, ctxFor, CUSTOM, customConfig, customTree, NOW } from '../helpers/rule-context.js';
import { PATHS, tailsTree } from '../helpers/snapshot.js';

const { MAIN, BUILDER } = PATHS;
const DAY = 24 * 60 * 60 * 1000;
const S = '2021051301';
const at = (ms: number): Expiry => ({ ok: true, validUntil: new Date(NOW.getTime() + ms) });
/** testing frozen at S; the builder set pins three more serials. */
const TESTING = tailsTree({
  baseBranch: 'testing',
  main: { debian: S, 'debian-security': 'latest', torproject: S },
  builder: { debian: '2021042702', 'debian-security': '2021042702', tails: '2021050302' },
});
const FINE: Record<string, Expiry> = {
  [`debian/${S}`]: at(180 * DAY),
  [`torproject/${S}`]: { ok: true, validUntil: null },
  'debian/2021042702': at(100 * DAY),
  'debian-security/2021042702': at(100 * DAY),
};

describe('snapshot-expiry', () => {
  it('needs the snapshot server', () => {
    expect(snapshotExpiry.needsServer).toBe(true);
    expect(snapshotExpiry.check(ctxFor('testing', TESTING))).toEqual([]);
  });

  it('notes once per origin that has no dist configured, and nothing else when all is fine', () => {
    const files = {
      ...TESTING,
      [`${MAIN}/other/serial`]: '2021050302\n',
      [`${BUILDER}/other/serial`]: '2021050302\n',
    };
    const findings = snapshotExpiry.check(
      ctxFor('testing', files, { expiries: { ...FINE, 'tails/2021050302': at(180 * DAY) } }),
    );
    expect(findings.map(brief)).toEqual([
      { rule: 'snapshot-expiry', severity: 'notice', path: `${MAIN}/other/serial`, line: undefined, fix: undefined },
    ]);
    expect(findings[0]?.message).toBe(
      'The expiry of other snapshots is not checked on testing: snapshot_server.dists names no dist for origin other.',
    );
    expect(findings[0]?.hint).toMatch(/snapshot_server\.dists in \.github\/apt-snapshots\.yml/);
  });

  it.each<[string, string, Expiry, 'error' | 'warning', RegExp]>([
    [
      'expired on a release branch',
      'testing',
      at(-DAY),
      'error',
      /^Snapshot debian 2021051301 \(pinned in the main set \(config\/APT_snapshots\.d\) on testing\) expired on 2021-05-12 12:00 UTC; it may be garbage-collected and testing cannot build from it\.$/,
    ],
    ['expiring this very moment', 'stable', at(0), 'error', /expired on 2021-05-13 12:00 UTC/],
    ['expired on a topic branch', 'bugfix/1-x', at(-DAY), 'warning', /on bugfix\/1-x\) expired/],
    ['expired on devel', 'devel', at(-DAY), 'warning', /expired/],
    [
      'expiring within the warning window',
      'testing',
      at(3 * DAY),
      'warning',
      /expires on 2021-05-16 12:00 UTC, in 3 day\(s\)\.$/,
    ],
    [
      'expiring a second before the end of the warning window',
      'testing',
      at(30 * DAY - 1000),
      'warning',
      /in 30 day\(s\)/,
    ],
  ])('reports a snapshot %s', (_name, branch, expiry, severity, message) => {
    const findings = snapshotExpiry.check(
      ctxFor(branch, TESTING, { expiries: { ...FINE, [`debian/${S}`]: expiry, 'tails/2021050302': at(180 * DAY) } }),
    );
    expect(findings.map(brief)).toEqual([
      { rule: 'snapshot-expiry', severity, path: `${MAIN}/debian/serial`, line: undefined, fix: 'bump' },
    ]);
    expect(findings[0]?.message).toMatch(message);
    expect(findings[0]?.hint).toMatch(/Bump Valid-Until of debian 2021051301/);
  });

  it.each<[string, Expiry]>([
    // The end is left out, as in Tails' script: valid until exactly a month from now passes there.
    ['expiring exactly at the end of the warning window', at(30 * DAY)],
    ['one millisecond after the warning window', at(30 * DAY + 1)],
    ['a tagged snapshot without Valid-Until', { ok: true, validUntil: null }],
  ])('accepts %s', (_name, expiry) => {
    const findings = snapshotExpiry.check(
      ctxFor('testing', TESTING, { expiries: { ...FINE, [`debian/${S}`]: expiry, 'tails/2021050302': at(180 * DAY) } }),
    );
    expect(findings).toEqual([]);
  });

  it.each([
    ['testing', 'error'],
    ['feature/1234-foo', 'warning'],
  ] as const)(
    'says, with the reason, when the expiry could not be looked up: an undecided %s on %s',
    (branch, severity) => {
      const error =
        'http://time-based.snapshots.deb.tails.boum.org/debian-security/dists/buster/updates/snapshots/2021042702/Release: connection refused';
      const findings = snapshotExpiry.check(
        ctxFor(branch, TESTING, {
          expiries: { ...FINE, 'debian-security/2021042702': { ok: false, error }, 'tails/2021050302': at(180 * DAY) },
        }),
      );
      expect(findings.map(brief)).toEqual([
        {
          rule: 'snapshot-expiry',
          severity,
          path: `${BUILDER}/debian-security/serial`,
          line: undefined,
          fix: undefined,
        },
      ]);
      expect(findings[0]?.undecided).toBe(true);
      expect(findings[0]?.message).toBe(
        `Could not check when snapshot debian-security 2021042702 (pinned in the builder set (${BUILDER}) on ${branch}) expires: the snapshot server gave no usable answer (${error}).`,
      );
    },
  );

  it.each([
    ['testing', 'error'],
    ['feature/1234-foo', 'warning'],
  ] as const)('reports a snapshot the server does not have on %s like an expired one', (branch, severity) => {
    const error =
      'http://time-based.snapshots.deb.tails.boum.org/debian/dists/stable/snapshots/2021051301/Release: HTTP 404 Not Found';
    const findings = snapshotExpiry.check(
      ctxFor(branch, TESTING, {
        expiries: { ...FINE, [`debian/${S}`]: { ok: false, missing: true, error }, 'tails/2021050302': at(180 * DAY) },
      }),
    );
    expect(findings.map(brief)).toEqual([
      { rule: 'snapshot-expiry', severity, path: `${MAIN}/debian/serial`, line: undefined, fix: 'bump' },
    ]);
    expect(findings[0]?.message).toBe(
      `Snapshot debian 2021051301 (pinned in the main set (${MAIN}) on ${branch}) is not on the snapshot server: ${error}. It was garbage-collected, or never existed; ${branch} cannot build from it.`,
    );
    expect(findings[0]?.hint).toBe(
      'Move debian to a serial the server has, or, if every debian snapshot is reported missing, check snapshot_server.dists.debian (stable).',
    );
  });

  it('notes a configured origin whose serial was not looked up', () => {
    const expiries: Record<string, Expiry> = { ...FINE, 'tails/2021050302': at(180 * DAY) };
    delete expiries[`torproject/${S}`];
    const findings = snapshotExpiry.check(ctxFor('testing', TESTING, { expiries }));
    expect(findings.map((f) => [f.severity, f.path])).toEqual([['notice', `${MAIN}/torproject/serial`]]);
    expect(findings[0]?.message).toMatch(/^The expiry of snapshot torproject 2021051301 was not looked up/);
  });

  it('uses the configured warning window, dists and release branches', () => {
    const config = customConfig();
    const files = customTree({
      packages: { archive: S, extras: S, security: 'latest' },
      vm: { archive: S, extras: S },
    });
    // The custom window is 7 days, its end left out.
    const expiries = { [`archive/${S}`]: at(7 * DAY) };
    expect(snapshotExpiry.check(ctxFor('release', files, { config, expiries })).map(brief)).toEqual([
      {
        rule: 'snapshot-expiry',
        severity: 'notice',
        path: `${CUSTOM.PACKAGES}/extras/serial`,
        line: undefined,
        fix: undefined,
      },
    ]);
    const expiring = snapshotExpiry.check(
      ctxFor('release', files, { config, expiries: { [`archive/${S}`]: at(7 * DAY - 1000) } }),
    );
    expect(expiring.map((f) => [f.severity, f.path])).toEqual([
      ['warning', `${CUSTOM.PACKAGES}/archive/serial`],
      ['notice', `${CUSTOM.PACKAGES}/extras/serial`],
      ['warning', `${CUSTOM.VM}/archive/serial`],
    ]);
    const expired = snapshotExpiry.check(ctxFor('lts', files, { config, expiries: { [`archive/${S}`]: at(-1) } }));
    expect(expired.filter((f) => f.severity === 'error').map((f) => f.path)).toEqual([
      `${CUSTOM.PACKAGES}/archive/serial`,
      `${CUSTOM.VM}/archive/serial`,
    ]);
    expect(
      snapshotExpiry
        .check(ctxFor('testing', files, { config, expiries: { [`archive/${S}`]: at(-1) } }))
        .filter((f) => f.severity === 'error'),
    ).toEqual([]);
  });
});

describe('classifyExpiry', () => {
  const until = windowEnd(NOW, 30);
  const valid = (date: Date): Expiry => ({ ok: true, validUntil: date });

  it('ends the window whole days after now', () => {
    expect(until).toEqual(new Date('2021-06-12T12:00:00Z'));
  });

  it("compares the end in whole seconds, as `date +%s` does in Tails' script", () => {
    // Valid-Until is whole seconds; a clock read mid-second must not pull it into the window.
    const midSecond = new Date(until.getTime() + 700);
    expect(classifyExpiry(valid(until), NOW, midSecond)).toBe('fine');
    expect(classifyExpiry(valid(new Date(until.getTime() - 1000)), NOW, midSecond)).toBe('expiring');
  });

  it('reads an answer that is not a date', () => {
    expect(classifyExpiry({ ok: false, missing: true, error: 'HTTP 404' }, NOW, until)).toBe('missing');
    expect(classifyExpiry({ ok: false, error: 'HTTP 500' }, NOW, until)).toBe('unknown');
    expect(classifyExpiry({ ok: true, validUntil: null }, NOW, until)).toBe('fine');
    expect(classifyExpiry(valid(NOW), NOW, until)).toBe('expired');
  });
});
