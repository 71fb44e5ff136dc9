/**
 * A state machine whose Task waits for a callback (lambda:invoke.waitForTaskToken): its Lambda, the example activity
 * saveResults, stores the task token under the source name (the input's `name`, or the one given), where a test or
 * the bench reads it to answer with SendTaskSuccess. Then `after`, when given, as the next state.
 */
export function callbackMachine(
  options: { name?: string; resultPath?: string | null; timing?: Record<string, number>; after?: Record<string, unknown> } = {},
) {
  const source = options.name === undefined ? { 'name.$': '$.name' } : { name: options.name };
  const resultPath = options.resultPath === undefined ? '$.answer' : options.resultPath;
  return {
    StartAt: 'Ask',
    States: {
      Ask: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: {
          FunctionName: 'saveResults',
          Payload: { source: { ...source, total: 0, 'token.$': '$$.Task.Token' }, processed: 0, total: 0 },
        },
        ...(resultPath === null ? {} : { ResultPath: resultPath }),
        ...options.timing,
        ...(options.after ? { Next: 'After' } : { End: true }),
      },
      ...(options.after ? { After: options.after } : {}),
    },
  };
}
