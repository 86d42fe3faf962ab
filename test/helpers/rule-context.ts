import { applyConfigOverride } from '../../src/config/load.js';
import { defaultConfig } from '../../src/config/defaults.js';
import type { Config } from '../../src/config/schema.js';
import type { Finding } from '../../src/domain/finding.js';
import type { Expiry, RuleContext } from '../../src/rules/types.js';
import { fakeState, type FakeEntry } from './snapshot.js';

export type Files = Record<string, FakeEntry>;

/** The clock of every rule test: 2021-05-13 12:00 UTC. */
export const NOW = new Date('2021-05-13T12:00:00Z');

export interface CtxOptions {
  config?: Config;
  /** `forkPoint`: the files where the branch forked from its base (their merge base). */
  base?: { branch: string; files: Files; forkPoint?: Files };
  before?: Files;
  /** Keyed by expiryKey(origin, serial); given means "online". */
  expiries?: Record<string, Expiry>;
  now?: Date;
}

/** A RuleContext judging `files` as `branch`, states built with the same config. */
export function ctxFor(branch: string, files: Files, opts: CtxOptions = {}): RuleContext {
  const config = opts.config ?? defaultConfig();
  return {
    branch,
    config,
    state: fakeState(files, config),
    ...(opts.base
      ? {
          base: {
            branch: opts.base.branch,
            state: fakeState(opts.base.files, config),
            ...(opts.base.forkPoint ? { forkPoint: fakeState(opts.base.forkPoint, config) } : {}),
          },
        }
      : {}),
    ...(opts.before ? { before: fakeState(opts.before, config) } : {}),
    ...(opts.expiries ? { facts: { expiries: new Map(Object.entries(opts.expiries)) } } : {}),
    now: opts.now ?? NOW,
  };
}

/** The fields most assertions compare, without message and hint. */
export function brief(f: Finding): Pick<Finding, 'rule' | 'severity' | 'path' | 'line' | 'fix'> {
  return { rule: f.rule, severity: f.severity, path: f.path, line: f.line, fix: f.fix };
}

/**
 * A repository that is not Tails: development branch `main`, release
 * branches `release` and `lts` (always frozen), freeze exception `security`,
 * and every path moved, so tests prove nothing is hard-coded.
 */
const CUSTOM_YAML = `
branches:
  base: [main, release, lts]
  development: [main]
  release: [release, lts]
  always_frozen: [lts]
  port_pattern: '^port/[a-z]+$'
snapshot_sets:
  - name: packages
    dir: apt/snapshots
    freeze_exceptions: [security]
    thaws: true
  - name: vm
    dir: ci/vm-snapshots
    freeze_exceptions: []
    thaws: false
paths:
  base_branch: meta/base-branch
  changelog: packaging/changelog
  overlays: apt/overlays
  apt_preferences: apt/preferences
freeze_exception:
  explanation_prefix: hotfix
snapshot_server:
  dists: { archive: bookworm, security: bookworm-security }
  expiry_warning_days: 7
release:
  manifest_set: packages
`;

let custom: Config | undefined;

export function customConfig(): Config {
  if (custom) return custom;
  const result = applyConfigOverride(defaultConfig(), CUSTOM_YAML, 'custom test config');
  if (!result.ok) throw new Error(`invalid custom test config: ${JSON.stringify(result.problems)}`);
  custom = result.config;
  return custom;
}

export const CUSTOM = {
  PACKAGES: 'apt/snapshots',
  VM: 'ci/vm-snapshots',
  BASE_BRANCH: 'meta/base-branch',
  OVERLAYS: 'apt/overlays',
  PREFERENCES: 'apt/preferences',
} as const;

export interface CustomTreeOptions {
  baseBranch?: string;
  packages?: Record<string, string>;
  vm?: Record<string, string>;
  changelog?: string;
  overlays?: string[];
  preferences?: string;
}

/** A tree shaped by customConfig(); serial values get a trailing newline. */
export function customTree(options: CustomTreeOptions = {}): Files {
  const files: Files = {
    [CUSTOM.BASE_BRANCH]: `${options.baseBranch ?? 'main'}\n`,
    'packaging/changelog':
      options.changelog ??
      'app (2.0) UNRELEASED; urgency=medium\n\n  * Entry.\n\n -- RM <rm@example.org>  Thu, 13 May 2021 10:00:00 +0200\n',
    [`${CUSTOM.OVERLAYS}/`]: '',
    [CUSTOM.PREFERENCES]: options.preferences ?? 'Package: foo\nPin: release o=Debian\nPin-Priority: 999\n',
  };
  const packages = options.packages ?? { archive: 'latest', extras: 'latest', security: 'latest' };
  for (const [origin, serial] of Object.entries(packages)) files[`${CUSTOM.PACKAGES}/${origin}/serial`] = `${serial}\n`;
  const vm = options.vm ?? { archive: '2023010101', extras: '2023010101' };
  for (const [origin, serial] of Object.entries(vm)) files[`${CUSTOM.VM}/${origin}/serial`] = `${serial}\n`;
  for (const name of options.overlays ?? []) files[`${CUSTOM.OVERLAYS}/${name}`] = 'deb http://example.org/ foo main\n';
  return files;
}

/** `files` without the entries under `dir`. */
export function without(files: Files, dir: string): Files {
  return Object.fromEntries(Object.entries(files).filter(([path]) => path !== dir && !path.startsWith(`${dir}/`)));
}
