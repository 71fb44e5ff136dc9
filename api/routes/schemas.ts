/** JSON schemas shared by routes: answers are serialised through them, so nothing outside them (like a pair) can leak. */
export const errorAnswer = {
  type: 'object',
  properties: { error: { type: 'string' }, message: { type: 'string' } },
  required: ['error', 'message'],
} as const;

const channelCounts = {
  type: 'object',
  properties: { sent: { type: 'integer' }, skipped: { type: 'integer' }, failed: { type: 'integer' } },
  required: ['sent', 'skipped', 'failed'],
} as const;

export const allocationView = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    status: { type: 'string', enum: ['RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'] },
    stage: { type: 'string' },
    participants: { type: 'integer' },
    dryRun: { type: 'boolean' },
    email: channelCounts,
    sms: channelCounts,
    failures: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, channel: { type: 'string' }, error: { type: 'string' } },
      },
    },
    error: { type: 'string' },
  },
  required: ['id', 'status', 'stage', 'participants', 'email', 'sms'],
} as const;

/** The answer to a request that starts a run: where to follow it. */
export const startedAnswer = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    status: { type: 'string' },
    links: { type: 'object', properties: { self: { type: 'string' }, ui: { type: 'string' } } },
  },
} as const;

/** What the routes that start from a participants file share: its CSV body, an Idempotency-Key, and their answers. */
export const participantsUpload = {
  consumes: ['text/csv'],
  headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 255 } } },
  body: { type: 'string' },
  response: {
    202: startedAnswer,
    400: { ...errorAnswer, properties: { ...errorAnswer.properties, details: { type: 'array' } } },
    422: errorAnswer,
  },
};
