/**
 * `http:invoke`'s `Transform`: `RequestBodyEncoding: URL_ENCODED` sends the RequestBody object as a form
 * (application/x-www-form-urlencoded) instead of JSON; `RequestEncodingOptions.ArrayFormat` says how arrays are
 * written, as Step Functions documents it, for {"array": ["a", "b"]}: INDICES (the default) `array[0]=a&array[1]=b`,
 * REPEAT `array=a&array=b`, COMMAS `array=a,b`, BRACKETS `array[]=a&array[]=b`. Nested objects are written
 * `outer[inner]=value`; names and values are percent-encoded, the brackets left as they are.
 */
import { badRequest } from './errors';
import type { Json } from './shapes';

const RESOURCE = 'http:invoke';
export const ARRAY_FORMATS = ['INDICES', 'REPEAT', 'COMMAS', 'BRACKETS'] as const;
type ArrayFormat = (typeof ARRAY_FORMATS)[number];
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The Transform's settings checked: whether the body is a form, and how its arrays are written. */
export function bodyEncoding(transform: unknown): { urlEncoded: boolean; arrayFormat: ArrayFormat } {
  if (transform === undefined) return { urlEncoded: false, arrayFormat: 'INDICES' };
  if (!isObject(transform)) throw badRequest(RESOURCE, ["'Transform' must be an object"]);
  const encoding = transform.RequestBodyEncoding ?? 'NONE';
  if (encoding !== 'NONE' && encoding !== 'URL_ENCODED') {
    throw badRequest(RESOURCE, [`'Transform.RequestBodyEncoding' must be NONE or URL_ENCODED, not ${JSON.stringify(encoding)}`]);
  }
  const options = transform.RequestEncodingOptions ?? {};
  if (!isObject(options)) throw badRequest(RESOURCE, ["'Transform.RequestEncodingOptions' must be an object"]);
  const format = options.ArrayFormat ?? 'INDICES';
  if (!ARRAY_FORMATS.includes(format as ArrayFormat)) {
    throw badRequest(RESOURCE, [
      `'Transform.RequestEncodingOptions.ArrayFormat' must be one of ${ARRAY_FORMATS.join(', ')}, not ${JSON.stringify(format)}`,
    ]);
  }
  return { urlEncoded: encoding === 'URL_ENCODED', arrayFormat: format as ArrayFormat };
}

/** The RequestBody object as a form body. */
export function urlEncode(body: unknown, arrayFormat: ArrayFormat): string {
  if (!isObject(body)) throw badRequest(RESOURCE, ["'RequestBody' must be an object to be sent URL_ENCODED"]);
  const pairs: string[] = [];
  const scalar = (value: unknown) => encodeURIComponent(value === null ? '' : String(value));
  const add = (name: string, value: unknown): void => {
    if (Array.isArray(value)) {
      if (arrayFormat === 'COMMAS' && !value.some((v) => typeof v === 'object' && v !== null)) {
        pairs.push(`${name}=${value.map(scalar).join(',')}`);
        return;
      }
      value.forEach((item, i) => add(arrayFormat === 'REPEAT' ? name : arrayFormat === 'BRACKETS' ? `${name}[]` : `${name}[${i}]`, item));
    } else if (isObject(value)) {
      for (const [key, inner] of Object.entries(value)) add(`${name}[${encodeURIComponent(key)}]`, inner);
    } else pairs.push(`${name}=${scalar(value)}`);
  };
  for (const [key, value] of Object.entries(body)) add(encodeURIComponent(key), value);
  return pairs.join('&');
}
