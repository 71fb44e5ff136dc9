import { ApplicationFailure } from '@temporalio/common';

/** The ApplicationFailure a notify activity threw; its message must not reveal the draw (`secrets`). */
export async function failureOf(promise: Promise<unknown>, secrets: string[]): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => new Error('expected a failure'),
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  const failure = error as ApplicationFailure;
  for (const secret of secrets) expect(failure.message).not.toContain(secret);
  return failure;
}
