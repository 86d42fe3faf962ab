import { fetchText } from '../../adapters/http/fetch-text.js';
import { isReady } from '../../adapters/http/readiness.js';
import { MANIFEST_MAX_BYTES } from '../../domain/build-manifest.js';
import type { ReleaseServices } from './services.js';

const MANIFEST_TIMEOUT_MS = 60_000;
const READINESS_TIMEOUT_MS = 15_000;

/** A forge's claims and tags, with what every forge shares: the manifests' and images' HTTP reads. */
export function releaseServices(
  parts: Pick<ReleaseServices, 'claims' | 'tags' | 'triggers' | 'watch'>,
): ReleaseServices {
  return {
    ...parts,
    fetchText: (url, redirectProblem) =>
      fetchText(url, {
        timeoutMs: MANIFEST_TIMEOUT_MS,
        maxBytes: MANIFEST_MAX_BYTES,
        ...(redirectProblem ? { redirectProblem } : {}),
      }),
    isReady: (url) => isReady(url, { timeoutMs: READINESS_TIMEOUT_MS }),
  };
}
