/**
 * AWS Signature Version 4, checked as AWS checks it: the canonical request rebuilt from the signed headers and the
 * body's SHA-256, signed again with the secret of the request's access key id, compared in constant time, and a
 * signing time within 15 minutes of ours.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SfnError } from './errors';

// AWS4-HMAC-SHA256 Credential=<key id>/<date>/<region>/<service>/aws4_request, SignedHeaders=<…>, Signature=<hex>
const AUTH = new RegExp(
  String.raw`^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,` +
    String.raw`\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$`,
);
const MAX_SKEW_MS = 15 * 60 * 1000;

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** The secret for an access key id, or undefined: that key is not known here. */
export type SecretLookup = (accessKeyId: string) => string | undefined;

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).trim().replace(/\s+/g, ' ');
}

/** Throws the exception AWS answers (its name in `__type`) unless the request is signed with a known key. */
export function verifySigV4(
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
  secretOf: SecretLookup,
  now = Date.now(),
): void {
  const authorization = header(headers, 'authorization');
  if (!authorization)
    throw new SfnError('MissingAuthenticationTokenException', 'Missing Authentication Token: sign the request with SigV4', 403);
  const match = AUTH.exec(authorization);
  if (!match) throw new SfnError('IncompleteSignatureException', 'The Authorization header is not an AWS4-HMAC-SHA256 signature', 403);
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match;
  const secret = secretOf(accessKeyId);
  if (secret === undefined)
    throw new SfnError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400);
  const amzDate = header(headers, 'x-amz-date');
  const signedAt = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!signedAt || !amzDate.startsWith(date))
    throw new SfnError('IncompleteSignatureException', 'X-Amz-Date is missing or does not match the credential scope', 403);
  const at = Date.UTC(+signedAt[1], +signedAt[2] - 1, +signedAt[3], +signedAt[4], +signedAt[5], +signedAt[6]);
  if (Math.abs(now - at) > MAX_SKEW_MS)
    throw new SfnError('InvalidSignatureException', 'Signature expired: the request was signed more than 15 minutes from now', 403);
  const names = signedHeaders.split(';');
  if (!names.includes('host')) throw new SfnError('InvalidSignatureException', 'The host header must be signed', 403);
  const canonical = [
    method,
    path,
    '',
    ...names.map((name) => `${name}:${header(headers, name)}`),
    '',
    signedHeaders,
    header(headers, 'x-amz-content-sha256') || sha256(body),
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  const expected = hmac(key, toSign);
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) {
    throw new SfnError(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
      403,
    );
  }
}
