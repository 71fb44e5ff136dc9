import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failure messages and stack traces go into an encoded payload (so the codec seals them too):
 * an error may name a participant. Loaded by path, so the workflow bundle uses it as well.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
