import { STATE_MACHINE_NAME } from 'states-language-temporal/client';
import type { SfnConfig } from './config';
import { invalidArn } from './errors';

export type ResourceKind = 'stateMachine' | 'execution' | 'activity';

/**
 * ARNs in AWS's form. An execution's ARN is also its Temporal workflow id: it names the machine, so executions of
 * one machine are listed by prefix (`WorkflowId STARTS_WITH`), and the Web UI finds an execution by its ARN.
 */
export class Arns {
  readonly prefix: string;
  constructor(config: Pick<SfnConfig, 'region' | 'account'>) {
    this.prefix = `arn:aws:states:${config.region}:${config.account}`;
  }

  stateMachine(name: string): string {
    return `${this.prefix}:stateMachine:${name}`;
  }

  activity(name: string): string {
    return `${this.prefix}:activity:${name}`;
  }

  /** The activity's name; InvalidArn naming the field for anything else. */
  parseActivity(arn: unknown, field = 'activityArn'): string {
    const rest = this.strip(arn, 'activity', field);
    if (!STATE_MACHINE_NAME.test(rest)) throw invalidArn(`Invalid Arn: '${String(arn)}' in ${field} is not an activity ARN`);
    return rest;
  }

  execution(machine: string, name: string): string {
    return `${this.prefix}:execution:${machine}:${name}`;
  }

  /** The machine's name; InvalidArn naming the field for anything else. */
  parseStateMachine(arn: unknown, field = 'stateMachineArn'): string {
    const rest = this.strip(arn, 'stateMachine', field);
    if (!STATE_MACHINE_NAME.test(rest)) throw invalidArn(`Invalid Arn: '${String(arn)}' in ${field} is not a state machine ARN`);
    return rest;
  }

  parseExecution(arn: unknown, field = 'executionArn'): { machine: string; name: string } {
    const [machine, name, ...more] = this.strip(arn, 'execution', field).split(':');
    if (more.length > 0 || !STATE_MACHINE_NAME.test(machine ?? '') || !STATE_MACHINE_NAME.test(name ?? '')) {
      throw invalidArn(`Invalid Arn: '${String(arn)}' in ${field} is not an execution ARN`);
    }
    return { machine, name };
  }

  private strip(arn: unknown, kind: ResourceKind, field: string): string {
    if (typeof arn !== 'string') throw invalidArn(`Invalid Arn: ${field} must be a string`);
    const head = `${this.prefix}:${kind}:`;
    if (!arn.startsWith(head) || arn.length > 2048) {
      throw invalidArn(`Invalid Arn: '${arn.slice(0, 256)}' in ${field}: expected ${head}…`);
    }
    return arn.slice(head.length);
  }
}
