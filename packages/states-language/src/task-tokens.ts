/**
 * Task tokens: `v1.<kind>.<base64url body>.<base64url HMAC-SHA256>` under a secret the worker and the API share.
 * A callback token's body names the execution (workflow id) and a random key (128 bits from the OS): the HMAC
 * refuses forged and altered tokens before anything reaches Temporal, and the workflow still refuses a key it is not
 * waiting for. Node only (node:crypto): never imported by the workflow.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ISSUE_TASK_TOKEN_ACTIVITY, type IssuedTaskToken, MAX_TASK_TOKEN_CHARS } from './callbacks';

/** `c`: a callback Task's wait ({w, k}); `a`: a Temporal activity task's own token (Step Functions activities). */
export type TaskTokenKind = 'c' | 'a';

export type OpenedTaskToken = { kind: 'c'; workflowId: string; key: string } | { kind: 'a'; activityToken: Uint8Array };

export class TaskTokens {
  private readonly secret: Buffer;

  constructor(secret: string | Buffer) {
    this.secret = Buffer.from(secret);
    if (this.secret.length < 16) throw new Error('a task token secret has at least 16 bytes');
  }

  private mac(text: string): Buffer {
    return createHmac('sha256', this.secret).update(text).digest();
  }

  private seal(kind: TaskTokenKind, body: Buffer): string {
    const signed = `v1.${kind}.${body.toString('base64url')}`;
    const token = `${signed}.${this.mac(signed).toString('base64url')}`;
    if (token.length > MAX_TASK_TOKEN_CHARS) throw new Error(`a task token would be over ${MAX_TASK_TOKEN_CHARS} characters`);
    return token;
  }

  /** A callback Task's token for the execution `workflowId`, and its random key. */
  callback(workflowId: string): IssuedTaskToken {
    const key = randomBytes(16).toString('base64url');
    return { token: this.seal('c', Buffer.from(JSON.stringify({ w: workflowId, k: key }))), key };
  }

  /** A Step Functions activity's token: Temporal's activity task token, sealed. */
  activity(activityToken: Uint8Array): string {
    return this.seal('a', Buffer.from(activityToken));
  }

  /** What a token names; undefined for anything this secret did not seal (or too long to be one). */
  open(token: string): OpenedTaskToken | undefined {
    if (token.length > MAX_TASK_TOKEN_CHARS) return undefined;
    const parts = token.split('.');
    if (parts.length !== 4 || parts[0] !== 'v1') return undefined;
    const [, kind, body, mac] = parts;
    const expected = this.mac(`v1.${kind}.${body}`);
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const bytes = Buffer.from(body, 'base64url');
    if (kind === 'a') return { kind, activityToken: new Uint8Array(bytes) };
    if (kind !== 'c') return undefined;
    const parsed = JSON.parse(bytes.toString('utf8')) as { w?: unknown; k?: unknown };
    if (typeof parsed.w !== 'string' || typeof parsed.k !== 'string') return undefined;
    return { kind, workflowId: parsed.w, key: parsed.k };
  }
}

/** The activity a worker registers so that callback Tasks get their tokens (run as a local activity). */
export function createTaskTokenActivities(tokens: TaskTokens) {
  return {
    async [ISSUE_TASK_TOKEN_ACTIVITY]({ workflowId }: { workflowId: string }): Promise<IssuedTaskToken> {
      return tokens.callback(workflowId);
    },
  };
}
