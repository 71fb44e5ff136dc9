import { createHmac, timingSafeEqual } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { GithubWebhookConfig } from '../../lib/github-webhook-config';
import { ApiError } from '../api-error';
import { type StateMachineRuns, UnknownStateMachineError } from '../state-machine-runs';
import { errorAnswer } from './schemas';

export const GITHUB_WEBHOOK_PATH = '/webhooks/github';
/** GitHub's workflow_run deliveries are tens of KiB; GitHub itself stops at 25 MB. */
const MAX_DELIVERY_BYTES = 1024 * 1024;
const FORM = 'application/x-www-form-urlencoded';

const answer = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['RUNNING', 'IGNORED'] },
    reason: { type: 'string' },
    id: { type: 'string' },
    /** True when this delivery had already started its execution (GitHub redelivers). */
    duplicate: { type: 'boolean' },
    links: { type: 'object', properties: { self: { type: 'string' }, ui: { type: 'string' } } },
  },
  required: ['status'],
} as const;

/**
 * `POST /webhooks/github`: GitHub's `workflow_run` webhook. A completed run starts the chargebacks state machine once
 * per delivery (`X-GitHub-Delivery` is the execution's id, so a redelivery finds the same execution); anything else
 * is answered 202 IGNORED with the reason. With GITHUB_WEBHOOK_SECRET set, a delivery whose `X-Hub-Signature-256`
 * is not the HMAC-SHA256 of its exact bytes under that secret is refused (401) before anything of it is read.
 */
export default async function webhookRoutes(
  app: FastifyInstance,
  { runs, config }: { runs: StateMachineRuns; config: GithubWebhookConfig },
) {
  // The signature is over the bytes as sent: this route takes its body raw and parses it itself (this plugin only).
  // GitHub sends JSON, or (the webhook's other content type) a form whose `payload` field is the JSON.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(['application/json', FORM], { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post<{ Headers: Record<string, string | undefined>; Body: Buffer }>(
    GITHUB_WEBHOOK_PATH,
    {
      bodyLimit: MAX_DELIVERY_BYTES,
      schema: {
        summary: "GitHub's workflow_run webhook: a completed run starts the chargebacks state machine",
        headers: {
          type: 'object',
          properties: {
            'x-github-event': { type: 'string', pattern: '^[a-z_]{1,64}$' },
            'x-github-delivery': { type: 'string', pattern: '^[A-Za-z0-9-]{1,64}$' },
            'x-hub-signature-256': { type: 'string', maxLength: 100 },
          },
          required: ['x-github-event', 'x-github-delivery'],
        },
        response: { 202: answer, 400: errorAnswer, 401: errorAnswer, 404: errorAnswer },
      },
    },
    async (request, reply) => {
      const event = request.headers['x-github-event']!;
      const delivery = request.headers['x-github-delivery']!;
      if (!Buffer.isBuffer(request.body)) {
        throw new ApiError(400, 'BadRequest', `the body must be the delivery as GitHub sends it: application/json or ${FORM}`);
      }
      if (config.secret !== undefined) checkSignature(request.body, request.headers['x-hub-signature-256'], config.secret);
      const ignored = (reason: string) => {
        request.log.info({ event, delivery, reason }, 'webhook ignored');
        return reply.code(202).send({ status: 'IGNORED', reason });
      };
      if (event !== 'workflow_run') return ignored(`the ${event} event starts nothing: only workflow_run is taken`);
      const form = request.headers['content-type']?.startsWith(FORM) ?? false;
      const run = completedRun(
        form ? (new URLSearchParams(request.body.toString('utf8')).get('payload') ?? '') : request.body.toString('utf8'),
      );
      if (typeof run === 'string') return ignored(run);

      const id = `${config.stateMachine}-github-${delivery}`;
      let duplicate = false;
      try {
        await runs.start(config.stateMachine, { ...config.settings, action: 'completed', workflow_run: run }, id);
      } catch (error) {
        // As api/start-once.ts: a redelivery (or two at once) finds the execution the first one started.
        if (error instanceof WorkflowExecutionAlreadyStartedError) duplicate = true;
        else if (error instanceof UnknownStateMachineError) {
          throw new ApiError(
            404,
            'NotFound',
            `${error.message}: store one with PUT /state-machines/${config.stateMachine} ` +
              '(examples/state-machines/chargebacks.asl.json), or set CHARGEBACKS_STATE_MACHINE',
          );
        } else throw error;
      }
      request.log.info({ event, delivery, executionId: id, duplicate }, 'webhook started an execution');
      return reply.code(202).send({ status: 'RUNNING', id, duplicate, links: { self: `/executions/${id}`, ui: runs.uiLink(id) } });
    },
  );
}

/** Refuses (401) a delivery whose signature is missing, malformed or not the HMAC-SHA256 of `body` under `secret`. */
function checkSignature(body: Buffer, header: string | undefined, secret: string): void {
  const given = /^sha256=([0-9a-f]{64})$/.exec(header ?? '');
  if (!given) {
    throw new ApiError(401, 'Unauthorized', 'X-Hub-Signature-256 must be sha256= and the 64 hex digits of the HMAC-SHA256 of the body');
  }
  const expected = createHmac('sha256', secret).update(body).digest();
  if (!timingSafeEqual(Buffer.from(given[1], 'hex'), expected)) {
    throw new ApiError(401, 'Unauthorized', 'X-Hub-Signature-256 does not match the body under the webhook secret');
  }
}

interface CompletedRun {
  id: number;
  conclusion: string | null;
  repository: { full_name: string };
}

/** The fields of a completed run the machine reads (nothing more goes in its input), or why the delivery is ignored. */
function completedRun(json: string): CompletedRun | string {
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch {
    throw new ApiError(400, 'BadRequest', 'the body is not JSON');
  }
  const field = (value: unknown, name: string) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new ApiError(400, 'BadRequest', `${name} must be an object`);
    return value as Record<string, unknown>;
  };
  const delivery = field(payload, 'the body');
  if (delivery.action !== 'completed') {
    return `a workflow_run whose action is ${JSON.stringify(delivery.action)} starts nothing: only completed runs are charged`;
  }
  const run = field(delivery.workflow_run, 'workflow_run');
  if (!Number.isSafeInteger(run.id) || (run.id as number) <= 0)
    throw new ApiError(400, 'BadRequest', 'workflow_run.id must be a positive integer');
  const repository = field(run.repository ?? delivery.repository, 'workflow_run.repository');
  const fullName = repository.full_name;
  if (typeof fullName !== 'string' || !/^[\w.-]{1,100}\/[\w.-]{1,100}$/.test(fullName)) {
    throw new ApiError(400, 'BadRequest', 'workflow_run.repository.full_name must be owner/name');
  }
  const conclusion = typeof run.conclusion === 'string' ? run.conclusion.slice(0, 64) : null;
  return { id: run.id as number, conclusion, repository: { full_name: fullName } };
}
