import { z } from 'zod';
import { formatField, parseYaml } from '../config/load.js';
import { compareDebianVersions, compareVersionStrings, parseDebianVersion } from './debian-version.js';
import { ORIGIN_NAME_RE } from './origin.js';
import { parseSerial, type ParseResult, type Serial } from './serial.js';

/**
 * What a release build used, from its `.build-manifest`: the serial each
 * origin resolved to, and every binary and source package with its version.
 */
export interface BuildManifest {
  /** Origin → the serial the build used, in the manifest's order. */
  serials: Map<string, Serial>;
  binary: ManifestPackage[];
  source: ManifestPackage[];
}

export interface ManifestPackage {
  package: string;
  version: string;
  arch?: string;
}

/**
 * What a wrong URL can make the bot read. Tails' manifests list a few
 * thousand packages, far below; parsing 4 MiB of manifest (55,000 packages)
 * takes some 3 s and 240 MB of heap, which the app pays on its event loop.
 */
export const MANIFEST_MAX_BYTES = 4 * 1024 * 1024;

const packageSchema = z.object({
  package: z.string().min(1),
  version: z.string().min(1),
  arch: z.string().min(1).optional(),
});

const manifestSchema = z.object({
  origin_references: z
    .array(
      z.object({
        origin: z.string().regex(ORIGIN_NAME_RE, 'is not an origin name'),
        // YAML reads an unquoted 2021051301 as a number.
        reference: z.union([z.string(), z.number().int()]).transform(String),
      }),
    )
    .min(1),
  packages: z.object({ binary: z.array(packageSchema), source: z.array(packageSchema) }),
});

/**
 * Parses a build manifest, naming the field of the first problems found: a
 * manifest that says something else than it seems would tag the wrong
 * snapshots.
 */
export function parseBuildManifest(text: string, where: string): ParseResult<BuildManifest> {
  const yaml = parseYaml(text, where);
  if (!yaml.ok) return { ok: false, error: yaml.problems.map((p) => `${where}: ${p.message}`).join('; ') };
  const result = manifestSchema.safeParse(yaml.value);
  if (!result.success) {
    const problems = result.error.issues
      .slice(0, 3)
      .map((issue) => `${formatField(issue.path) || 'the document'}: ${issue.message}`);
    return { ok: false, error: `${where} is not a build manifest: ${problems.join('; ')}` };
  }
  const serials = new Map<string, Serial>();
  for (const [i, ref] of result.data.origin_references.entries()) {
    const serial = parseSerial(ref.reference);
    if (!serial.ok) return { ok: false, error: `${where}: origin_references[${i}].reference ${serial.error}` };
    if (serials.has(ref.origin)) {
      return { ok: false, error: `${where}: origin_references names ${ref.origin} twice` };
    }
    serials.set(ref.origin, serial.value);
  }
  const strip = (p: z.infer<typeof packageSchema>): ManifestPackage =>
    p.arch === undefined ? { package: p.package, version: p.version } : p;
  return {
    ok: true,
    value: { serials, binary: result.data.packages.binary.map(strip), source: result.data.packages.source.map(strip) },
  };
}

export interface PackageChange {
  package: string;
  arch?: string;
  from?: string;
  to?: string;
}

export interface PackageChanges {
  added: PackageChange[];
  removed: PackageChange[];
  upgraded: PackageChange[];
  downgraded: PackageChange[];
}

export interface ManifestChanges {
  /** Origins whose serial changed, appeared or went away. */
  serials: { origin: string; from?: Serial; to?: Serial }[];
  binary: PackageChanges;
  source: PackageChanges;
}

function keyOf(p: ManifestPackage): string {
  return p.arch === undefined ? p.package : `${p.package}:${p.arch}`;
}

function packageChanges(before: readonly ManifestPackage[], after: readonly ManifestPackage[]): PackageChanges {
  const old = new Map(before.map((p) => [keyOf(p), p]));
  const now = new Map(after.map((p) => [keyOf(p), p]));
  const changes: PackageChanges = { added: [], removed: [], upgraded: [], downgraded: [] };
  const named = (p: ManifestPackage) =>
    p.arch === undefined ? { package: p.package } : { package: p.package, arch: p.arch };
  for (const key of [...new Set([...old.keys(), ...now.keys()])].sort()) {
    const a = old.get(key);
    const b = now.get(key);
    if (a && !b) changes.removed.push({ ...named(a), from: a.version });
    else if (!a && b) changes.added.push({ ...named(b), to: b.version });
    else if (a && b && a.version !== b.version) {
      const [pa, pb] = [parseDebianVersion(a.version), parseDebianVersion(b.version)];
      const order =
        pa.ok && pb.ok ? compareDebianVersions(pa.value, pb.value) : compareVersionStrings(a.version, b.version);
      // Written differently but equal to dpkg (1.0 and 0:1.0): the same package, no change.
      if (order !== 0)
        (order < 0 ? changes.upgraded : changes.downgraded).push({ ...named(b), from: a.version, to: b.version });
    }
  }
  return changes;
}

/** What changed from the previous release's manifest to this one's, packages ordered by Debian version. */
export function manifestChanges(previous: BuildManifest, current: BuildManifest): ManifestChanges {
  const origins = [...new Set([...previous.serials.keys(), ...current.serials.keys()])].sort();
  const serials = origins.flatMap((origin) => {
    const from = previous.serials.get(origin);
    const to = current.serials.get(origin);
    if (from === to) return [];
    return [{ origin, ...(from ? { from } : {}), ...(to ? { to } : {}) }];
  });
  return {
    serials,
    binary: packageChanges(previous.binary, current.binary),
    source: packageChanges(previous.source, current.source),
  };
}
