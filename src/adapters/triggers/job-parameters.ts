import type { JobRequest } from '../../ports/job-trigger.js';
import { printable } from '../../domain/serial.js';
import { triggerError, type FailureContext } from './trigger-failure.js';

/** Names every CI takes as a parameter, a variable and an environment variable alike. */
const PARAMETER_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Refuses a request no CI could take as meant, before anything is sent.
 * @throws TriggerError, `sent: false`
 */
export function checkParameters(request: JobRequest, context: FailureContext): void {
  for (const name of Object.keys(request.parameters)) {
    if (!PARAMETER_NAME_RE.test(name)) {
      throw triggerError(
        context,
        `parameter name "${printable(name)}" is not a name like TAILS_GIT_COMMIT (letters, digits and _, not starting with a digit)`,
        { sent: false },
      );
    }
  }
}
