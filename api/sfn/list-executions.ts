/**
 * ListExecutions through Temporal's visibility: workflows of type `stateMachine` whose id (the execution ARN) starts
 * with the machine's prefix; runs that continued as new are left out (their execution goes on in the newest run).
 * Newest first, as AWS lists them.
 */
import type { Client } from '@temporalio/client';
import { STATE_MACHINE_WORKFLOW } from 'states-language-temporal/client';
import type { Arns } from './arns';
import { validation } from './errors';
import { sfnStatus } from './executions';
import { eventTime } from './temporal-reads';
import { type Body, decodeToken, encodeToken, epochSeconds, optionalString, pageSize } from './wire';

/** Temporal's ExecutionStatus search attribute values for each Step Functions status. */
const STATUS_QUERY: Record<string, string> = {
  RUNNING: "ExecutionStatus = 'Running'",
  SUCCEEDED: "ExecutionStatus = 'Completed'",
  FAILED: "ExecutionStatus = 'Failed'",
  TIMED_OUT: "ExecutionStatus = 'TimedOut'",
  ABORTED: "(ExecutionStatus = 'Terminated' OR ExecutionStatus = 'Canceled')",
};

type Token = { q: string; t: string };
const isToken = (v: unknown): v is Token => typeof (v as Token)?.q === 'string' && typeof (v as Token)?.t === 'string';

export async function listExecutions(client: Client, arns: Arns, requireMachine: (arn: unknown) => Promise<{ name: string }>, body: Body) {
  if (body.stateMachineArn === undefined) throw validation('ListExecutions needs a stateMachineArn here (Map Runs are not served)');
  const { name: machine } = await requireMachine(body.stateMachineArn);
  const statusFilter = optionalString(body, 'statusFilter', 16);
  if (statusFilter !== undefined && !STATUS_QUERY[statusFilter]) {
    throw validation(`'statusFilter' must be one of ${Object.keys(STATUS_QUERY).join(', ')}`);
  }
  if (body.redriveFilter !== undefined && body.redriveFilter !== 'NOT_REDRIVEN' && body.redriveFilter !== null) {
    throw validation('no execution here has been redriven: RedriveExecution is not served');
  }
  // Machine names are letters, digits, - and _: nothing to escape in the quoted prefix.
  const prefix = arns.execution(machine, '');
  const query = [
    `WorkflowType = '${STATE_MACHINE_WORKFLOW}'`,
    `WorkflowId STARTS_WITH '${prefix}'`,
    "ExecutionStatus != 'ContinuedAsNew'",
    ...(statusFilter ? [STATUS_QUERY[statusFilter]] : []),
  ].join(' AND ');
  const token = decodeToken(optionalString(body, 'nextToken', 3096), isToken);
  if (token && token.q !== query) throw validation('nextToken belongs to a listing with other filters');
  const answer = await client.workflowService.listWorkflowExecutions({
    namespace: client.options.namespace,
    query,
    pageSize: pageSize(body),
    nextPageToken: token ? Buffer.from(token.t, 'base64') : undefined,
  });
  const executions = (answer.executions ?? []).map((e) => {
    const id = e.execution?.workflowId ?? '';
    const stopDate = e.closeTime ? eventTime({ eventTime: e.closeTime }) : undefined;
    return {
      executionArn: id,
      stateMachineArn: arns.stateMachine(machine),
      name: id.slice(prefix.length),
      status: sfnStatus(statusName(e.status)),
      startDate: epochSeconds(eventTime({ eventTime: e.startTime })),
      ...(stopDate !== undefined ? { stopDate: epochSeconds(stopDate) } : {}),
      redriveCount: 0,
    };
  });
  const next = answer.nextPageToken && answer.nextPageToken.length > 0 ? Buffer.from(answer.nextPageToken).toString('base64') : undefined;
  return { executions, ...(next ? { nextToken: encodeToken({ q: query, t: next }) } : {}) };
}

/** The proto enum's number as the name describe() gives. */
function statusName(status: number | null | undefined): string {
  return (
    ['UNSPECIFIED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELED', 'TERMINATED', 'CONTINUED_AS_NEW', 'TIMED_OUT'][status ?? 0] ??
    'UNSPECIFIED'
  );
}
