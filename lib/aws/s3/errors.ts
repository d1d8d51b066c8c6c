import { AgentError } from '../../domain/errors';

/** An artifact exists but is not valid JSON: it was not written by this agent, or was cut short. */
export class ArtifactCorruptError extends AgentError {
  override readonly name = 'ArtifactCorruptError';
  readonly retryable = false;
  constructor(
    readonly bucket: string,
    readonly key: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`artifact s3://${bucket}/${key} is not valid JSON: ${detail}`, options);
  }
}

/**
 * S3 refused a request with 403. For GetObject that is also what a missing key looks
 * like when the role lacks s3:ListBucket on the bucket; with SSE-KMS, a KMS key policy
 * that refuses kms:Decrypt or kms:GenerateDataKey shows up here too.
 */
export class ArtifactAccessDeniedError extends AgentError {
  override readonly name = 'ArtifactAccessDeniedError';
  readonly retryable = false;
  constructor(
    readonly operation: 'GetObject' | 'PutObject',
    readonly bucket: string,
    readonly key: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    const needs =
      operation === 'GetObject'
        ? 's3:GetObject on the key and s3:ListBucket on the bucket'
        : 's3:PutObject on the key';
    super(
      `S3 refused ${operation} on s3://${bucket}/${key} (${code}): the function's role needs ${needs} (and kms:Decrypt/kms:GenerateDataKey when the bucket uses SSE-KMS)`,
      options,
    );
  }
}
