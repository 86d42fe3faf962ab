import { shownUrl } from './fetch-text.js';

const MAX_REDIRECTS = 5;

/**
 * Whether `url` answers 200: the released images are in the ISO history.
 * Redirects are followed on the same origin only (a directory's missing
 * slash); one elsewhere (a login page that answers 200) and anything but
 * 200 are "not yet". Only a failure to ask at all throws.
 */
export async function isReady(url: URL, options: { timeoutMs: number; fetch?: typeof fetch }): Promise<boolean> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    let at = url;
    for (let hops = 0; hops <= MAX_REDIRECTS; hops += 1) {
      const response = await (options.fetch ?? fetch)(at, { signal: controller.signal, redirect: 'manual' });
      await response.body?.cancel();
      const location = response.headers.get('location');
      if (response.status < 300 || response.status > 399 || location === null) return response.status === 200;
      const next = new URL(location, at);
      if (next.origin !== url.origin) return false;
      at = next;
    }
    return false;
  } catch (error) {
    throw new Error(
      `${shownUrl(url)}: ${controller.signal.aborted ? `no answer within ${options.timeoutMs} ms` : (error as Error).message}`,
      {
        cause: error,
      },
    );
  } finally {
    clearTimeout(timer);
  }
}
