/**
 * A Distributed Map's ItemReader and ResultWriter over S3, as activities the interpreter calls around the Map:
 * - readItems: `arn:aws:states:::s3:getObject` with ReaderConfig.InputType JSON (an array), JSONL, CSV (header in
 *   the FIRST_ROW or GIVEN as CSVHeaders; CSVDelimiter) or `arn:aws:states:::s3:listObjectsV2` (a prefix's objects,
 *   each {Etag, Key, LastModified, Size, StorageClass}); ReaderConfig.MaxItems keeps the first ones.
 *   With `Slicing` (a host that runs shards), items too many to hold (over 256 KiB, or over 1,000 iterations) are
 *   answered as slices of the object instead (map-slices.ts), and each shard reads its own slice (`Slice`).
 * - writeResults: Step Functions' files under `<Prefix>/<map run id>/`: SUCCEEDED_0.json (FAILED_0.json for tolerated
 *   failures) and manifest.json listing them; a shard writes `<status>_<shard>_<n>.json` itself, and the manifest
 *   then lists what the shards wrote.
 */
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { jsonBytes, MAX_PAYLOAD_BYTES } from '../quotas';
import { ITEM_READER_ACTIVITY, RESULT_WRITER_ACTIVITY } from './catalog';
import type { AwsClients } from './clients';
import { DELIMITERS, parseCsv } from './csv';
import { serviceFailure, tooLarge } from './errors';
import { csvRowRanges, cutSlices, jsonElementRanges, jsonLineRanges, type Ranges } from './item-slices';
import { SLICED_MAP_LIMITS, type SliceRead, type SlicedItems, type SlicingRequest, type WrittenResult } from '../map-slices';

/** The most an item source may hold before it is parsed (the items themselves: 256 KiB, as any Map's). */
export const MAX_SOURCE_BYTES = 16 * 1024 * 1024;
/** Pages of listObjectsV2 a reader follows (1,000 keys each). */
const MAX_LIST_PAGES = 200;

export interface ReadItemsRequest {
  Resource: string;
  ReaderConfig?: { InputType?: string; CSVHeaderLocation?: string; CSVHeaders?: string[]; CSVDelimiter?: string; MaxItems?: number };
  Parameters: { Bucket?: unknown; Key?: unknown; Prefix?: unknown };
  /** Set by a host that runs shards: items too many to hold are answered as slices (map-slices.ts). */
  Slicing?: SlicingRequest;
  /** Set by a shard: read only this slice. */
  Slice?: SliceRead['Slice'];
}

export interface WriteResultsRequest {
  Bucket: string;
  Prefix?: string;
  MapRunArn: string;
  MapRunId: string;
  /** The whole Map's results, held by the parent; `Failed`: the indexes of tolerated failures ({Error, Cause}). */
  Results?: unknown[];
  Failed?: number[];
  /** A shard's results, written as `<status>_<Part>.json`; the manifest comes later. */
  Part?: string;
  Written?: WrittenResult[];
  /** After the shards: the manifest of every result file under the Map run's prefix. */
  Manifest?: boolean;
}

type ResultFile = { Key: string; Size: number };
type Status = 'SUCCEEDED' | 'FAILED' | 'PENDING';

const fail = (message: string) => ApplicationFailure.nonRetryable(message, 'States.ItemReaderFailed');

export function itemActivities(clients: AwsClients) {
  return {
    async [ITEM_READER_ACTIVITY](request: ReadItemsRequest): Promise<unknown[] | SlicedItems> {
      const { Bucket, Key, Prefix } = request.Parameters ?? {};
      if (typeof Bucket !== 'string') throw fail('ItemReader.Parameters needs a Bucket string');
      const config = request.ReaderConfig ?? {};
      const max = config.MaxItems && config.MaxItems > 0 ? config.MaxItems : Number.POSITIVE_INFINITY;
      let items: unknown[];
      if (/:s3:listObjectsV2$/.test(request.Resource))
        items = (await listed(clients, Bucket, typeof Prefix === 'string' ? Prefix : undefined, max)).slice(0, max);
      else {
        if (typeof Key !== 'string') throw fail('ItemReader.Parameters needs a Key string');
        const where = `s3://${Bucket}/${Key}`;
        if (request.Slice) return readSlice(clients, { Bucket, Key }, config, request.Slice, where);
        const object = await readObject(clients, { Bucket, Key }, `The ItemReader's object ${where}`);
        items = parse(object.text, config, max, where);
        if (items.length > max) items = items.slice(0, max);
        // More than the parent may hold (or start children for in one history): where the items lie instead.
        const perIteration = request.Slicing?.ItemsPerIteration ?? 0;
        const many = Math.ceil(items.length / perIteration) > SLICED_MAP_LIMITS.heldIterations;
        if (perIteration > 0 && (many || jsonBytes(items) > MAX_PAYLOAD_BYTES)) return slicesOf(object, items, config, perIteration, where);
      }
      if (jsonBytes(items) > MAX_PAYLOAD_BYTES) throw tooLarge(`The items read by the ItemReader`, MAX_PAYLOAD_BYTES);
      return items;
    },

    async [RESULT_WRITER_ACTIVITY](request: WriteResultsRequest): Promise<{ Bucket: string; Key: string }> {
      const base = `${request.Prefix ? `${request.Prefix.replace(/\/$/, '')}/` : ''}${request.MapRunId}`;
      const put = async (Key: string, body: string): Promise<ResultFile> => {
        try {
          await clients.s3().send(new PutObjectCommand({ Bucket: request.Bucket, Key, Body: body, ContentType: 'application/json' }));
        } catch (error) {
          throw serviceFailure('S3', error, 'sdk');
        }
        return { Key, Size: Buffer.byteLength(body) };
      };
      const files: Record<Status, ResultFile[]> = { FAILED: [], PENDING: [], SUCCEEDED: [] };
      if (request.Manifest) Object.assign(files, await resultFiles(clients, request.Bucket, `${base}/`));
      else {
        const failed = new Set(request.Failed ?? []);
        const written: WrittenResult[] =
          request.Written ??
          (request.Results ?? []).map((value, Index) =>
            failed.has(Index) ? { Index, ...(value as { Error?: string; Cause?: string }) } : { Index, Output: value },
          );
        const part = request.Part ?? '0';
        const succeeded = written.filter((r) => 'Output' in r).map((r) => resultEntry(request.MapRunArn, r));
        const failures = written.filter((r) => !('Output' in r)).map((r) => resultEntry(request.MapRunArn, r));
        // The Map's own file always (Step Functions writes SUCCEEDED_0.json even when empty); a shard's when it has some.
        if (succeeded.length > 0 || request.Part === undefined)
          files.SUCCEEDED.push(await put(`${base}/SUCCEEDED_${part}.json`, JSON.stringify(succeeded)));
        if (failures.length > 0) files.FAILED.push(await put(`${base}/FAILED_${part}.json`, JSON.stringify(failures)));
        if (request.Part !== undefined) return { Bucket: request.Bucket, Key: base };
      }
      const manifest = { DestinationBucket: request.Bucket, MapRunArn: request.MapRunArn, ResultFiles: files };
      const Key = `${base}/manifest.json`;
      await put(Key, JSON.stringify(manifest));
      return { Bucket: request.Bucket, Key };
    },
  };
}

/** One child execution's line in a result file, as Step Functions writes it. */
function resultEntry(mapRunArn: string, result: WrittenResult) {
  const head = { ExecutionArn: `${mapRunArn}:${result.Index}`, Name: String(result.Index) };
  if ('Output' in result) return { ...head, Output: JSON.stringify(result.Output), OutputDetails: { Included: true }, Status: 'SUCCEEDED' };
  return { ...head, Error: result.Error, Cause: result.Cause, Status: 'FAILED' };
}

/** The result files the shards wrote under `prefix`, by status, in the order of their parts. */
async function resultFiles(clients: AwsClients, Bucket: string, prefix: string): Promise<Record<Status, ResultFile[]>> {
  const files: Record<Status, ResultFile[]> = { FAILED: [], PENDING: [], SUCCEEDED: [] };
  let ContinuationToken: string | undefined;
  do {
    let out: ListObjectsV2CommandOutput;
    try {
      out = await clients.s3().send(new ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken }));
    } catch (error) {
      throw serviceFailure('S3', error, 'sdk');
    }
    for (const o of out.Contents ?? []) {
      const status = /^(SUCCEEDED|FAILED|PENDING)_[\w-]+\.json$/.exec(o.Key!.slice(prefix.length))?.[1] as Status | undefined;
      if (status) files[status].push({ Key: o.Key!, Size: o.Size ?? 0 });
    }
    ContinuationToken = out.NextContinuationToken;
  } while (ContinuationToken);
  const order = (key: string) => key.replace(/\d+/g, (n) => n.padStart(10, '0'));
  for (const list of Object.values(files)) list.sort((a, b) => (order(a.Key) < order(b.Key) ? -1 : 1));
  return files;
}

interface ObjectRead {
  bytes: Uint8Array;
  text: string;
  etag?: string;
}

/** The object whole, refused past MAX_SOURCE_BYTES before it is read. */
async function readObject(clients: AwsClients, input: { Bucket: string; Key: string }, what: string): Promise<ObjectRead> {
  let out: GetObjectCommandOutput;
  try {
    out = await clients.s3().send(new GetObjectCommand(input));
  } catch (error) {
    throw serviceFailure('S3', error, 'sdk');
  }
  if ((out.ContentLength ?? 0) > MAX_SOURCE_BYTES) {
    out.Body?.transformToWebStream().cancel();
    throw tooLarge(what, MAX_SOURCE_BYTES);
  }
  const bytes = (await out.Body?.transformToByteArray()) ?? new Uint8Array();
  return { bytes, text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), etag: out.ETag };
}

/** Where the items lie: slices of whole iterations, each small enough for a shard to hold. */
function slicesOf(
  object: ObjectRead,
  items: unknown[],
  config: NonNullable<ReadItemsRequest['ReaderConfig']>,
  perIteration: number,
  where: string,
): SlicedItems {
  const type = config.InputType ?? 'JSON';
  let ranges: Ranges;
  let CSVHeaders: string[] | undefined;
  if (type === 'CSV') {
    const given = config.CSVHeaderLocation === 'GIVEN';
    ranges = csvRowRanges(object.bytes, DELIMITERS[config.CSVDelimiter ?? 'COMMA'], items.length + (given ? 0 : 1));
    if (given) CSVHeaders = config.CSVHeaders;
    else {
      const [start, end] = ranges.shift()!;
      CSVHeaders = parseCsv(Buffer.from(object.bytes.subarray(start, end)).toString('utf8'), DELIMITERS[config.CSVDelimiter ?? 'COMMA'])[0];
    }
  } else if (type === 'JSONL') ranges = jsonLineRanges(object.text, items.length);
  else ranges = jsonElementRanges(object.bytes).slice(0, items.length);
  if (ranges.length !== items.length) throw fail(`${where}: ${items.length} items parsed but ${ranges.length} found to slice`);
  const slices = cutSlices(
    ranges,
    items.map((item) => jsonBytes(item)),
    perIteration,
  );
  if ('tooLarge' in slices) throw tooLarge(`The items of iteration ${slices.tooLarge} read from ${where}`, SLICED_MAP_LIMITS.sliceBytes);
  if (slices.length > SLICED_MAP_LIMITS.slices) {
    throw fail(
      `${where} holds ${items.length} items, more than a Map runs in ${SLICED_MAP_LIMITS.slices} slices; ` +
        'fewer items, or more in a batch (ItemBatcher)',
    );
  }
  return { Sliced: { ItemCount: items.length, Slices: slices, ...(CSVHeaders ? { CSVHeaders } : {}), ETag: object.etag } };
}

/** A shard's slice: a ranged read of the object as it was when sliced (IfMatch its ETag). */
async function readSlice(
  clients: AwsClients,
  input: { Bucket: string; Key: string },
  config: NonNullable<ReadItemsRequest['ReaderConfig']>,
  slice: SliceRead['Slice'],
  where: string,
): Promise<unknown[]> {
  let text: string;
  try {
    const out = await clients
      .s3()
      .send(new GetObjectCommand({ ...input, Range: `bytes=${slice.Start}-${slice.End - 1}`, IfMatch: slice.ETag }));
    text = (await out.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    throw serviceFailure('S3', error, 'sdk');
  }
  const at = `${where}, items ${slice.First + 1} to ${slice.First + slice.Count}`;
  const type = config.InputType ?? 'JSON';
  let items: unknown[];
  if (type === 'CSV') items = csvItems(parseCsv(text, DELIMITERS[config.CSVDelimiter ?? 'COMMA']), slice.CSVHeaders ?? [], at, slice.First);
  else if (type === 'JSONL') items = parse(text, config, Number.POSITIVE_INFINITY, at);
  else items = parse(`[${text}]`, config, Number.POSITIVE_INFINITY, at);
  if (items.length !== slice.Count) throw fail(`${at}: ${items.length} items read, ${slice.Count} expected`);
  return items;
}

/** A CSV's rows as objects keyed by the header; `first`: the index of the first row's item, for errors. */
function csvItems(rows: string[][], headers: string[], where: string, first = 0): unknown[] {
  return rows.map((row, i) => {
    if (row.length > headers.length) throw fail(`${where}, row ${first + i + 1}: ${row.length} cells for ${headers.length} headers`);
    return Object.fromEntries(headers.map((h, k) => [h, row[k] ?? '']));
  });
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
    return csvItems(rows, headers, where);
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
