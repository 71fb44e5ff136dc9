/**
 * Errors as the AWS SDKs read them in the JSON 1.0 protocol: the exception's name (the service model's shape name)
 * in `__type` and the `X-Amzn-Errortype` header, a 400 for the client's faults, and `message`.
 */
export class SfnError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
  }
}

export const validation = (message: string) => new SfnError('ValidationException', message);
export const invalidArn = (message: string) => new SfnError('InvalidArn', message);

/** The answer for a thrown SfnError. */
export function errorBody(error: SfnError): { __type: string; message: string } {
  return { __type: error.type, message: error.message };
}
