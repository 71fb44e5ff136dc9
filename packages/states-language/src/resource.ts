/**
 * What a Task's Resource names: an activity of the worker, a Lambda function (bound to the activity of its name), or another state machine.
 */

import { INTEGRATIONS, type IntegrationSpec } from './integrations/catalog';
import { WAIT_FOR_TASK_TOKEN } from './callbacks';

export type TaskTarget =
  | { kind: 'activity'; name: string }
  | { kind: 'integration'; resource: string; spec: IntegrationSpec }
  | { kind: 'lambdaInvoke' }
  | { kind: 'startExecution'; mode: 'async' | 'sync' | 'sync2' }
  | { kind: 'unsupported'; reason: string };

const LAMBDA_ARN = /^arn:aws[\w-]*:lambda:[^:]*:[^:]*:function:([^:]+)(:[^:]+)?$/;
const ACTIVITY_ARN = /^arn:aws[\w-]*:states:[^:]*:[^:]*:activity:([^:]+)$/;
const INTEGRATION = /^arn:aws[\w-]*:states:::([^:]+):([^.]+)(\.\w+(:\d+)?)?$/;
/** `arn:aws:states:::aws-sdk:s3:getObject`: the service and action together. */
const SDK_INTEGRATION = /^arn:aws[\w-]*:states:::(aws-sdk:[^:]+:[^.]+)(\.\w+(:\d+)?)?$/;

export function resolveResource(resource: string): TaskTarget & { callback?: true } {
  // Any integration's Task with this suffix is its own Task that then waits for the token's answer (callbacks.ts).
  if (resource.endsWith(WAIT_FOR_TASK_TOKEN) && /^arn:aws[\w-]*:states:::/.test(resource)) {
    const base = resolveResource(resource.slice(0, -WAIT_FOR_TASK_TOKEN.length));
    return base.kind === 'unsupported' || base.callback ? base : { ...base, callback: true };
  }
  if (!resource.startsWith('arn:')) return { kind: 'activity', name: resource };
  const lambda = LAMBDA_ARN.exec(resource);
  if (lambda) return { kind: 'activity', name: lambda[1] };
  const activity = ACTIVITY_ARN.exec(resource);
  if (activity) return { kind: 'activity', name: activity[1] };
  const sdk = SDK_INTEGRATION.exec(resource);
  if (sdk) {
    const spec = Object.hasOwn(INTEGRATIONS, sdk[1]) ? INTEGRATIONS[sdk[1]] : undefined;
    if (spec && !sdk[2]) return { kind: 'integration', resource: sdk[1], spec };
    return {
      kind: 'unsupported',
      reason: `the ${sdk[1]}${sdk[2] ?? ''} integration is not supported: of the AWS SDK's, ${supportedSdk()}`,
    };
  }
  const integration = INTEGRATION.exec(resource);
  if (integration) {
    const [, service, action, pattern] = integration;
    if (service === 'lambda' && action === 'invoke' && !pattern) return { kind: 'lambdaInvoke' };
    if (service === 'states' && action === 'startExecution') {
      if (!pattern) return { kind: 'startExecution', mode: 'async' };
      if (pattern === '.sync') return { kind: 'startExecution', mode: 'sync' };
      if (pattern === '.sync:2') return { kind: 'startExecution', mode: 'sync2' };
    }
    const known = `${service}:${action}`;
    if (Object.hasOwn(INTEGRATIONS, known) && !pattern) return { kind: 'integration', resource: known, spec: INTEGRATIONS[known] };
    if (pattern?.startsWith('.waitForTaskToken'))
      return { kind: 'unsupported', reason: 'callback tasks (.waitForTaskToken) are not supported' };
    return {
      kind: 'unsupported',
      reason:
        `the ${service}:${action}${pattern ?? ''} integration is not supported: ` +
        `use an activity name, a Lambda function ARN, lambda:invoke, states:startExecution or ${supportedOptimized()}`,
    };
  }
  return { kind: 'unsupported', reason: `'${resource}' is not a resource this runtime knows` };
}

const supportedSdk = () =>
  Object.keys(INTEGRATIONS)
    .filter((k) => k.startsWith('aws-sdk:'))
    .join(', ');
const supportedOptimized = () =>
  Object.keys(INTEGRATIONS)
    .filter((k) => !k.startsWith('aws-sdk:'))
    .join(', ');

/** A Step Functions activity's ARN (`arn:aws:states:<region>:<account>:activity:<name>`). */
export const isActivityArn = (resource: string): boolean => ACTIVITY_ARN.test(resource);

/** The function name of a Lambda FunctionName: a name, `name:alias`, `account:function:name` or a full ARN. */
export function lambdaFunctionName(functionName: string): string {
  const arn = LAMBDA_ARN.exec(functionName);
  if (arn) return arn[1];
  const partial = /^(?:\d+:)?function:([^:]+)(:[^:]+)?$/.exec(functionName);
  if (partial) return partial[1];
  return functionName.split(':')[0];
}

/** The state machine name in a StateMachineArn (`arn:aws:states:region:account:stateMachine:NAME`) or a bare name. */
export function stateMachineName(arnOrName: string): string {
  const m = /^arn:aws[\w-]*:states:[^:]*:[^:]*:stateMachine:([^:]+)(:[^:]+)?$/.exec(arnOrName);
  return m ? m[1] : arnOrName;
}
