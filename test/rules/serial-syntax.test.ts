import { serialSyntax } from '../../src/rules/serial-syntax.js';
import { brief, ctxFor, CUSTOM, customConfig, customTree } from '../helpers/rule-context.js';
import { PATHS, tailsTree } from '../helpers/snapshot.js';

const { MAIN, BUILDER } = PATHS;

describe('serial-syntax', () => {
  it.each([
    [
      'a serial with counter 00',
      { main: { debian: '2021051300' } },
      `${MAIN}/debian/serial`,
      /debian in the main set \(config\/APT_snapshots\.d\) on devel: "2021051300" has counter 00/,
    ],
    [
      'junk',
      { main: { torproject: 'bookworm' } },
      `${MAIN}/torproject/serial`,
      /torproject .*"bookworm" is not a serial of the form YYYYMMDDNN/,
    ],
    [
      'two lines',
      { main: { debian: '2021051301\n2021051302' } },
      `${MAIN}/debian/serial`,
      /it has 2 lines; a serial file holds exactly one line/,
    ],
    ['an empty file', { main: { debian: '' } }, `${MAIN}/debian/serial`, /it is empty/],
    [
      'an impossible date',
      { builder: { tails: '2021023001' } },
      `${BUILDER}/tails/serial`,
      /tails in the builder set .*impossible date/,
    ],
    ['a capitalised Latest', { builder: { debian: 'Latest' } }, `${BUILDER}/debian/serial`, /"Latest" is not a serial/],
  ])('reports %s', (_name, tree, path, message) => {
    const findings = serialSyntax.check(ctxFor('devel', tailsTree(tree)));
    expect(findings.map(brief)).toEqual([
      { rule: 'serial-syntax', severity: 'error', path, line: undefined, fix: undefined },
    ]);
    expect(findings[0]?.message).toMatch(message);
    expect(findings[0]?.hint).toMatch(/latest.*YYYYMMDDNN/);
  });

  it.each([
    ['all latest', {}],
    ['valid serials', { main: { debian: '2021051301', 'debian-security': 'latest', torproject: '2020022999' } }],
  ])('accepts %s', (_name, tree) => {
    expect(serialSyntax.check(ctxFor('devel', tailsTree(tree)))).toEqual([]);
  });

  it('leaves files that are not text to snapshot-layout', () => {
    const files = { ...tailsTree(), [`${MAIN}/debian/serial`]: { symlink: '../torproject/serial' } };
    expect(serialSyntax.check(ctxFor('devel', files))).toEqual([]);
  });

  it('reports one finding per bad file', () => {
    const findings = serialSyntax.check(
      ctxFor('testing', tailsTree({ main: { debian: 'x', torproject: 'y', 'debian-security': 'latest' } })),
    );
    expect(findings.map((f) => f.path)).toEqual([`${MAIN}/debian/serial`, `${MAIN}/torproject/serial`]);
  });

  it('names the sets and branch of a non-default configuration', () => {
    const findings = serialSyntax.check(
      ctxFor('main', customTree({ packages: { archive: 'garbage' } }), { config: customConfig() }),
    );
    expect(findings.map(brief)).toEqual([
      {
        rule: 'serial-syntax',
        severity: 'error',
        path: `${CUSTOM.PACKAGES}/archive/serial`,
        line: undefined,
        fix: undefined,
      },
    ]);
    expect(findings[0]?.message).toMatch(/archive in the packages set \(apt\/snapshots\) on main: "garbage"/);
  });
});
