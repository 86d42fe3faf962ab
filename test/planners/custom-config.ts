import { applyConfigOverride } from '../../src/config/load.js';
import { defaultConfig } from '../../src/config/defaults.js';
import type { Config } from '../../src/config/schema.js';
import type { FakeEntry } from '../helpers/snapshot.js';

/**
 * A repository that is not Tails: other set names, directories, exceptions,
 * preferences path, changelog path, explanation prefix and server, to prove
 * that the planners hard-code none of Tails' names.
 */
const OVERRIDE = `
branches:
  base: [trunk, rc]
  development: [trunk]
  release: [rc]
  always_frozen: []
snapshot_sets:
  - name: chroot
    dir: build/apt/serials
    freeze_exceptions: [security, updates]
    thaws: true
  - name: vm
    dir: vm/serials
    freeze_exceptions: []
    thaws: false
  - name: extra
    dir: extra/serials
    freeze_exceptions: []
    thaws: true
paths:
  apt_preferences: build/apt/preferences
  changelog: changes/changelog
freeze_exception:
  explanation_prefix: "FE:"
snapshot_server:
  url: http://snapshots.example.org/
release:
  manifest_set: chroot
`;

function customConfig(): Config {
  const result = applyConfigOverride(defaultConfig(), OVERRIDE, 'custom.yml');
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

export const CUSTOM_CONFIG = customConfig();

export const CUSTOM = {
  CHROOT: 'build/apt/serials',
  VM: 'vm/serials',
  EXTRA: 'extra/serials',
  PREFS: 'build/apt/preferences',
  CHANGELOG: 'changes/changelog',
} as const;

export interface CustomTreeOptions {
  chroot?: Record<string, string>;
  vm?: Record<string, string>;
  extra?: Record<string, string>;
  preferences?: string;
  changelog?: string;
}

/** Serial values are written with a trailing newline. */
export function customTree(options: CustomTreeOptions = {}): Record<string, FakeEntry> {
  const files: Record<string, FakeEntry> = {
    [CUSTOM.CHANGELOG]:
      options.changelog ??
      'distro (7.1~rc2) UNRELEASED; urgency=low\n\n  * Entry.\n\n -- RM <rm@example.org>  Thu, 13 May 2021 10:00:00 +0200\n',
    [CUSTOM.PREFS]:
      options.preferences ??
      'Explanation: FE: kernel\nPackage: linux-*\nPin: origin apt.example.org\nPin-Priority: 990\n\nExplanation: freeze exception (#1), not with this prefix\nPackage: foo\nPin: origin apt.example.org\nPin-Priority: 999\n',
    // Tails' paths hold junk that must be ignored under this configuration.
    'config/APT_snapshots.d/debian/serial': '2021010101\n',
    'config/chroot_apt/preferences': 'Explanation: freeze exception\nPackage: x\nPin-Priority: 999\n',
  };
  const sets: [string, Record<string, string>][] = [
    [CUSTOM.CHROOT, options.chroot ?? { base: '2021050101', security: 'latest', updates: 'latest' }],
    [CUSTOM.VM, options.vm ?? { base: '2021040101', security: '2021040102' }],
    [CUSTOM.EXTRA, options.extra ?? { tools: '2021050102' }],
  ];
  for (const [dir, origins] of sets)
    for (const [origin, serial] of Object.entries(origins)) files[`${dir}/${origin}/serial`] = `${serial}\n`;
  return files;
}
