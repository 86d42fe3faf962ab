import { TriggerError } from '../../../src/ports/job-trigger.js';

/** The TriggerError a promise rejects with; fails the test if it resolves or rejects otherwise. */
export async function triggerFailure(promise: Promise<unknown>): Promise<TriggerError> {
  const error = await promise.then(
    (value) => {
      throw new Error(`expected a TriggerError, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TriggerError);
  return error as TriggerError;
}
