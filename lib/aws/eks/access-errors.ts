import { AgentError } from '../../domain/errors';

/**
 * What goes wrong when a person (not a Lambda role) reads a cluster: missing or
 * rejected credentials, a profile or region that does not exist, a permission the
 * identity lacks. Each names what to change; none is retried by waiting.
 */

/** The identity may not call one API action; the message names the IAM action to allow. */
export class AwsAccessDeniedError extends AgentError {
  override readonly name = 'AwsAccessDeniedError';
  readonly retryable = false;
  constructor(
    readonly action: string,
    awsMessage: string,
    options?: { cause?: unknown },
  ) {
    super(
      `access denied to ${action}: allow the IAM action ${action} to this identity (or use --profile for one that has it). AWS says: ${awsMessage}`,
      options,
    );
  }
}

/** No credentials anywhere in the SDK's default chain. */
export class NoCredentialsError extends AgentError {
  override readonly name = 'NoCredentialsError';
  readonly retryable = false;
  constructor(options?: { cause?: unknown }) {
    super(
      'no AWS credentials found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, run `aws sso login` or `aws configure`, ' +
        'or pass --profile NAME for a profile in ~/.aws/config (the SDK looked in the environment, the shared config and ' +
        'credentials files, SSO, web identity, the container and instance metadata).',
      options,
    );
  }
}

/** A named profile gave no credentials: it is not in the shared files, or it is incomplete. */
export class ProfileCredentialsError extends AgentError {
  override readonly name = 'ProfileCredentialsError';
  readonly retryable = false;
  constructor(
    readonly profile: string,
    sdkMessage: string,
    options?: { cause?: unknown },
  ) {
    super(
      `profile ${profile} gives no AWS credentials: it is missing from the shared config/credentials files ` +
        `(AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/) or has no usable keys, SSO session or role. SDK says: ${sdkMessage}`,
      options,
    );
  }
}

/** AWS refused the credentials themselves (unknown key, bad signature, expired session). */
export class InvalidCredentialsError extends AgentError {
  override readonly name = 'InvalidCredentialsError';
  readonly retryable = false;
  constructor(code: string, awsMessage: string, options?: { cause?: unknown }) {
    super(
      `AWS rejected the credentials (${code}): they are unknown, mistyped or expired; refresh them (e.g. \`aws sso login\`). AWS says: ${awsMessage}`,
      options,
    );
  }
}

/** No region from --region, AWS_REGION or the profile; or one that is not a region name. */
export class RegionError extends AgentError {
  override readonly name = 'RegionError';
  readonly retryable = false;
}

/** The endpoint could not be reached (no such host, connection refused): usually a wrong region or no network. */
export class AwsUnreachableError extends AgentError {
  override readonly name = 'AwsUnreachableError';
  readonly retryable = true;
}

const ACCESS_DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation']);
const BAD_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'AuthFailure',
  'ExpiredToken',
  'ExpiredTokenException',
]);
const NO_ROUTE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH']);

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

/** The AWS error's message on one line (EKS puts the denied ARN and action there). */
function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
}

/**
 * Runs one AWS call (or a paginated family of them) and turns "access denied" into
 * an error naming the IAM action. Everything else passes through unchanged, so the
 * state machine's Retry on ThrottlingException and friends still sees AWS's names.
 * @throws AwsAccessDeniedError when AWS answers AccessDeniedException or UnauthorizedOperation.
 */
export async function naming<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (ACCESS_DENIED.has(errorName(error))) {
      throw new AwsAccessDeniedError(action, oneLine(error), { cause: error });
    }
    throw error;
  }
}

/**
 * Explains a failure of the person's AWS environment (credentials, profile, region,
 * network) as a named error; returns the error unchanged when it is none of those.
 */
export function explainAwsEnvironmentError(
  error: unknown,
  context: { profile?: string; region?: string; service?: string },
): unknown {
  if (error instanceof AgentError) return error;
  const name = errorName(error);
  const message = oneLine(error);
  if (name === 'CredentialsProviderError') {
    return context.profile === undefined
      ? new NoCredentialsError({ cause: error })
      : new ProfileCredentialsError(context.profile, message, { cause: error });
  }
  if (BAD_CREDENTIALS.has(name)) return new InvalidCredentialsError(name, message, { cause: error });
  if (message === 'Region is missing') {
    return new RegionError('no AWS region: pass --region, set AWS_REGION, or set region in the profile', {
      cause: error,
    });
  }
  const code = (error as { code?: unknown } | null)?.code;
  // NXDOMAIN from AWS's own DNS: the name does not exist, which for <service>.<region>.amazonaws.com means the region.
  if (code === 'ENOTFOUND' && context.region !== undefined) {
    return new RegionError(
      `region ${context.region} has no ${context.service ?? 'EKS'} endpoint (${message}): check --region, AWS_REGION or the profile's region`,
      { cause: error },
    );
  }
  if (typeof code === 'string' && NO_ROUTE.has(code)) {
    const where = context.region ? ` in region ${context.region}` : '';
    return new AwsUnreachableError(
      `cannot reach AWS${where} (${code}): check --region (a region name such as us-west-2) and the network. ${message}`,
      { cause: error },
    );
  }
  return error;
}
