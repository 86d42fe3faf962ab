import { divergesFromBase } from '../../src/rules/diverges-from-base.js';
import { brief, ctxFor, CUSTOM, customConfig, customTree, type Files } from '../helpers/rule-context.js';
import { PATHS, tailsTree } from '../helpers/snapshot.js';

const { MAIN } = PATHS;
const OLD = '2021050101';
const NEW = '2021051301';
const NEWER = '2021051402';
const TESTING = tailsTree({
  baseBranch: 'testing',
  main: { debian: NEW, 'debian-security': 'latest', torproject: NEW },
});
const topic = (main: Record<string, string>) => tailsTree({ baseBranch: 'testing', main });
const judgeTopic = (files: Files, baseFiles: Files = TESTING, branch = 'feature/1234-foo') =>
  divergesFromBase.check(ctxFor(branch, files, { base: { branch: 'testing', files: baseFiles } }));

describe('diverges-from-base', () => {
  it('shows reviewers a bump as a notice', () => {
    const findings = judgeTopic(topic({ debian: NEWER, 'debian-security': 'latest', torproject: NEW }));
    expect(findings.map(brief)).toEqual([
      {
        rule: 'diverges-from-base',
        severity: 'notice',
        path: `${MAIN}/debian/serial`,
        line: undefined,
        fix: undefined,
      },
    ]);
    expect(findings[0]?.message).toBe(
      'feature/1234-foo bumps debian in the main set (config/APT_snapshots.d) from 2021051301 (on testing) to 2021051402: reviewers, check this is on purpose.',
    );
  });

  it.each<[string, Record<string, string>, string, RegExp]>([
    [
      'an added origin',
      { debian: NEW, 'debian-security': 'latest', torproject: NEW, mozilla: NEW },
      `${MAIN}/mozilla`,
      /^feature\/1234-foo adds origin mozilla to the main set .*, which its base branch testing does not have\.$/,
    ],
    [
      'a removed origin',
      { debian: NEW, 'debian-security': 'latest' },
      `${MAIN}/torproject`,
      /^feature\/1234-foo removes origin torproject from the main set .*; its base branch testing has it\.$/,
    ],
    [
      'a pin where the base uses latest',
      { debian: NEW, 'debian-security': NEW, torproject: NEW },
      `${MAIN}/debian-security/serial`,
      /pins debian-security in the main set .* to 2021051301 where its base branch testing uses latest: merging it would freeze debian-security on testing/,
    ],
    [
      'latest where the base pins',
      { debian: 'latest', 'debian-security': 'latest', torproject: NEW },
      `${MAIN}/debian/serial`,
      /uses latest for debian in the main set .* where its base branch testing pins 2021051301: merging it would unfreeze debian on testing/,
    ],
  ])('warns about %s', (_name, main, path, message) => {
    const findings = judgeTopic(topic(main));
    expect(findings.map(brief)).toEqual([
      { rule: 'diverges-from-base', severity: 'warning', path, line: undefined, fix: undefined },
    ]);
    expect(findings[0]?.message).toMatch(message);
    expect(findings[0]?.hint).toBeTruthy();
  });

  // Differences the base made after the branch forked are not the branch's: a merge takes the base's side.
  it.each<[string, Files, Files]>([
    [
      'kept pins where the base has since thawed',
      topic({ debian: NEW, 'debian-security': 'latest', torproject: NEW }),
      topic({ debian: 'latest', 'debian-security': 'latest', torproject: 'latest' }),
    ],
    [
      'kept latest where the base has since frozen',
      topic({ debian: 'latest', 'debian-security': 'latest', torproject: 'latest' }),
      TESTING,
    ],
    [
      'kept serials the base has since bumped',
      topic({ debian: OLD, 'debian-security': 'latest', torproject: OLD }),
      TESTING,
    ],
  ])('accepts %s', (_name, files, baseFiles) => {
    const findings = divergesFromBase.check(
      ctxFor('feature/1234-foo', files, { base: { branch: 'testing', files: baseFiles, forkPoint: files } }),
    );
    expect(findings).toEqual([]);
  });

  it('still shows a bump the branch made after it forked', () => {
    const forkPoint = topic({ debian: 'latest', 'debian-security': 'latest', torproject: 'latest' });
    const files = topic({ debian: NEWER, 'debian-security': 'latest', torproject: 'latest' });
    const findings = divergesFromBase.check(
      ctxFor('feature/1234-foo', files, { base: { branch: 'testing', files: TESTING, forkPoint } }),
    );
    expect(findings.map((f) => [f.severity, f.path])).toEqual([['notice', `${MAIN}/debian/serial`]]);
  });

  it.each<[string, Files, Files]>([
    ['the same serials', topic({ debian: NEW, 'debian-security': 'latest', torproject: NEW }), TESTING],
    [
      'an older serial (serial-regression reports it)',
      topic({ debian: OLD, 'debian-security': 'latest', torproject: NEW }),
      TESTING,
    ],
    ['an unreadable serial here', topic({ debian: 'junk', 'debian-security': 'latest', torproject: NEW }), TESTING],
    [
      'an unreadable serial on the base',
      TESTING,
      topic({ debian: '2021', 'debian-security': 'latest', torproject: NEW }),
    ],
    [
      'a set missing on the base',
      TESTING,
      Object.fromEntries(Object.entries(TESTING).filter(([p]) => !p.startsWith(`${MAIN}/`))),
    ],
  ])('accepts %s', (_name, files, baseFiles) => {
    expect(judgeTopic(files, baseFiles)).toEqual([]);
  });

  it('judges nothing without a base state', () => {
    const bumped = topic({ debian: NEWER, 'debian-security': 'latest', torproject: NEW });
    expect(divergesFromBase.check(ctxFor('feature/1234-foo', bumped))).toEqual([]);
  });

  // The flow gives a base branch a base only in a pull request, which lands on it whatever the head is called.
  it('compares a head named like a base branch with the base it is given', () => {
    const bumped = topic({ debian: NEWER, 'debian-security': 'latest', torproject: NEW });
    const findings = divergesFromBase.check(ctxFor('stable', bumped, { base: { branch: 'testing', files: TESTING } }));
    expect(findings.map((f) => [f.severity, f.path])).toEqual([['notice', `${PATHS.MAIN}/debian/serial`]]);
    expect(findings[0]?.message).toMatch(/^stable bumps debian .* \(on testing\)/);
  });

  it('compares the builder set too', () => {
    const findings = judgeTopic(
      tailsTree({
        baseBranch: 'testing',
        main: { debian: NEW, 'debian-security': 'latest', torproject: NEW },
        builder: { debian: NEWER, 'debian-security': '2021042702', tails: '2021050302' },
      }),
      tailsTree({ baseBranch: 'testing', main: { debian: NEW, 'debian-security': 'latest', torproject: NEW } }),
    );
    expect(findings.map((f) => [f.severity, f.path])).toEqual([['notice', `${PATHS.BUILDER}/debian/serial`]]);
  });

  it('uses the configured roles and sets', () => {
    const config = customConfig();
    const base = customTree({ baseBranch: 'release', packages: { archive: NEW, security: 'latest' } });
    const head = customTree({ baseBranch: 'release', packages: { archive: NEWER, security: 'latest' } });
    const findings = divergesFromBase.check(
      ctxFor('topic/x', head, { config, base: { branch: 'release', files: base } }),
    );
    expect(findings.map(brief)).toEqual([
      {
        rule: 'diverges-from-base',
        severity: 'notice',
        path: `${CUSTOM.PACKAGES}/archive/serial`,
        line: undefined,
        fix: undefined,
      },
    ]);
    expect(findings[0]?.message).toMatch(
      /^topic\/x bumps archive in the packages set \(apt\/snapshots\) from 2021051301 \(on release\) to 2021051402/,
    );
    expect(divergesFromBase.check(ctxFor('topic/x', head, { config }))).toEqual([]);
  });
});
