import { serialRegression } from '../../src/rules/serial-regression.js';
import { brief, ctxFor, CUSTOM, customConfig, customTree, type CtxOptions } from '../helpers/rule-context.js';
import { PATHS, tailsTree } from '../helpers/snapshot.js';

const { MAIN, BUILDER } = PATHS;
const OLD = '2021050101';
const NEW = '2021051301';
const NEWER = '2021051402';
const frozen = (debian: string, torproject = NEW, security = 'latest') =>
  tailsTree({ main: { debian, 'debian-security': security, torproject } });

describe('serial-regression', () => {
  it.each<[string, string, ReturnType<typeof tailsTree>, CtxOptions, string, RegExp]>([
    [
      'testing going back before the push',
      'testing',
      frozen(OLD),
      { before: frozen(NEW) },
      `${MAIN}/debian/serial`,
      /^debian in the main set \(config\/APT_snapshots\.d\) goes back in time on testing: 2021050101 is older than 2021051301 before the push\.$/,
    ],
    [
      'devel going back before the push',
      'devel',
      frozen(OLD),
      { before: frozen(NEW) },
      `${MAIN}/debian/serial`,
      /on devel: 2021050101 is older than 2021051301 before the push/,
    ],
    [
      'the builder set going back on devel',
      'devel',
      tailsTree({ builder: { debian: OLD, tails: NEW } }),
      { before: tailsTree({ builder: { debian: NEW, tails: NEW } }) },
      `${BUILDER}/debian/serial`,
      /debian in the builder set .* goes back in time on devel/,
    ],
    [
      'a topic branch older than its base',
      'bugfix/1-x',
      frozen(OLD),
      { base: { branch: 'testing', files: frozen(NEW) } },
      `${MAIN}/debian/serial`,
      /on bugfix\/1-x: 2021050101 is older than 2021051301 on its base branch testing\.$/,
    ],
    [
      'a topic branch that moved back from where it forked',
      'bugfix/1-x',
      frozen(OLD),
      { base: { branch: 'testing', files: frozen(NEW), forkPoint: frozen(NEW) } },
      `${MAIN}/debian/serial`,
      /2021050101 is older than 2021051301 on its base branch testing\.$/,
    ],
    [
      'a topic branch older than both',
      'bugfix/1-x',
      frozen(OLD),
      { base: { branch: 'testing', files: frozen(NEW) }, before: frozen(NEWER) },
      `${MAIN}/debian/serial`,
      /2021050101 is older than 2021051301 on its base branch testing and 2021051402 before the push\./,
    ],
    [
      'testing unfrozen by the push',
      'testing',
      frozen('latest'),
      { before: frozen(NEW) },
      `${MAIN}/debian/serial`,
      /^debian in the main set .* went from 2021051301 back to latest on the release branch testing: that unfreezes it, and debian is not a freeze exception\.$/,
    ],
    [
      'stable unfrozen by the push',
      'stable',
      frozen('latest'),
      { before: frozen(NEW) },
      `${MAIN}/debian/serial`,
      /release branch stable: that unfreezes it/,
    ],
  ])('reports %s', (_name, branch, files, opts, path, message) => {
    const findings = serialRegression.check(ctxFor(branch, files, opts));
    expect(findings.map(brief)).toEqual([
      { rule: 'serial-regression', severity: 'error', path, line: undefined, fix: undefined },
    ]);
    expect(findings[0]?.message).toMatch(message);
    expect(findings[0]?.hint).toBeTruthy();
  });

  it('asks for the newest of the serials it was compared with', () => {
    const findings = serialRegression.check(
      ctxFor('bugfix/1-x', frozen(OLD), { base: { branch: 'testing', files: frozen(NEW) }, before: frozen(NEWER) }),
    );
    expect(findings[0]?.hint).toBe('Use 2021051402 or a newer serial: serials only move forward.');
  });

  it.each<[string, string, ReturnType<typeof tailsTree>, CtxOptions]>([
    ['a bump', 'testing', frozen(NEWER), { before: frozen(NEW) }],
    ['the same serials', 'testing', frozen(NEW), { before: frozen(NEW) }],
    ['a freeze', 'testing', frozen(NEW), { before: tailsTree() }],
    ['a thaw of devel', 'devel', tailsTree(), { before: frozen(NEW, NEW, NEW) }],
    ['a thaw of a port', 'feature/bookworm', tailsTree(), { before: frozen(NEW) }],
    ['testing thawed as a whole after a release', 'testing', frozen('latest', 'latest'), { before: frozen(NEW) }],
    [
      'debian-security thawed on testing (a freeze exception)',
      'testing',
      frozen(NEW, NEW, 'latest'),
      { before: frozen(NEW, NEW, NEW) },
    ],
    [
      'a topic branch thawed by its own push (diverges-from-base reports it)',
      'bugfix/1-x',
      frozen('latest'),
      { before: frozen(NEW) },
    ],
    // Forked before the base was frozen anew: the branch changed nothing, and a merge takes the base's serials.
    [
      'a topic branch that kept what it forked with while its base moved on',
      'bugfix/1-x',
      frozen(OLD),
      { base: { branch: 'testing', files: frozen(NEW), forkPoint: frozen(OLD) } },
    ],
    [
      'a topic branch newer than its base',
      'bugfix/1-x',
      frozen(NEWER),
      { base: { branch: 'testing', files: frozen(NEW) } },
    ],
    [
      'a topic branch thawed where its base is frozen',
      'bugfix/1-x',
      frozen('latest'),
      { base: { branch: 'testing', files: frozen(NEW) } },
    ],
    ['an unreadable serial before the push', 'testing', frozen(NEW), { before: frozen('20210514') }],
    ['an unreadable serial now', 'testing', frozen('junk'), { before: frozen(NEW) }],
    ['an unreadable base', 'bugfix/1-x', frozen(OLD), { base: { branch: 'testing', files: frozen('2021-05-13') } }],
    ['an origin new in this push', 'testing', frozen(OLD), { before: tailsTree({ main: { torproject: NEW } }) }],
    ['no base and no before', 'testing', frozen(OLD), {}],
  ])('accepts %s', (_name, branch, files, opts) => {
    expect(serialRegression.check(ctxFor(branch, files, opts))).toEqual([]);
  });

  // The flow gives a base branch a base only in a pull request: a fork's stable into stable lands on stable.
  it('compares a head named like a base branch with the base it is given', () => {
    const findings = serialRegression.check(
      ctxFor('stable', frozen(OLD), { base: { branch: 'stable', files: frozen(NEW) } }),
    );
    expect(findings.map((f) => f.path)).toEqual([`${MAIN}/debian/serial`]);
    expect(findings[0]?.message).toMatch(/is older than 2021051301 on its base branch stable/);
  });

  it('accepts a set missing before the push', () => {
    const before = frozen(NEW);
    for (const path of Object.keys(before)) if (path.startsWith(`${MAIN}/`)) delete before[path];
    expect(serialRegression.check(ctxFor('testing', frozen(OLD), { before }))).toEqual([]);
  });

  describe('with a non-default configuration', () => {
    const config = customConfig();
    const tree = (archive: string, security: string) => customTree({ packages: { archive, extras: NEW, security } });

    it('reports the configured release branch unfrozen, but not its exception', () => {
      const findings = serialRegression.check(
        ctxFor('lts', tree('latest', 'latest'), { config, before: tree(NEW, NEW) }),
      );
      expect(findings.map(brief)).toEqual([
        {
          rule: 'serial-regression',
          severity: 'error',
          path: `${CUSTOM.PACKAGES}/archive/serial`,
          line: undefined,
          fix: undefined,
        },
      ]);
      expect(findings[0]?.message).toMatch(
        /archive in the packages set \(apt\/snapshots\) went from 2021051301 back to latest on the release branch lts/,
      );
    });

    it('treats testing as an ordinary topic branch', () => {
      expect(
        serialRegression.check(ctxFor('testing', tree('latest', 'latest'), { config, before: tree(NEW, NEW) })),
      ).toEqual([]);
      const findings = serialRegression.check(
        ctxFor('testing', tree(OLD, 'latest'), { config, base: { branch: 'release', files: tree(NEW, 'latest') } }),
      );
      expect(findings[0]?.message).toMatch(/older than 2021051301 on its base branch release/);
    });
  });
});
