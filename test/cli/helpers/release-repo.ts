import { tailsTree, type TailsTreeOptions } from '../../helpers/snapshot.js';
import type { FakeEntry } from '../../helpers/snapshot.js';

/** What Git pins at the release in these tests: the main set frozen but for its freeze exception. */
export const MAIN = { debian: '2021070601', 'debian-security': 'latest', torproject: '2021062201' };
export const BUILDER = { debian: '2021051301', 'debian-security': '2021051301', tails: '2021051301' };

/** "Mon, 12 Jul 2021 13:50:41 +0200" is SOURCE_DATE_EPOCH 1626090641, as for the real Tails 4.20. */
export const EPOCH = '1626090641';

export function releasedChangelog(version: string, distribution = 'unstable'): string {
  return `tails (${version}) ${distribution}; urgency=medium\n\n  * Release.\n\n -- RM <rm@example.org>  Mon, 12 Jul 2021 13:50:41 +0200\n`;
}

/** A Tails tree released as `version` (4.20 by default) from testing. */
export function releaseTree(options: TailsTreeOptions & { version?: string } = {}): Record<string, FakeEntry> {
  const { version = '4.20', ...tree } = options;
  return tailsTree({
    baseBranch: 'testing',
    main: MAIN,
    builder: BUILDER,
    changelog: releasedChangelog(version),
    ...tree,
  });
}

/** A .build-manifest: `serials` as origin_references, packages as `name=version` (binary ones for amd64). */
export function manifestYaml(
  serials: Record<string, string>,
  binary: readonly string[] = [],
  source: readonly string[] = [],
): string {
  const entry = (spec: string, arch: string | undefined) => {
    const [name, version] = spec.split('=') as [string, string];
    return `    - { package: ${name}, version: '${version}'${arch === undefined ? '' : `, arch: ${arch}`} }`;
  };
  return [
    'origin_references:',
    ...Object.entries(serials).map(([origin, reference]) => `  - origin: ${origin}\n    reference: '${reference}'`),
    'packages:',
    `  binary:${binary.length === 0 ? ' []' : ''}`,
    ...binary.map((p) => entry(p, 'amd64')),
    `  source:${source.length === 0 ? ' []' : ''}`,
    ...source.map((p) => entry(p, undefined)),
    '',
  ].join('\n');
}

/** The manifest of a build of releaseTree(): debian-security resolved `latest` to this serial. */
export const MANIFEST = manifestYaml(
  { ...MAIN, 'debian-security': '2021071102' },
  ['tor=0.4.6.5-1', 'thunderbird=1:78.11.0-1'],
  ['tor=0.4.6.5-1'],
);
