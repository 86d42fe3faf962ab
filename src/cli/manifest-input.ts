import { resolve } from 'node:path';
import { fetchText, parseHttpUrl } from '../adapters/http/fetch-text.js';
import { MANIFEST_MAX_BYTES, parseBuildManifest } from '../domain/build-manifest.js';
import { errorMessage, ReadError, UsageError } from '../errors.js';
import type { ManifestInput } from '../rules/release/types.js';
import { readBoundedFile } from './bounded-file.js';

/** A build manifest the command line read, and where it was named. */
export interface ManifestRead {
  /** What was read, parsed or not: a manifest that is not one is a finding, not bad usage. */
  input: ManifestInput;
  /** Its URL, which the tag-apt-snapshots job fetches it from; absent for a file, which has none. */
  url?: string;
  /** Where the command was told of it: `--manifest`, or the configuration's template. */
  from: string;
}

export interface ManifestReadOptions {
  cwd: string;
  /** Covers the whole answer: the snapshot server's timeout. */
  timeoutMs: number;
}

/** `scheme://…` is a URL; anything else is a file, as curl and git take them. */
export function isUrl(given: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(given);
}

/**
 * Reads a build manifest from a file or an http(s) URL, bounded in size
 * (and, for a URL, in time). One that cannot be read at all is input the
 * command lacks (exit 2); one that is read but is not a manifest is for
 * the build-manifest rule to report.
 * @param from how messages name where it was given: `--manifest`, `jobs.tag-apt-snapshots.manifest_url of --config FILE`
 * @throws UsageError for an empty value or a URL that is not http(s); ReadError when it cannot be read
 */
export async function readManifest(given: string, from: string, options: ManifestReadOptions): Promise<ManifestRead> {
  if (given === '') throw new UsageError(`${from} must not be empty`);
  if (isUrl(given)) {
    let url: URL;
    try {
      url = parseHttpUrl(given);
    } catch (error) {
      throw new UsageError(`${from}: ${errorMessage(error)}`);
    }
    let text: string;
    try {
      text = await fetchText(url, { timeoutMs: options.timeoutMs, maxBytes: MANIFEST_MAX_BYTES });
    } catch (error) {
      throw new ReadError(`cannot read the build manifest ${errorMessage(error)} (${from})`, { cause: error });
    }
    return { input: { source: url.href, manifest: parseBuildManifest(text, url.href) }, url: url.href, from };
  }
  let text: string;
  try {
    text = await readBoundedFile(resolve(options.cwd, given), MANIFEST_MAX_BYTES, 'more than a build manifest can be');
  } catch (error) {
    // Duck-typed: the file system's errors may come from another realm (Jest's VM) than this Error.
    const why = (error as { message?: unknown }).message;
    throw new ReadError(
      `cannot read the build manifest ${given}: ${typeof why === 'string' ? why : errorMessage(error)} (${from})`,
      { cause: error },
    );
  }
  return { input: { source: given, manifest: parseBuildManifest(text, given) }, from };
}
