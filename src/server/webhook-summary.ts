/** The fields of the one log line a delivery gets, read defensively from a payload nobody vouched for yet. */
export interface WebhookSummary {
  event: string;
  repository?: string;
  commit?: string;
  ref?: string;
}

const MAX = 200;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value.slice(0, MAX) : undefined;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** `push`, `pull_request.synchronize`: the event and, when the payload has one, its action. */
export function summarise(name: string, payload: unknown): WebhookSummary {
  const action = text(field(payload, 'action'));
  const commit =
    text(field(payload, 'after')) ??
    text(field(field(field(payload, 'pull_request'), 'head'), 'sha')) ??
    text(field(field(payload, 'check_run'), 'head_sha'));
  const summary: WebhookSummary = { event: action ? `${name}.${action}` : name };
  const repository = text(field(field(payload, 'repository'), 'full_name'));
  const ref = text(field(payload, 'ref'));
  if (repository) summary.repository = repository;
  if (commit) summary.commit = commit;
  if (ref) summary.ref = ref;
  return summary;
}
