import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { StorageConfig } from '../lib/config';

/**
 * Where runs keep their data: a bucket (S3, MinIO) or, without one, a local folder. Keys are the same in both.
 * Large data travels between steps as keys of objects here (claim checks), never as payloads.
 */
export interface ObjectStore {
  /** Writes unless the key exists; true when this call wrote it. Atomic on both backends. */
  putOnce(key: string, body: string): Promise<boolean>;
  /** Writes, replacing what was there. */
  put(key: string, body: string): Promise<void>;
  /** Undefined when there is no such object. */
  get(key: string): Promise<string | undefined>;
  /** Removes the object; nothing happens when there is none (an exchange's retention ends by deleting what it kept). */
  delete(key: string): Promise<void>;
  /** `s3://bucket/key` or the absolute file path, for people. */
  locate(key: string): string;
  close(): void;
}

export function createObjectStore(storage: StorageConfig): ObjectStore {
  return storage.bucket ? new BucketStore(storage, storage.bucket) : new FolderStore(storage.localDir);
}

class BucketStore implements ObjectStore {
  // Credentials come from the SDK's default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY...).
  private readonly s3: S3Client;
  constructor(
    storage: StorageConfig,
    private readonly bucket: string,
  ) {
    this.s3 = new S3Client({ region: storage.region, endpoint: storage.endpoint, forcePathStyle: storage.forcePathStyle });
  }

  async putOnce(key: string, body: string): Promise<boolean> {
    try {
      // If-None-Match makes the check and the write one atomic step (S3, MinIO).
      await this.s3.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType(key), IfNoneMatch: '*' }),
      );
      return true;
    } catch (err) {
      if (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 412) return false;
      throw err;
    }
  }

  async put(key: string, body: string): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType(key) }));
  }

  async get(key: string): Promise<string | undefined> {
    try {
      const got = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return await got.Body?.transformToString();
    } catch (err) {
      if (err instanceof NoSuchKey) return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  locate(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  close(): void {
    this.s3.destroy();
  }
}

class FolderStore implements ObjectStore {
  private readonly root: string;
  constructor(dir: string) {
    this.root = path.resolve(dir);
  }

  locate(key: string): string {
    const file = path.resolve(this.root, key);
    if (!file.startsWith(this.root + path.sep)) throw new Error(`object key outside the storage folder: ${key}`);
    return file;
  }

  /** Written aside then hard-linked into place, so the file is never seen half-written and never replaced. */
  async putOnce(key: string, body: string): Promise<boolean> {
    const tmp = await this.writeAside(key, body);
    try {
      await link(tmp, this.locate(key));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    } finally {
      await unlink(tmp);
    }
  }

  async put(key: string, body: string): Promise<void> {
    await rename(await this.writeAside(key, body), this.locate(key));
  }

  async get(key: string): Promise<string | undefined> {
    try {
      return await readFile(this.locate(key), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await unlink(this.locate(key)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  close(): void {}

  /** Readable by the owner only (0600 in 0700 folders): a run's files name people, and a draw is kept here, sealed. */
  private async writeAside(key: string, body: string): Promise<string> {
    const file = this.locate(key);
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${randomUUID()}.tmp`;
    await writeFile(tmp, body, { mode: 0o600 });
    return tmp;
  }
}

function contentType(key: string): string {
  return key.endsWith('.csv') ? 'text/csv; charset=utf-8' : 'application/json';
}
