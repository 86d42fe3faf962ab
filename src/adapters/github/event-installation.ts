import type { Octokit } from '@octokit/core';

interface EventAuthOptions {
  type: 'event-octokit';
  event: { payload?: { installation?: { id?: unknown } | null } | null };
}

function isEventAuth(options: unknown): options is EventAuthOptions {
  return typeof options === 'object' && options !== null && (options as { type?: unknown }).type === 'event-octokit';
}

const isInstallationId = (id: unknown): boolean => Number.isSafeInteger(id) && (id as number) > 0;

/**
 * An Octokit plugin for the app-level client Probot receives webhooks
 * with. Before any handler runs, Probot asks it for the webhook's client
 * (`auth({ type: 'event-octokit', event })`), authenticated as the
 * payload's `installation.id`; an id that is not a positive integer ("x",
 * {}, -1…) made @octokit/auth-app throw ("installationId option is
 * required") and a correctly signed webhook fail with 500. Such an event
 * gets the client of an event without installation instead (it refuses
 * every request), and the handler, which checks the payload first, logs
 * why it ignores the webhook.
 */
export function eventInstallationGuard(octokit: Octokit): { auth: Octokit['auth'] } {
  const auth = octokit.auth;
  return {
    auth: (...args: unknown[]) => {
      const [options] = args;
      if (!isEventAuth(options) || isInstallationId(options.event.payload?.installation?.id)) return auth(...args);
      const payload = { ...options.event.payload, installation: undefined };
      return auth({ ...options, event: { ...options.event, payload } });
    },
  };
}
