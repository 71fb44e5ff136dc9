import cors from '@fastify/cors';
import type { PayloadCodec } from '@temporalio/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sameSecret } from '../plugins/bearer-auth';
import { errorAnswer } from './schemas';

/** Where the codec lives: the organiser's bearer hook lets these through, as they check the operator's token themselves. */
export const CODEC_PATHS = ['/codec/*'];

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

export interface CodecOptions {
  /** Without one (no SANTA_ENCRYPTION_KEY) payloads are in clear and there is nothing to decode. */
  codec?: PayloadCodec;
  /** The operator's CODEC_TOKEN; without it the codec is closed. */
  token?: string;
  uiOrigin: string;
}

const closed = { error: 'CodecClosed', message: 'the codec is closed: the server has no CODEC_TOKEN set' };
const unauthorized = {
  error: 'Unauthorized',
  message: "the codec needs the operator's token (CODEC_TOKEN): Authorization: Bearer <token>, or the path /codec/t/<token>/decode",
};

/**
 * The operator's check, never the organiser's: the Temporal Web UI's browser cannot send a header of our choosing
 * (it sends an Authorization header only with an OIDC login), so the token is taken from the path
 * (`/codec/t/<token>/decode`, the UI's endpoint being `…/codec/t/<token>`) or from `Authorization: Bearer`
 * (`temporal workflow show --codec-auth`).
 */
function operatorOnly(token: string | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    // A CORS preflight carries no credentials; the request that follows it is checked.
    if (request.method === 'OPTIONS') return;
    if (!token) return reply.code(403).send(closed);
    const inPath = (request.params as { token?: string }).token;
    const given = inPath ?? /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    if (!sameSecret(given, token)) return reply.code(401).header('www-authenticate', 'Bearer').send(unauthorized);
  };
}

/**
 * /codec/encode and /codec/decode for the operator (CODEC_TOKEN), with CORS for the Temporal UI's origin so the
 * browser can call them.
 */
export default async function codecRoutes(app: FastifyInstance, { codec, token, uiOrigin }: CodecOptions) {
  await app.register(cors, {
    origin: uiOrigin,
    credentials: true,
    methods: ['POST'],
    allowedHeaders: ['content-type', 'authorization', 'x-namespace'],
  });
  // This plugin is encapsulated: the hook guards these routes only.
  app.addHook('onRequest', operatorOnly(token));
  const answers = { 200: payloadsSchema, 400: errorAnswer, 401: errorAnswer, 403: errorAnswer, 404: errorAnswer };
  for (const direction of ['encode', 'decode'] as const) {
    const handler = async (request: FastifyRequest<{ Body: { payloads: JsonPayload[] } }>, reply: FastifyReply) => {
      if (!codec)
        return reply.code(404).send({ error: 'NotFound', message: 'no codec: SANTA_ENCRYPTION_KEY is not set, so payloads are in clear' });
      return { payloads: (await codec[direction](request.body.payloads.map(fromJson))).map(toJson) };
    };
    const description = "The Temporal Web UI's remote codec. Needs the operator's CODEC_TOKEN, never API_TOKEN.";
    app.post(
      `/codec/${direction}`,
      {
        schema: {
          summary: `${direction} payloads (Authorization: Bearer <CODEC_TOKEN>)`,
          description,
          security: [],
          body: payloadsSchema,
          response: answers,
        },
      },
      handler,
    );
    app.post(
      `/codec/t/:token/${direction}`,
      {
        schema: {
          summary: `${direction} payloads, the token in the path (the Web UI's codec endpoint: /codec/t/<CODEC_TOKEN>)`,
          description,
          security: [],
          params: { type: 'object', properties: { token: { type: 'string' } }, required: ['token'] },
          body: payloadsSchema,
          response: answers,
        },
      },
      handler,
    );
  }
  // Anything else under /codec/t/ (a GET, a newer UI's /download) is answered here, not by Fastify's not-found
  // handler, which would log the URL, token and all. OPTIONS stays with CORS.
  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/codec/t/*',
    schema: { hide: true },
    handler: async (_request, reply) => reply.code(404).send({ error: 'NotFound', message: 'the codec has /encode and /decode only' }),
  });
}
