import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { StorageConfig } from '../lib/config';
import type { Allocation, Pair } from '../lib/types';
import { pathSegment } from './outbox';

/** What is stored for one run: the draw is kept so a run can be audited or its messages resent. */
export interface StoredAllocation {
  runId: string;
  seed: number;
  pairs: Pair[];
  participants: number;
  storedAt: string;
}

export interface StoreAllocationsInput {
  runId: string;
  allocation: Allocation;
  participants: number;
}

export interface StoredLocation {
  /** `allocations/<runId>.json`, the same in a bucket and in the local folder. */
  key: string;
  /** `s3://bucket/key` or the absolute file path. */
  location: string;
}

export function allocationKey(runId: string): string {
  return `allocations/${pathSegment(runId)}.json`;
}

function s3Client(storage: StorageConfig): S3Client {
  // Credentials come from the SDK's default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY...).
  return new S3Client({ region: storage.region, endpoint: storage.endpoint, forcePathStyle: storage.forcePathStyle });
}

function localPath(storage: StorageConfig, key: string): string {
  const root = path.resolve(storage.localDir);
  const file = path.resolve(root, key);
  if (!file.startsWith(root + path.sep)) throw new Error(`allocation key outside the storage folder: ${key}`);
  return file;
}

/** Creates the object unless it exists: If-None-Match makes the check and the write one atomic step (S3, MinIO). */
async function putOnce(s3: S3Client, bucket: string, key: string, body: string): Promise<void> {
  try {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json', IfNoneMatch: '*' }));
  } catch (err) {
    if (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 412) return; // already stored
    throw err;
  }
}

/** Creates the file unless it exists; written aside then hard-linked, so the file is never seen half-written. */
async function writeOnce(file: string, body: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomUUID()}.tmp`;
  await writeFile(tmp, body);
  try {
    await link(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // already stored
  } finally {
    await unlink(tmp);
  }
}

/** Activity storing a run's draw once: a retry, or a second call for the same run, keeps the first one. */
export function createStoreAllocations(storage: StorageConfig) {
  const s3 = storage.bucket ? s3Client(storage) : undefined;
  return async function storeAllocations(input: StoreAllocationsInput): Promise<StoredLocation> {
    const key = allocationKey(input.runId);
    const record: StoredAllocation = {
      runId: input.runId,
      seed: input.allocation.seed,
      pairs: input.allocation.pairs,
      participants: input.participants,
      storedAt: new Date().toISOString(),
    };
    const body = JSON.stringify(record, null, 2) + '\n';
    if (s3 && storage.bucket) {
      await putOnce(s3, storage.bucket, key, body);
      return { key, location: `s3://${storage.bucket}/${key}` };
    }
    const file = localPath(storage, key);
    await writeOnce(file, body);
    return { key, location: file };
  };
}

/** Reads back what `storeAllocations` stored under `key`. */
export async function loadAllocation(storage: StorageConfig, key: string): Promise<StoredAllocation> {
  if (!storage.bucket) return JSON.parse(await readFile(localPath(storage, key), 'utf8')) as StoredAllocation;
  const s3 = s3Client(storage);
  try {
    const got = await s3.send(new GetObjectCommand({ Bucket: storage.bucket, Key: key }));
    if (!got.Body) throw new Error(`empty object s3://${storage.bucket}/${key}`);
    return JSON.parse(await got.Body.transformToString()) as StoredAllocation;
  } finally {
    s3.destroy();
  }
}
