import { shownUrl } from './fetch-text.js';

/**
 * Whether `url` answers 200: the released images are in the ISO history.
 * Anything else (404, a redirect to a login page that is not 200…) is "not
 * yet"; only a failure to ask at all throws.
 */
export async function isReady(url: URL, options: { timeoutMs: number; fetch?: typeof fetch }): Promise<boolean> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    const response = await (options.fetch ?? fetch)(url, { signal: controller.signal, redirect: 'follow' });
    await response.body?.cancel();
    return response.status === 200;
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
