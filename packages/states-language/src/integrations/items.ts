/**
 * A Distributed Map's ItemReader and ResultWriter over S3, as activities the interpreter calls around the Map:
 * - readItems: `arn:aws:states:::s3:getObject` with ReaderConfig.InputType JSON (an array), JSONL, CSV (header in
 *   the FIRST_ROW or GIVEN as CSVHeaders; CSVDelimiter) or `arn:aws:states:::s3:listObjectsV2` (a prefix's objects,
 *   each {Etag, Key, LastModified, Size, StorageClass}); ReaderConfig.MaxItems keeps the first ones.
 * - writeResults: Step Functions' files under `<Prefix>/<map run id>/`: manifest.json and SUCCEEDED_0.json.
 */
import { ListObjectsV2Command, type ListObjectsV2CommandOutput, PutObjectCommand } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { jsonBytes, MAX_PAYLOAD_BYTES } from '../quotas';
import { ITEM_READER_ACTIVITY, RESULT_WRITER_ACTIVITY } from './catalog';
import type { AwsClients } from './clients';
import { DELIMITERS, parseCsv } from './csv';
import { serviceFailure, tooLarge } from './errors';
import { readText } from './s3';

/** The most an item source may hold before it is parsed (the items themselves: 256 KiB, as any Map's). */
export const MAX_SOURCE_BYTES = 16 * 1024 * 1024;
/** Pages of listObjectsV2 a reader follows (1,000 keys each). */
const MAX_LIST_PAGES = 200;

export interface ReadItemsRequest {
  Resource: string;
  ReaderConfig?: { InputType?: string; CSVHeaderLocation?: string; CSVHeaders?: string[]; CSVDelimiter?: string; MaxItems?: number };
  Parameters: { Bucket?: unknown; Key?: unknown; Prefix?: unknown };
}

export interface WriteResultsRequest {
  Bucket: string;
  Prefix?: string;
  MapRunArn: string;
  MapRunId: string;
  Results: unknown[];
}

const fail = (message: string) => ApplicationFailure.nonRetryable(message, 'States.ItemReaderFailed');

export function itemActivities(clients: AwsClients) {
  return {
    async [ITEM_READER_ACTIVITY](request: ReadItemsRequest): Promise<unknown[]> {
      const { Bucket, Key, Prefix } = request.Parameters ?? {};
      if (typeof Bucket !== 'string') throw fail('ItemReader.Parameters needs a Bucket string');
      const config = request.ReaderConfig ?? {};
      const max = config.MaxItems && config.MaxItems > 0 ? config.MaxItems : Number.POSITIVE_INFINITY;
      let items: unknown[];
      if (/:s3:listObjectsV2$/.test(request.Resource))
        items = await listed(clients, Bucket, typeof Prefix === 'string' ? Prefix : undefined, max);
      else {
        if (typeof Key !== 'string') throw fail('ItemReader.Parameters needs a Key string');
        const where = `s3://${Bucket}/${Key}`;
        const { text } = await readText(clients, { Bucket, Key }, MAX_SOURCE_BYTES, `The ItemReader's object ${where}`);
        items = parse(text, config, max, where);
      }
      if (items.length > max) items = items.slice(0, max);
      if (jsonBytes(items) > MAX_PAYLOAD_BYTES) throw tooLarge(`The items read by the ItemReader`, MAX_PAYLOAD_BYTES);
      return items;
    },

    async [RESULT_WRITER_ACTIVITY](request: WriteResultsRequest): Promise<{ Bucket: string; Key: string }> {
      const base = `${request.Prefix ? `${request.Prefix.replace(/\/$/, '')}/` : ''}${request.MapRunId}`;
      const put = async (Key: string, body: string) => {
        try {
          await clients.s3().send(new PutObjectCommand({ Bucket: request.Bucket, Key, Body: body, ContentType: 'application/json' }));
        } catch (error) {
          throw serviceFailure('S3', error, 'sdk');
        }
        return Buffer.byteLength(body);
      };
      const results = request.Results.map((output, index) => ({
        ExecutionArn: `${request.MapRunArn}:${index}`,
        Name: String(index),
        Output: JSON.stringify(output),
        OutputDetails: { Included: true },
        Status: 'SUCCEEDED',
      }));
      const resultsKey = `${base}/SUCCEEDED_0.json`;
      const size = await put(resultsKey, JSON.stringify(results));
      const manifest = {
        DestinationBucket: request.Bucket,
        MapRunArn: request.MapRunArn,
        ResultFiles: { FAILED: [], PENDING: [], SUCCEEDED: [{ Key: resultsKey, Size: size }] },
      };
      const Key = `${base}/manifest.json`;
      await put(Key, JSON.stringify(manifest));
      return { Bucket: request.Bucket, Key };
    },
  };
}

function parse(text: string, config: NonNullable<ReadItemsRequest['ReaderConfig']>, max: number, where: string): unknown[] {
  const type = config.InputType ?? 'JSON';
  if (type === 'JSON') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw fail(`${where} is not JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(value)) throw fail(`${where} holds no JSON array`);
    return value;
  }
  if (type === 'JSONL') {
    const items: unknown[] = [];
    const lines = text.split('\n');
    for (let i = 0; i < lines.length && items.length < max; i++) {
      if (lines[i].trim() === '') continue;
      try {
        items.push(JSON.parse(lines[i]));
      } catch {
        throw fail(`${where}, line ${i + 1}: not JSON`);
      }
    }
    return items;
  }
  if (type === 'CSV') {
    const delimiter = DELIMITERS[config.CSVDelimiter ?? 'COMMA'];
    if (!delimiter) throw fail(`CSVDelimiter is one of ${Object.keys(DELIMITERS).join(', ')}`);
    const given = config.CSVHeaderLocation === 'GIVEN';
    const rows = parseCsv(text, delimiter, given ? max : max + 1);
    const headers = given ? config.CSVHeaders : rows.shift();
    if (!headers || headers.length === 0) throw fail(`${where}: no CSV header (CSVHeaders, or a first row)`);
    return rows.map((row, i) => {
      if (row.length > headers.length) throw fail(`${where}, row ${i + 1}: ${row.length} cells for ${headers.length} headers`);
      return Object.fromEntries(headers.map((h, k) => [h, row[k] ?? '']));
    });
  }
  throw fail(`ReaderConfig.InputType ${JSON.stringify(type)} is not supported: JSON, JSONL or CSV`);
}

async function listed(clients: AwsClients, Bucket: string, Prefix: string | undefined, max: number): Promise<unknown[]> {
  const items: unknown[] = [];
  let ContinuationToken: string | undefined;
  for (let page = 0; page < MAX_LIST_PAGES && items.length < max; page++) {
    let out: ListObjectsV2CommandOutput;
    try {
      out = await clients.s3().send(new ListObjectsV2Command({ Bucket, Prefix, ContinuationToken }));
    } catch (error) {
      throw serviceFailure('S3', error, 'sdk');
    }
    for (const o of out.Contents ?? []) {
      items.push({ Etag: o.ETag, Key: o.Key, LastModified: o.LastModified?.toISOString(), Size: o.Size, StorageClass: o.StorageClass });
    }
    ContinuationToken = out.NextContinuationToken;
    if (!ContinuationToken) break;
  }
  return items;
}
