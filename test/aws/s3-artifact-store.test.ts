import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { S3ArtifactStore } from '../../lib/aws/s3/artifact-store';
import { createS3Client } from '../../lib/aws/s3/clients';
import { ArtifactAccessDeniedError, ArtifactCorruptError } from '../../lib/aws/s3/errors';

const s3 = mockClient(S3Client);
const BUCKET = 'agent-artifacts';

/** A GetObject body as the SDK gives it (only what the store reads). */
function body(text: string): GetObjectCommandOutput['Body'] {
  return { transformToString: async () => text } as unknown as GetObjectCommandOutput['Body'];
}

function store(options: { prefix?: string; kmsKeyId?: string } = {}) {
  return new S3ArtifactStore({ client: new S3Client({}), bucket: BUCKET, ...options });
}

/** A bucket in memory behind the mock: what PutObject stored, GetObject returns. */
function inMemoryBucket(): Map<string, string> {
  const objects = new Map<string, string>();
  s3.on(PutObjectCommand).callsFake((input) => {
    objects.set(`${input.Bucket}/${input.Key}`, String(input.Body));
    return {};
  });
  s3.on(GetObjectCommand).callsFake((input) => {
    const text = objects.get(`${input.Bucket}/${input.Key}`);
    if (text === undefined)
      throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
    return { Body: body(text) };
  });
  return objects;
}

function accessDenied(): S3ServiceException {
  return new S3ServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    $metadata: { httpStatusCode: 403 },
    message: 'Access Denied',
  });
}

beforeEach(() => s3.reset());

describe('S3ArtifactStore', () => {
  test('a value written with putJson reads back equal', async () => {
    const objects = inMemoryBucket();
    const artifacts = store();
    const plan = {
      upgradeId: 'u1',
      steps: [{ id: 'cp', kind: 'control-plane', to: '1.30' }],
      blocked: false,
    };
    await artifacts.putJson('upgrades/u1/plan.json', plan);
    expect(await artifacts.getJson('upgrades/u1/plan.json')).toEqual(plan);
    expect([...objects.keys()]).toEqual([`${BUCKET}/upgrades/u1/plan.json`]);
  });

  test('putJson sends JSON with its content type and leaves encryption to the bucket', async () => {
    s3.on(PutObjectCommand).resolves({});
    await store().putJson('upgrades/u1/record.json', { phase: 'execution', n: 1 });
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 1);
    const input = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      Bucket: BUCKET,
      Key: 'upgrades/u1/record.json',
      ContentType: 'application/json',
    });
    expect(JSON.parse(String(input?.Body))).toEqual({ phase: 'execution', n: 1 });
    expect(input).not.toHaveProperty('ServerSideEncryption');
    expect(input).not.toHaveProperty('SSEKMSKeyId');
  });

  test('with a KMS key, putJson asks for SSE-KMS with that key', async () => {
    s3.on(PutObjectCommand).resolves({});
    await store({ kmsKeyId: 'alias/agent' }).putJson('upgrades/u1/plan.json', {});
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'alias/agent',
    });
  });

  test('a prefix is joined to every key with one slash', async () => {
    inMemoryBucket();
    const artifacts = store({ prefix: 'dev/' });
    await artifacts.putJson('upgrades/u1/plan.json', [1, 2]);
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Key: 'dev/upgrades/u1/plan.json' });
    expect(await artifacts.getJson('upgrades/u1/plan.json')).toEqual([1, 2]);
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, {
      Bucket: BUCKET,
      Key: 'dev/upgrades/u1/plan.json',
    });
  });

  test('a missing key reads as undefined', async () => {
    inMemoryBucket();
    expect(await store().getJson('upgrades/nope/plan.json')).toBeUndefined();
  });

  test('an object that is not JSON raises ArtifactCorruptError naming the key', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body('{"upgradeId": "u1", "steps": [') });
    const error = await store()
      .getJson('upgrades/u1/plan.json')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArtifactCorruptError);
    expect(error).toMatchObject({
      name: 'ArtifactCorruptError',
      retryable: false,
      key: 'upgrades/u1/plan.json',
    });
    expect((error as Error).message).toContain(`s3://${BUCKET}/upgrades/u1/plan.json`);
  });

  test('AccessDenied on GetObject raises ArtifactAccessDeniedError naming key and permissions', async () => {
    const denied = accessDenied();
    s3.on(GetObjectCommand).rejects(denied);
    const error = await store()
      .getJson('upgrades/u1/plan.json')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArtifactAccessDeniedError);
    expect(error).toMatchObject({
      name: 'ArtifactAccessDeniedError',
      retryable: false,
      operation: 'GetObject',
      bucket: BUCKET,
      key: 'upgrades/u1/plan.json',
      code: 'AccessDenied',
    });
    expect((error as Error).message).toContain('s3:ListBucket');
    expect((error as Error).cause).toBe(denied);
  });

  test('AccessDenied on PutObject raises ArtifactAccessDeniedError', async () => {
    s3.on(PutObjectCommand).rejects(accessDenied());
    await expect(store().putJson('upgrades/u1/plan.json', {})).rejects.toMatchObject({
      name: 'ArtifactAccessDeniedError',
      operation: 'PutObject',
      message: expect.stringContaining('s3:PutObject'),
    });
  });

  test('other S3 errors propagate unchanged', async () => {
    const slowDown = new S3ServiceException({
      name: 'SlowDown',
      $fault: 'server',
      $metadata: { httpStatusCode: 503 },
      message: 'Please reduce your request rate.',
    });
    s3.on(GetObjectCommand).rejects(slowDown);
    await expect(store().getJson('upgrades/u1/plan.json')).rejects.toBe(slowDown);
  });

  test('a response without a body is an UnexpectedResponseError', async () => {
    s3.on(GetObjectCommand).resolves({});
    await expect(store().getJson('upgrades/u1/plan.json')).rejects.toMatchObject({
      name: 'UnexpectedResponseError',
    });
  });

  test('a value with no JSON form is refused before any call', async () => {
    await expect(store().putJson('upgrades/u1/plan.json', undefined)).rejects.toBeInstanceOf(
      ArtifactCorruptError,
    );
    expect(s3.calls()).toHaveLength(0);
  });

  test('createS3Client uses adaptive retry', async () => {
    const client = createS3Client({ region: 'eu-west-1', maxAttempts: 4 });
    expect(await client.config.maxAttempts()).toBe(4);
    const retryMode = client.config.retryMode;
    expect(typeof retryMode === 'function' ? await retryMode() : retryMode).toBe('adaptive');
    expect(await client.config.region()).toBe('eu-west-1');
  });
});
