/**
 * `arn:aws:states:::http:invoke`: Method, ApiEndpoint, Headers, QueryParameters, RequestBody (JSON, or a form with
 * Transform's URL_ENCODED: url-encoded.ts); answers
 * {Headers, ResponseBody, StatusCode, StatusText} (a JSON body parsed), any status outside 2xx failing as
 * `States.Http.StatusCode.<code>`, a connection that fails as `States.Http.Socket`. Credentials come from the
 * operator's configuration by Authentication.ConnectionArn, never from the definition; hosts are checked against
 * the operator's list (hosts.ts). Redirects are not followed: a 3xx fails like any other non-2xx.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { MAX_PAYLOAD_BYTES } from '../quotas';
import { badRequest, tooLarge } from './errors';
import type { HostPolicy } from './hosts';
import { asText, type Json, request } from './shapes';
import { bodyEncoding, urlEncode } from './url-encoded';

/** What a connection adds to a request: EventBridge connections' authorization kinds. */
export type Connection =
  | { BasicAuthParameters: { Username: string; Password: string } }
  | { ApiKeyAuthParameters: { ApiKeyName: string; ApiKeyValue: string } }
  | { BearerToken: string };

const RESOURCE = 'http:invoke';
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function authorization(connection: Connection): [string, string] {
  if ('BasicAuthParameters' in connection) {
    const { Username, Password } = connection.BasicAuthParameters;
    return ['authorization', `Basic ${Buffer.from(`${Username}:${Password}`).toString('base64')}`];
  }
  if ('ApiKeyAuthParameters' in connection)
    return [connection.ApiKeyAuthParameters.ApiKeyName, connection.ApiKeyAuthParameters.ApiKeyValue];
  return ['authorization', `Bearer ${connection.BearerToken}`];
}

function url(args: Json): URL {
  if (typeof args.ApiEndpoint !== 'string') throw badRequest(RESOURCE, ["'ApiEndpoint' must be a URL string"]);
  let target: URL;
  try {
    target = new URL(args.ApiEndpoint);
  } catch {
    throw badRequest(RESOURCE, [`'ApiEndpoint' is not a URL: ${args.ApiEndpoint}`]);
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') throw badRequest(RESOURCE, ["'ApiEndpoint' must be http(s)"]);
  if (args.QueryParameters !== undefined) {
    if (!isObject(args.QueryParameters)) throw badRequest(RESOURCE, ["'QueryParameters' must be an object"]);
    for (const [k, v] of Object.entries(args.QueryParameters)) for (const one of [v].flat()) target.searchParams.append(k, asText(one));
  }
  return target;
}

export function httpActivities(policy: HostPolicy, connections: Readonly<Record<string, Connection>>) {
  return {
    async 'integration:http:invoke'(input: unknown) {
      const args = request(RESOURCE, input);
      const method = String(args.Method).toUpperCase();
      if (!METHODS.includes(method)) throw badRequest(RESOURCE, [`'Method' must be one of ${METHODS.join(', ')}`]);
      const target = url(args);
      const headers: Record<string, string> = {};
      if (args.Headers !== undefined) {
        if (!isObject(args.Headers)) throw badRequest(RESOURCE, ["'Headers' must be an object"]);
        for (const [k, v] of Object.entries(args.Headers)) headers[k.toLowerCase()] = asText(v);
      }
      const arn = isObject(args.Authentication) ? args.Authentication.ConnectionArn : undefined;
      if (args.Authentication !== undefined) {
        if (typeof arn !== 'string' || !Object.hasOwn(connections, arn))
          throw badRequest(RESOURCE, [`no connection is configured for Authentication.ConnectionArn ${JSON.stringify(arn)}`]);
        const [name, value] = authorization(connections[arn]);
        headers[name.toLowerCase()] = value;
      }
      const encoding = bodyEncoding(args.Transform);
      let body: string | undefined;
      if (args.RequestBody !== undefined && encoding.urlEncoded) {
        body = urlEncode(args.RequestBody, encoding.arrayFormat);
        headers['content-type'] ??= 'application/x-www-form-urlencoded';
      } else if (args.RequestBody !== undefined) {
        body = asText(args.RequestBody);
        if (typeof args.RequestBody !== 'string') headers['content-type'] ??= 'application/json';
      }
      return send(policy, method, target, headers, body);
    },
  };
}

const refused = (host: string) =>
  ApplicationFailure.nonRetryable(`${host} is not a host state machines may reach (STATES_HTTP_ALLOWED_HOSTS)`, 'States.Http.Socket');

function send(policy: HostPolicy, method: string, target: URL, headers: Record<string, string>, body?: string): Promise<Json> {
  const hostname = target.hostname.replace(/^\[|\]$/g, '');
  // An address written out is never looked up: checked here. A name is checked on each address it resolves to.
  if (isIP(hostname) && !policy.allows(hostname, hostname)) return Promise.reject(refused(hostname));
  const lookup = (host: string, options: object, done: (...args: unknown[]) => void) =>
    dnsLookup(host, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return done(error);
      const allowed = addresses.filter((a) => policy.allows(host, a.address));
      if (allowed.length === 0) return done(refused(host));
      (options as { all?: boolean }).all ? done(null, allowed) : done(null, allowed[0].address, allowed[0].family);
    });
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(target, { method, headers, lookup: lookup as never }, (res) => answer(res, target).then(resolve, reject));
    req.on('error', (error) =>
      reject(
        error instanceof ApplicationFailure
          ? error
          : ApplicationFailure.create({ type: 'States.Http.Socket', message: `${target.host}: ${error.message}` }),
      ),
    );
    req.end(body);
  });
}

async function answer(res: IncomingMessage, target: URL): Promise<Json> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_PAYLOAD_BYTES) {
      res.destroy();
      throw tooLarge(`The response of ${target.origin}${target.pathname}`, MAX_PAYLOAD_BYTES);
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  let responseBody: unknown = text;
  if (/json/i.test(String(res.headers['content-type'] ?? '')) && text !== '') {
    try {
      responseBody = JSON.parse(text);
    } catch {
      // Not JSON after all: kept as text.
    }
  }
  const headers: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = [v].flat();
  const status = res.statusCode ?? 0;
  const output = { Headers: headers, ResponseBody: responseBody, StatusCode: status, StatusText: res.statusMessage ?? '' };
  if (status < 200 || status > 299) {
    throw ApplicationFailure.create({ type: `States.Http.StatusCode.${status}`, message: JSON.stringify(output).slice(0, 32_768) });
  }
  return output;
}
