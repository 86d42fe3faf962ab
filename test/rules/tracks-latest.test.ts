import { tracksLatest } from '../../src/rules/tracks-latest.js';
import { brief, ctxFor, CUSTOM, customConfig, customTree } from '../helpers/rule-context.js';
import { PATHS, tailsTree, type TailsTreeOptions } from '../helpers/snapshot.js';

const { MAIN } = PATHS;

describe('tracks-latest', () => {
  it('reports devel left frozen, one finding per pinned origin', () => {
    const findings = tracksLatest.check(
      ctxFor(
        'devel',
        tailsTree({ main: { debian: '2021051301', 'debian-security': '2021051302', torproject: 'latest' } }),
      ),
    );
    expect(findings.map(brief)).toEqual([
      { rule: 'tracks-latest', severity: 'error', path: `${MAIN}/debian/serial`, line: undefined, fix: 'thaw' },
      {
        rule: 'tracks-latest',
        severity: 'error',
        path: `${MAIN}/debian-security/serial`,
        line: undefined,
        fix: 'thaw',
      },
    ]);
    expect(findings[0]?.message).toMatch(
      /^devel was left frozen: debian in the main set \(config\/APT_snapshots\.d\) is pinned to 2021051301, but a development branch tracks latest/,
    );
    expect(findings[0]?.message).toMatch(/release branch was merged/);
    expect(findings[0]?.hint).toMatch(/Thaw devel: write `latest` into every serial file of the main set/);
  });

  it.each<[string, string, TailsTreeOptions]>([
    ['devel all latest, builder pinned', 'devel', {}],
    [
      'a frozen testing',
      'testing',
      { main: { debian: '2021051301', torproject: '2021051301', 'debian-security': 'latest' } },
    ],
    ['a frozen topic branch of testing', 'bugfix/1-x', { baseBranch: 'testing', main: { debian: '2021051301' } }],
    ['a port frozen for a sprint', 'feature/bookworm', { main: { debian: '2021051301' } }],
    ['an unreadable serial on devel', 'devel', { main: { debian: '20210513' } }],
  ])('accepts %s', (_name, branch, tree) => {
    expect(tracksLatest.check(ctxFor(branch, tailsTree(tree)))).toEqual([]);
  });

  it('follows the configured development branch and sets', () => {
    const config = customConfig();
    const frozen = customTree({ packages: { archive: '2023010101', security: 'latest' } });
    const findings = tracksLatest.check(ctxFor('main', frozen, { config }));
    expect(findings.map(brief)).toEqual([
      {
        rule: 'tracks-latest',
        severity: 'error',
        path: `${CUSTOM.PACKAGES}/archive/serial`,
        line: undefined,
        fix: 'thaw',
      },
    ]);
    expect(findings[0]?.message).toMatch(
      /^main was left frozen: archive in the packages set \(apt\/snapshots\) is pinned to 2023010101/,
    );
    expect(tracksLatest.check(ctxFor('devel', frozen, { config }))).toEqual([]);
  });
});
