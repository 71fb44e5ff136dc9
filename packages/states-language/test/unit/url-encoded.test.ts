/** http:invoke's Transform (URL_ENCODED bodies): each ArrayFormat as Step Functions documents it, and bad settings named. */
import { bodyEncoding, urlEncode } from '../../src/integrations/url-encoded';

const body = { array: ['a', 'b', 'c', 'd'], name: 'Jo Bloggs & co', n: 2, none: null };

it.each([
  ['INDICES', 'array[0]=a&array[1]=b&array[2]=c&array[3]=d'],
  ['REPEAT', 'array=a&array=b&array=c&array=d'],
  ['COMMAS', 'array=a,b,c,d'],
  ['BRACKETS', 'array[]=a&array[]=b&array[]=c&array[]=d'],
] as const)('ArrayFormat %s', (format, arrays) => {
  expect(urlEncode(body, format)).toBe(`${arrays}&name=Jo%20Bloggs%20%26%20co&n=2&none=`);
});

it('nested objects as outer[inner]; the default is INDICES, and NONE keeps JSON', () => {
  expect(urlEncode({ card: { exp: { month: 12 } }, tags: [{ k: 'v' }] }, 'INDICES')).toBe('card[exp][month]=12&tags[0][k]=v');
  expect(bodyEncoding({ RequestBodyEncoding: 'URL_ENCODED' })).toEqual({ urlEncoded: true, arrayFormat: 'INDICES' });
  expect(bodyEncoding({ RequestBodyEncoding: 'NONE' })).toEqual({ urlEncoded: false, arrayFormat: 'INDICES' });
  expect(bodyEncoding(undefined)).toEqual({ urlEncoded: false, arrayFormat: 'INDICES' });
});

it('bad settings and bodies are refused, naming the field', () => {
  expect(() => bodyEncoding({ RequestBodyEncoding: 'FORM' })).toThrow(/Transform.RequestBodyEncoding' must be NONE or URL_ENCODED/);
  expect(() => bodyEncoding({ RequestBodyEncoding: 'URL_ENCODED', RequestEncodingOptions: { ArrayFormat: 'X' } })).toThrow(
    /ArrayFormat' must be one of INDICES, REPEAT, COMMAS, BRACKETS/,
  );
  expect(() => bodyEncoding('URL_ENCODED')).toThrow(/'Transform' must be an object/);
  expect(() => urlEncode(['a'], 'INDICES')).toThrow(/'RequestBody' must be an object to be sent URL_ENCODED/);
});
