import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { StorageConfig } from '../../lib/config';

/**
 * Names of the objects stored under `prefix` (a folder: ends with '/'), in a bucket or the local folder.
 * The run's object store has no listing (a run only reads keys it knows); the chaos check needs one to see
 * that no second draw was ever written.
 */
export async function storedNames(storage: StorageConfig, prefix: string): Promise<string[]> {
  if (!storage.bucket) {
    return readdir(join(storage.localDir, prefix)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
  }
  const s3 = new S3Client({ region: storage.region, endpoint: storage.endpoint, forcePathStyle: storage.forcePathStyle });
  try {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: storage.bucket, Prefix: prefix, ContinuationToken: token }));
      names.push(...(page.Contents ?? []).map((object) => object.Key!.slice(prefix.length)));
      token = page.NextContinuationToken;
    } while (token);
    return names;
  } finally {
    s3.destroy();
  }
}
