import {
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { ArtifactStore } from '../../ports';
import { UnexpectedResponseError } from '../errors';
import { ArtifactAccessDeniedError, ArtifactCorruptError } from './errors';

export interface S3ArtifactStoreOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Prepended to every key, joined with `/` (`agent` + `upgrades/u1/plan.json` → `agent/upgrades/u1/plan.json`). */
  readonly prefix?: string;
  /**
   * Encrypt new artifacts with this KMS key (SSE-KMS). Without it no encryption header
   * is sent and the bucket's default encryption applies.
   */
  readonly kmsKeyId?: string;
}

/**
 * The AWS artifact store: one JSON object per key in S3. Throttling and 5xx answers
 * are retried by the SDK (adaptive retry, client-config.ts); what is left surfaces
 * as the SDK's own error, except AccessDenied, which becomes ArtifactAccessDeniedError
 * naming the bucket, the key and the permission to grant.
 */
export class S3ArtifactStore implements ArtifactStore {
  readonly bucket: string;
  readonly prefix: string;
  private readonly client: S3Client;
  private readonly kmsKeyId: string | undefined;

  constructor(options: S3ArtifactStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = (options.prefix ?? '').replace(/\/+$/, '');
    this.kmsKeyId = options.kmsKeyId;
  }

  /** The S3 key an artifact key is stored under. */
  objectKey(key: string): string {
    return this.prefix === '' ? key : `${this.prefix}/${key}`;
  }

  /**
   * Writes `value` as JSON (one PutObject: S3 never shows a reader half an object).
   * @throws ArtifactCorruptError when `value` has no JSON form (undefined, a function).
   * @throws ArtifactAccessDeniedError when S3 answers 403.
   */
  async putJson(key: string, value: unknown): Promise<void> {
    const objectKey = this.objectKey(key);
    const body = JSON.stringify(value);
    if (body === undefined) {
      throw new ArtifactCorruptError(
        this.bucket,
        objectKey,
        `refusing to store a value with no JSON form (${typeof value})`,
      );
    }
    const input: PutObjectCommandInput = {
      Bucket: this.bucket,
      Key: objectKey,
      Body: body,
      ContentType: 'application/json',
    };
    if (this.kmsKeyId !== undefined) {
      input.ServerSideEncryption = 'aws:kms';
      input.SSEKMSKeyId = this.kmsKeyId;
    }
    try {
      await this.client.send(new PutObjectCommand(input));
    } catch (error) {
      throw this.mapError(error, 'PutObject', objectKey);
    }
  }

  /**
   * The stored value; undefined when there is no such object.
   * @throws ArtifactCorruptError (naming the key) when the object is not valid JSON.
   * @throws ArtifactAccessDeniedError when S3 answers 403 (a missing key does too without s3:ListBucket).
   */
  async getJson(key: string): Promise<unknown> {
    const objectKey = this.objectKey(key);
    let text: string;
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      if (out.Body === undefined) throw new UnexpectedResponseError('GetObject', `no body for ${objectKey}`);
      text = await out.Body.transformToString('utf-8');
    } catch (error) {
      if (isNoSuchKey(error)) return undefined;
      throw this.mapError(error, 'GetObject', objectKey);
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new ArtifactCorruptError(this.bucket, objectKey, detail, { cause: error });
    }
  }

  private mapError(error: unknown, operation: 'GetObject' | 'PutObject', objectKey: string): unknown {
    if (isAccessDenied(error)) {
      return new ArtifactAccessDeniedError(operation, this.bucket, objectKey, error.name, { cause: error });
    }
    return error;
  }
}

function isNoSuchKey(error: unknown): boolean {
  return error instanceof NoSuchKey || (error instanceof S3ServiceException && error.name === 'NoSuchKey');
}

function isAccessDenied(error: unknown): error is S3ServiceException {
  return (
    error instanceof S3ServiceException &&
    (error.name === 'AccessDenied' || error.$metadata?.httpStatusCode === 403)
  );
}
