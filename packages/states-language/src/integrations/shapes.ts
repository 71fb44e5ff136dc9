/** What every integration does to its request and its answer: checked fields in, plain JSON out. */
import { fieldProblems, INTEGRATIONS } from './catalog';
import { badRequest } from './errors';

export type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The request, refused (States.Runtime) unless it is an object with the fields the integration takes. */
export function request(resource: string, input: unknown): Json {
  if (!isObject(input)) throw badRequest(resource, ['its Parameters (or Arguments) must be an object']);
  const problems = fieldProblems(INTEGRATIONS[resource], Object.keys(input));
  if (problems.length > 0) throw badRequest(resource, problems);
  return input;
}

/** A JSON field that a service takes as text (a message body): strings as they are, anything else as JSON. */
export const asText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** The SDK's answer as Step Functions gives it: no `$metadata`, dates as ISO 8601 text, nothing undefined. */
export function plain(output: object): Json {
  const { $metadata: _metadata, ...rest } = output as Json;
  return JSON.parse(JSON.stringify(rest)) as Json;
}
