import { snapshotLayout } from '../../src/rules/snapshot-layout.js';
import { brief, ctxFor, CUSTOM, customConfig, customTree, without, type Files } from '../helpers/rule-context.js';
import { PATHS, tailsTree } from '../helpers/snapshot.js';

const { MAIN, BUILDER } = PATHS;
const SERIAL = `${MAIN}/debian/serial`;

function withSerial(entry: Files[string]): Files {
  return { ...without(tailsTree(), `${MAIN}/debian`), [SERIAL]: entry };
}

describe('snapshot-layout', () => {
  it.each<[string, Files, string, 'error' | 'warning', RegExp]>([
    [
      'a missing set',
      without(tailsTree(), BUILDER),
      BUILDER,
      'error',
      /^The builder set \(vagrant\/.*\) is missing on devel: there is no vagrant\//,
    ],
    [
      'a set that is a file',
      { ...without(tailsTree(), MAIN), [MAIN]: 'debian: latest\n' },
      MAIN,
      'error',
      /config\/APT_snapshots\.d is not a directory on devel; it must hold the main set/,
    ],
    [
      'a set with no origins',
      tailsTree({ main: {} }),
      MAIN,
      'error',
      /^The main set \(config\/APT_snapshots\.d\) has no origins on devel/,
    ],
    [
      'a symlinked serial',
      withSerial({ symlink: '../torproject/serial' }),
      SERIAL,
      'error',
      /Origin debian in the main set .*has no usable serial file on devel: .*serial is a symbolic link to "\.\.\/torproject\/serial"/,
    ],
    [
      'a serial that is a directory',
      { ...without(tailsTree(), `${MAIN}/debian`), [`${SERIAL}/x`]: 'latest\n' },
      SERIAL,
      'error',
      /is a directory, not a file/,
    ],
    ['a serial that is a submodule', withSerial({ submodule: true }), SERIAL, 'error', /is a Git submodule/],
    ['a binary serial', withSerial(Buffer.from([0x32, 0x00, 0x31])), SERIAL, 'error', /is binary \(3 bytes\)/],
    ['a huge serial', withSerial({ tooLarge: 5_000_000 }), SERIAL, 'error', /is 5000000 bytes, far too large/],
    [
      'an origin without serial',
      { ...without(tailsTree(), `${MAIN}/debian`), [`${MAIN}/debian/README`]: 'x' },
      `${MAIN}/debian`,
      'error',
      /config\/APT_snapshots\.d\/debian\/serial is missing/,
    ],
    [
      'a stray file',
      { ...tailsTree(), [`${MAIN}/README`]: 'notes' },
      `${MAIN}/README`,
      'warning',
      /config\/APT_snapshots\.d\/README is a file at the root of the main set .*only origin directories and \.placeholder/,
    ],
    [
      'a stray symlink',
      { ...tailsTree(), [`${BUILDER}/debian-old`]: { symlink: 'debian' } },
      `${BUILDER}/debian-old`,
      'warning',
      /is a symbolic link at the root of the builder set/,
    ],
  ])('reports %s', (_name, files, path, severity, message) => {
    const findings = snapshotLayout.check(ctxFor('devel', files));
    expect(findings.map(brief)).toEqual([{ rule: 'snapshot-layout', severity, path, line: undefined, fix: undefined }]);
    expect(findings[0]?.message).toMatch(message);
    expect(findings[0]?.hint).toBeTruthy();
  });

  it.each<[string, Files]>([
    ['a Tails tree', tailsTree()],
    [
      'serials with syntax errors (serial-syntax reports them)',
      tailsTree({ main: { debian: 'junk', 'debian-security': '' } }),
    ],
    ['a set without .placeholder', without(tailsTree(), `${MAIN}/.placeholder`)],
  ])('accepts %s', (_name, files) => {
    expect(snapshotLayout.check(ctxFor('devel', files))).toEqual([]);
  });

  it('reports every broken origin of a set', () => {
    const files = {
      ...tailsTree(),
      [`${MAIN}/debian/serial`]: { symlink: 'x' },
      [`${MAIN}/torproject/serial`]: { submodule: true as const },
    };
    expect(snapshotLayout.check(ctxFor('testing', files)).map((f) => f.path)).toEqual([
      `${MAIN}/debian/serial`,
      `${MAIN}/torproject/serial`,
    ]);
  });

  it('uses the directories of a non-default configuration', () => {
    const findings = snapshotLayout.check(ctxFor('main', without(customTree(), CUSTOM.VM), { config: customConfig() }));
    expect(findings.map(brief)).toEqual([
      { rule: 'snapshot-layout', severity: 'error', path: CUSTOM.VM, line: undefined, fix: undefined },
    ]);
    expect(findings[0]?.message).toMatch(/^The vm set \(ci\/vm-snapshots\) is missing on main/);
    expect(
      snapshotLayout
        .check(ctxFor('main', without(tailsTree(), BUILDER), { config: customConfig() }))
        .map((f) => f.path),
    ).toEqual([CUSTOM.PACKAGES, CUSTOM.VM]);
  });
});
