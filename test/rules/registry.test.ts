import type { Finding } from '../../src/domain/finding.js';
import { RULES } from '../../src/rules/index.js';
import { judge } from '../../src/rules/judge.js';
import type { Rule } from '../../src/rules/types.js';
import { ctxFor, customConfig, customTree, type Files } from '../helpers/rule-context.js';
import { PATHS, tailsTree } from '../helpers/snapshot.js';

const { MAIN, BUILDER } = PATHS;
const S = '2021051301';

describe('RULES', () => {
  it('holds every rule once, each with a description', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([
      'base-branch-file',
      'builder-frozen',
      'diverges-from-base',
      'freeze-consistency',
      'freeze-exception',
      'overlays-at-release',
      'serial-regression',
      'serial-syntax',
      'snapshot-expiry',
      'snapshot-layout',
      'stale-freeze-exception',
      'tracks-latest',
    ]);
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(rule.description.length).toBeGreaterThan(20);
      expect(rule.severities.length).toBeGreaterThan(0);
      expect(new Set(rule.severities).size).toBe(rule.severities.length);
      // Worst first, as the README and check --help list them.
      expect((['error', 'warning', 'notice'] as const).filter((s) => rule.severities.includes(s))).toEqual(
        rule.severities,
      );
    }
  });

  it('marks only snapshot-expiry as needing the server', () => {
    expect(RULES.filter((r) => r.needsServer).map((r) => r.id)).toEqual(['snapshot-expiry']);
  });
});

describe('judge', () => {
  it('passes a healthy devel offline, skipping the server rule', () => {
    const verdict = judge(ctxFor('devel', tailsTree()));
    expect(verdict).toEqual({
      conclusion: 'success',
      findings: [],
      skipped: [{ rule: 'snapshot-expiry', reason: 'needs the snapshot server (offline)' }],
      unanswered: [],
    });
  });

  it('is incomplete, not a success, when the server did not answer and nothing is wrong', () => {
    const verdict = judge(
      ctxFor('devel', tailsTree(), {
        expiries: { 'debian/2021042702': { ok: false, error: 'connection refused' } },
      }),
    );
    expect(verdict.conclusion).toBe('incomplete');
    expect(verdict.unanswered).toEqual(['connection refused']);
  });

  it('runs the server rule online', () => {
    const verdict = judge(
      ctxFor('testing', tailsTree({ baseBranch: 'testing', main: { debian: S, 'debian-security': 'latest' } }), {
        expiries: { [`debian/${S}`]: { ok: true, validUntil: new Date('2021-05-01T00:00:00Z') } },
      }),
    );
    expect(verdict.skipped).toEqual([]);
    expect(verdict.conclusion).toBe('failure');
    expect(verdict.findings.filter((f) => f.severity === 'error').map((f) => [f.rule, f.path])).toEqual([
      ['snapshot-expiry', `${MAIN}/debian/serial`],
    ]);
  });

  it.each<[string, string, Files, 'success' | 'failure', string[]]>([
    [
      'devel left frozen',
      'devel',
      tailsTree({ main: { debian: S, 'debian-security': 'latest', torproject: S } }),
      'failure',
      ['tracks-latest', 'tracks-latest'],
    ],
    [
      'testing outside a freeze (a notice)',
      'testing',
      tailsTree({ baseBranch: 'testing' }),
      'success',
      ['freeze-consistency'],
    ],
    [
      'a builder set using latest (a warning)',
      'devel',
      tailsTree({ builder: { debian: 'latest', tails: S } }),
      'success',
      ['builder-frozen'],
    ],
    [
      'devel naming testing in config/base_branch',
      'devel',
      tailsTree({ baseBranch: 'testing' }),
      'failure',
      ['base-branch-file'],
    ],
  ])('concludes %s', (_name, branch, files, conclusion, rules) => {
    const verdict = judge(ctxFor(branch, files));
    expect(verdict.conclusion).toBe(conclusion);
    expect(verdict.findings.map((f) => f.rule)).toEqual(rules);
  });

  it('sorts findings by severity, then path', () => {
    const files = tailsTree({
      baseBranch: 'testing',
      main: { debian: S, 'debian-security': 'latest', torproject: 'latest' },
      builder: { debian: 'latest', tails: S },
    });
    const verdict = judge(ctxFor('devel', files));
    expect(verdict.findings.map((f) => [f.severity, f.path])).toEqual([
      ['error', `${MAIN}/debian/serial`],
      ['error', 'config/base_branch'],
      ['warning', `${BUILDER}/debian/serial`],
    ]);
  });

  it('turns a throwing rule into an error finding and still runs the others', () => {
    const boom: Rule = {
      id: 'boom',
      severities: ['notice'],
      description: 'always throws',
      check() {
        throw new Error('kaboom');
      },
    };
    const notice: Finding = { rule: 'quiet', severity: 'notice', path: 'x', message: 'hello' };
    const quiet: Rule = { id: 'quiet', severities: ['notice'], description: 'one notice', check: () => [notice] };
    const verdict = judge(ctxFor('devel', tailsTree()), [boom, quiet]);
    expect(verdict.conclusion).toBe('failure');
    expect(verdict.findings).toEqual([
      { rule: 'boom', severity: 'error', path: '.', message: 'rule boom could not decide: kaboom' },
      notice,
    ]);
  });

  it('passes a healthy repository with a non-default configuration', () => {
    const config = customConfig();
    expect(judge(ctxFor('main', customTree(), { config })).findings).toEqual([]);
    const verdict = judge(ctxFor('main', customTree({ packages: { archive: S, security: 'latest' } }), { config }));
    expect(verdict.conclusion).toBe('failure');
    expect(verdict.findings.map((f) => f.rule)).toEqual(['tracks-latest']);
  });
});

describe('every rule on hostile states', () => {
  const tree = tailsTree();
  const hostile: Record<string, Files> = {
    empty: {},
    healthy: tree,
    frozen: tailsTree({
      main: { debian: S, 'debian-security': S, torproject: 'latest' },
      builder: { debian: 'latest' },
    }),
    'syntax errors': tailsTree({
      main: { debian: 'junk', 'debian-security': '', torproject: `${S}\n${S}` },
      builder: { tails: '2021023001' },
    }),
    'special files': {
      ...tree,
      [`${MAIN}/debian/serial`]: { symlink: '/etc/passwd' },
      [`${MAIN}/torproject/serial`]: { submodule: true },
      [`${BUILDER}/debian/serial`]: { tooLarge: 1 << 30 },
      [`${BUILDER}/tails/serial`]: Buffer.from([0xff, 0xfe, 0]),
      'config/base_branch': { symlink: 'x' },
      'config/chroot_apt/preferences': Buffer.from([0, 1]),
      'debian/changelog': { tooLarge: 1 << 30 },
    },
    'files where directories belong': {
      [MAIN]: 'x',
      [BUILDER]: { symlink: '..' },
      'config/APT_overlays.d': 'x',
      'config/base_branch/x': 'devel',
    },
    'a released changelog with overlays and odd preferences': tailsTree({
      changelog: 'tails (4.19) unstable; urgency=medium\n',
      overlays: ['a', 'b'],
      preferences:
        'Explanation: freeze exception\n\n\nExplanation: freeze exception\nPin-Priority:\n  999\nPin-Priority: 5\n',
    }),
  };
  const branches = ['devel', 'testing', 'stable', 'feature/bookworm', 'feature/1234-foo'];
  const expiries = {
    [`debian/${S}`]: { ok: true as const, validUntil: new Date(Number.NaN) },
    [`debian-security/${S}`]: { ok: false as const, error: '' },
  };

  it.each(Object.keys(hostile))('never throws on %s', (name) => {
    const files = hostile[name] as Files;
    for (const branch of branches) {
      for (const other of Object.values(hostile)) {
        const ctx = ctxFor(branch, files, { base: { branch: 'testing', files: other }, before: other, expiries });
        for (const rule of RULES) {
          expect(() => rule.check(ctx)).not.toThrow();
          for (const finding of rule.check(ctx)) {
            expect(finding.rule).toBe(rule.id);
            expect(rule.severities).toContain(finding.severity);
            expect(finding.path).not.toBe('');
            expect(finding.message).not.toBe('');
          }
        }
      }
    }
  });
});
