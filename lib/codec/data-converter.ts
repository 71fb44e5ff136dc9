import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './encryption-codec';
import type { EncryptionKeys } from './keys';

export const failureConverterPath = require.resolve('./failure-converter');

/**
 * The one data converter of client and worker: with keys, every payload, failure messages included, is sealed.
 * The failure converter is the same with or without keys, so workflow bundles never depend on the key setting.
 */
export function createDataConverter(keys: EncryptionKeys | undefined): DataConverter {
  return { payloadCodecs: keys ? [new EncryptionCodec(keys)] : [], failureConverterPath };
}
