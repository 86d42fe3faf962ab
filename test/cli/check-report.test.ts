import { checkReport } from '../../src/cli/check-report.js';
import { defaultConfig } from '../../src/config/defaults.js';
import { evaluate } from '../../src/flow/evaluate.js';
import { readOnlyView } from '../../src/ports/repository.js';
import { MemoryReader } from '../helpers/memory-reader.js';
import { PATHS, tailsTree } from '../helpers/snapshot.js';

async function report(
  files: ReturnType<typeof tailsTree>,
  branch = 'devel',
  extra: { base?: ReturnType<typeof tailsTree>; before?: ReturnType<typeof tailsTree> } = {},
): Promise<string> {
  const reader = new MemoryReader({
    head: files,
    ...(extra.base ? { base: extra.base } : {}),
    ...(extra.before ? { before: extra.before } : {}),
  });
  const evaluation = await evaluate({
    repository: readOnlyView(reader),
    rev: 'head',
    branch,
    baseRev: extra.base ? 'base' : undefined,
    beforeRev: extra.before ? 'before' : undefined,
    rules: { kind: 'before-change', ...(extra.before ? { rev: 'before' } : {}), label: 'before' },
    defaults: defaultConfig(),
    now: new Date('2021-05-13T12:00:00Z'),
  });
  return checkReport(evaluation, 'HEAD', branch);
}

describe('checkReport', () => {
  it('says what it read and why a value is missing', async () => {
    const files = tailsTree({
      overlays: ['bullseye.list'],
      preferences:
        'Explanation: freeze exception (#1)\nPackage: a\nPin-Priority: 999\n\nExplanation: freeze exception (#2)\nPackage: b\nPin-Priority: -1\n',
    });
    files[`${PATHS.MAIN}/debian/serial`] = { symlink: 'x' };
    files[`${PATHS.MAIN}/torproject/serial`] = 'soon\n';
    files['config/base_branch'] = '';
    files['debian/changelog'] = 'garbage\n';
    const text = await report(files);
    expect(text).toContain('Base branch: ?  (config/base_branch is empty; it must name the base branch)\n');
    expect(text).toContain('Changelog:   ?  (debian/changelog first line "garbage" is not a changelog entry header');
    expect(text).toContain('Overlays:    bullseye.list\n');
    expect(text).toContain('Freeze exceptions: 2 (1 active)\n');
    expect(text).toContain(
      `    debian           ?  (${PATHS.MAIN}/debian/serial is a symbolic link to "x", not a regular file)\n`,
    );
    expect(text).toContain(
      `    torproject       ?  (${PATHS.MAIN}/torproject/serial "soon" is not a serial of the form YYYYMMDDNN)\n`,
    );
    expect(text).toMatch(/Conclusion: failure \(\d+ errors?, \d+ warnings?, \d+ notices?\)\n$/);
  });

  it('names a missing set and what the ref was compared with', async () => {
    const files = Object.fromEntries(Object.entries(tailsTree()).filter(([path]) => !path.startsWith(PATHS.BUILDER)));
    const text = await report(files, 'feature/1234-foo', { base: tailsTree(), before: tailsTree() });
    expect(text).toMatch(
      /^Checked HEAD = 1111111111 "head" \(2021-05-13\) as branch feature\/1234-foo\nCompared with base branch devel at 2222222222\nCompared with the state before the push at 3333333333\n/,
    );
    expect(text).toContain(`  builder (${PATHS.BUILDER}): missing\n`);
  });

  it('says when a set has no origins', async () => {
    const files = Object.fromEntries(
      Object.entries(tailsTree()).filter(
        ([path]) => !path.startsWith(`${PATHS.BUILDER}/`) || path.endsWith('.placeholder'),
      ),
    );
    expect(await report(files)).toContain(`  builder (${PATHS.BUILDER})\n    no origins\n`);
  });
});
