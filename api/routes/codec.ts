import cors from '@fastify/cors';
import type { PayloadCodec } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { errorAnswer } from './schemas';

/** The Temporal UI's remote codec protocol: payloads as {metadata: {key: base64}, data: base64}. */
interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const payloadsSchema = {
  type: 'object',
  properties: {
    payloads: {
      type: 'array',
      items: {
        type: 'object',
        properties: { metadata: { type: 'object', additionalProperties: { type: 'string' } }, data: { type: 'string' } },
      },
    },
  },
  required: ['payloads'],
} as const;

const fromJson = ({ metadata = {}, data = '' }: JsonPayload) => ({
  metadata: Object.fromEntries(Object.entries(metadata).map(([key, value]) => [key, new Uint8Array(Buffer.from(value, 'base64'))])),
  data: new Uint8Array(Buffer.from(data, 'base64')),
});

const toJson = ({ metadata, data }: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')])),
  data: Buffer.from(data ?? new Uint8Array()).toString('base64'),
});

/**
 * /codec/encode and /codec/decode for those allowed to look (the bearer token guards them like every route),
 * with CORS for the Temporal UI's origin so the browser can call them.
 */
export default async function codecRoutes(app: FastifyInstance, { codec, uiOrigin }: { codec: PayloadCodec; uiOrigin: string }) {
  await app.register(cors, { origin: uiOrigin, credentials: true, methods: ['POST'], allowedHeaders: ['content-type', 'authorization', 'x-namespace'] });
  for (const direction of ['encode', 'decode'] as const) {
    app.post<{ Body: { payloads: JsonPayload[] } }>(
      `/codec/${direction}`,
      { schema: { body: payloadsSchema, response: { 200: payloadsSchema, 400: errorAnswer } } },
      async (request) => ({ payloads: (await codec[direction](request.body.payloads.map(fromJson))).map(toJson) }),
    );
  }
}
