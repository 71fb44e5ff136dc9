/** Reading a request's members as the service model types them, and writing answers in the JSON 1.0 forms. */
import { SfnError, validation } from './errors';

export type Body = Record<string, unknown>;

export function optionalString(body: Body, field: string, max: number): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validation(`1 validation error detected: Value at '${field}' must be a string`);
  if (value.length > max)
    throw validation(`1 validation error detected: Value at '${field}' must have length less than or equal to ${max}`);
  return value;
}

export function requiredString(body: Body, field: string, max: number): string {
  const value = optionalString(body, field, max);
  if (value === undefined)
    throw validation(`1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  return value;
}

export function optionalBoolean(body: Body, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw validation(`1 validation error detected: Value at '${field}' must be a boolean`);
  return value;
}

/** maxResults: 0 or absent means the default; AWS allows up to 1000. */
export function pageSize(body: Body, fallback = 100, max = 1000): number {
  const value = body.maxResults;
  if (value === undefined || value === null || value === 0) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw validation(`1 validation error detected: Value at 'maxResults' must be an integer from 0 to ${max}`);
  }
  return value;
}

/** Timestamps travel as epoch seconds (fractions allowed) in the JSON 1.0 protocol. */
export const epochSeconds = (ms: number | Date): number => (typeof ms === 'number' ? ms : ms.getTime()) / 1000;

/** Opaque page tokens: base64url of JSON, at most 1024 characters as the model says. */
export function encodeToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeToken<T>(token: string | undefined, check: (value: unknown) => value is T): T | undefined {
  if (token === undefined || token === '') return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (check(value)) return value;
  } catch {
    // Falls through to the same answer as a token of the wrong shape.
  }
  throw new SfnError('InvalidToken', 'Invalid Token: nextToken is not one this API gave');
}
