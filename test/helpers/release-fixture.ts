import { tailsTree } from './snapshot.js';

/** The serial the release's frozen origins pin. */
export const RELEASE_SERIAL = '2021051301';

/** A changelog whose top entry releases 4.19~rc1. */
export const RELEASED_CHANGELOG =
  'tails (4.19~rc1) unstable; urgency=medium\n\n  * Release.\n\n -- Tails developers <tails@boum.org>  Thu, 13 May 2021 12:18:48 +0200\n';

/** A testing branch frozen for 4.19~rc1, ready to tag. */
export const RELEASE_TREE = tailsTree({
  baseBranch: 'testing',
  main: { debian: RELEASE_SERIAL, 'debian-security': 'latest', torproject: RELEASE_SERIAL },
  builder: { debian: RELEASE_SERIAL, 'debian-security': RELEASE_SERIAL, tails: RELEASE_SERIAL },
  changelog: RELEASED_CHANGELOG,
}) as Record<string, string>;

/** The build manifest of that release: the references its images were built from. */
export const RELEASE_MANIFEST = `origin_references:
  - { origin: debian, reference: '${RELEASE_SERIAL}' }
  - { origin: debian-security, reference: '2021051302' }
  - { origin: torproject, reference: '${RELEASE_SERIAL}' }
packages:
  binary: [{ package: tor, version: '0.4.5.8-1~d10.buster+1', arch: amd64 }]
  source: [{ package: tor, version: '0.4.5.8-1~d10.buster+1' }]
`;
