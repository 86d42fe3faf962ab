import type { BuildManifest } from '../../domain/build-manifest.js';
import type { Finding } from '../../domain/finding.js';
import { findSet } from '../../domain/state.js';
import { listWords } from '../sets.js';
import type { ReleaseContext, ReleaseRule } from './types.js';

/**
 * The serials a build manifest says the build used, against what Git pins
 * at the tag: tagging snapshots from a manifest that disagrees would keep
 * the wrong packages for years.
 */
function compare(ctx: ReleaseContext, source: string, manifest: BuildManifest): Finding[] {
  const set = findSet(ctx.state, ctx.config.release.manifest_set);
  if (!set) return [];
  if (set.presence !== 'dir') {
    // No origin is pinned, so every origin the manifest names is one Git lacks; release-frozen reports the set itself.
    const named = [...manifest.serials.keys()];
    if (named.length === 0) return [];
    return [
      {
        rule: buildManifest.id,
        severity: 'error',
        path: set.config.dir,
        message: `The build manifest ${source} names ${listWords(named)}, but ${set.config.dir} is not a directory at the tag ${ctx.tag}: the manifest is not of this release's build.`,
        hint: 'Use the manifest of the build of this very commit.',
      },
    ];
  }
  const findings: Finding[] = [];
  const add = (severity: Finding['severity'], path: string, message: string, hint: string) =>
    findings.push({ rule: buildManifest.id, severity, path, message, hint });
  const known = new Set(set.origins.map((o) => o.origin));
  for (const origin of set.origins) {
    const used = manifest.serials.get(origin.origin);
    if (origin.value?.kind === 'serial') {
      if (used === undefined) {
        add(
          'error',
          origin.path,
          `The build manifest ${source} does not say which ${origin.origin} snapshot the build used, while Git pins ${origin.value.serial} at the tag ${ctx.tag}.`,
          'Use the manifest of the build of this very commit.',
        );
      } else if (used !== origin.value.serial) {
        add(
          'error',
          origin.path,
          `The build manifest ${source} says ${origin.origin} came from snapshot ${used}, but Git pins ${origin.value.serial} at the tag ${ctx.tag}: the manifest is not of this release's build.`,
          'Use the manifest of the build of this very commit, or rebuild it.',
        );
      }
    } else if (origin.value?.kind === 'latest') {
      if (used === undefined) {
        add(
          'error',
          origin.path,
          `The build manifest ${source} does not say which ${origin.origin} snapshot the build resolved latest to: the release's ${origin.origin} packages could not be tagged.`,
          'Use the manifest the build wrote, which names the serial of every origin.',
        );
      } else {
        add(
          'notice',
          origin.path,
          `${origin.origin} is latest at the tag ${ctx.tag}; the build used snapshot ${used}, which is what gets tagged.`,
          `Nothing to do: ${origin.origin} is a freeze exception.`,
        );
      }
    }
  }
  const extra = [...manifest.serials.keys()].filter((o) => !known.has(o));
  if (extra.length > 0) {
    add(
      'error',
      set.config.dir,
      `The build manifest ${source} names ${listWords(extra)}, which ${set.config.dir} does not have at the tag ${ctx.tag}: the manifest is not of this release's build.`,
      'Use the manifest of the build of this very commit.',
    );
  }
  return findings;
}

export const buildManifest: ReleaseRule = {
  id: 'build-manifest',
  severities: ['error', 'notice'],
  description:
    "The release's build manifest agrees with Git: every pinned origin built from exactly its serial, no origin Git lacks, and the serial each `latest` origin resolved to.",
  needsManifest: true,
  check(ctx) {
    const given = ctx.manifest;
    if (!given) return [];
    if (!given.manifest.ok) {
      return [
        {
          rule: buildManifest.id,
          severity: 'error',
          path: given.source,
          message: `The build manifest cannot be used: ${given.manifest.error}`,
          hint: 'Give the .build-manifest file the release build wrote.',
        },
      ];
    }
    return compare(ctx, given.source, given.manifest.value);
  },
};
