/** `arn:aws:states:::aws-sdk:s3:<action>`: the common object actions, request and answer as the S3 API has them. */
import {
  CopyObjectCommand,
  type CopyObjectCommandInput,
  DeleteObjectCommand,
  type DeleteObjectCommandInput,
  GetObjectCommand,
  type GetObjectCommandInput,
  HeadObjectCommand,
  type HeadObjectCommandInput,
  ListObjectsV2Command,
  type ListObjectsV2CommandInput,
  PutObjectCommand,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import { MAX_PAYLOAD_BYTES } from '../quotas';
import type { AwsClients } from './clients';
import { serviceFailure, tooLarge } from './errors';
import { asText, plain, request } from './shapes';

async function call<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw serviceFailure('S3', error, 'sdk');
  }
}

/** An object's text, refused past `limit` bytes before it is read whole. */
export async function readText(clients: AwsClients, input: GetObjectCommandInput, limit: number, what: string) {
  const out = await call(() => clients.s3().send(new GetObjectCommand(input)));
  if ((out.ContentLength ?? 0) > limit) {
    out.Body?.transformToWebStream().cancel();
    throw tooLarge(what, limit);
  }
  return { out, text: (await out.Body?.transformToString('utf8')) ?? '' };
}

export function s3Activities(clients: AwsClients) {
  const s3 = () => clients.s3();
  return {
    /** Body as text (Step Functions' own answer), at most the 256 KiB a state's result may be. */
    async 'integration:s3:getObject'(input: unknown) {
      const args = request('aws-sdk:s3:getObject', input) as unknown as GetObjectCommandInput;
      const { out, text } = await readText(clients, args, MAX_PAYLOAD_BYTES, `s3://${args.Bucket}/${args.Key}`);
      return plain({ ...out, Body: text });
    },
    async 'integration:s3:headObject'(input: unknown) {
      const args = request('aws-sdk:s3:headObject', input) as unknown as HeadObjectCommandInput;
      return plain(await call(() => s3().send(new HeadObjectCommand(args))));
    },
    async 'integration:s3:putObject'(input: unknown) {
      const args = request('aws-sdk:s3:putObject', input);
      const body = args.Body === undefined ? '' : asText(args.Body);
      return plain(await call(() => s3().send(new PutObjectCommand({ ...(args as unknown as PutObjectCommandInput), Body: body }))));
    },
    async 'integration:s3:copyObject'(input: unknown) {
      const args = request('aws-sdk:s3:copyObject', input) as unknown as CopyObjectCommandInput;
      return plain(await call(() => s3().send(new CopyObjectCommand(args))));
    },
    async 'integration:s3:deleteObject'(input: unknown) {
      const args = request('aws-sdk:s3:deleteObject', input) as unknown as DeleteObjectCommandInput;
      return plain(await call(() => s3().send(new DeleteObjectCommand(args))));
    },
    async 'integration:s3:listObjectsV2'(input: unknown) {
      const args = request('aws-sdk:s3:listObjectsV2', input) as unknown as ListObjectsV2CommandInput;
      return plain(await call(() => s3().send(new ListObjectsV2Command(args))));
    },
  };
}
