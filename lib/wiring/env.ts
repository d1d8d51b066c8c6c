import * as z from 'zod';
import { AgentError } from '../domain/errors';
import { lazy } from '../domain/lazy';

/**
 * The environment a deployed handler reads (set by serverless.yml). Validated once
 * at cold start, so a mis-deployed function fails with the variable's name rather
 * than with an SDK error about an empty bucket name three calls later.
 */
export class MissingEnvironmentError extends AgentError {
  override readonly name = 'MissingEnvironmentError';
  readonly retryable = false;
}

const awsEnvSchema = lazy(() =>
  z.object({
    EKS_UPGRADE_AGENT_STAGE: z.string().min(1),
    EVENT_BUS_NAME: z.string().min(1),
    ARTIFACT_BUCKET: z.string().min(1),
    AGENT_TABLE: z.string().min(1),
    /** The trigger (starts executions) and the api function (reads and answers them). */
    STATE_MACHINE_ARN: z.string().min(1).optional(),
    /** Only the api function: the audit log group, where the upgrade page reads an upgrade's events. */
    AUDIT_LOG_GROUP: z.string().min(1).optional(),
    /** Only the execution function: the state machine's TimeoutSeconds, which serverless.yml reads from its file. */
    EXECUTION_TIMEOUT_SECONDS: z.coerce.number().int().positive().optional(),
  }),
);
export type AwsEnv = z.infer<ReturnType<typeof awsEnvSchema>>;

/** @throws MissingEnvironmentError naming every missing variable. */
export function readAwsEnv(env: NodeJS.ProcessEnv): AwsEnv {
  const result = awsEnvSchema().safeParse(env);
  if (!result.success) {
    const names = result.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new MissingEnvironmentError(
      `the function's environment lacks ${names}; serverless.yml sets these on deploy (is this the AWS backend by mistake?)`,
    );
  }
  return result.data;
}

export type Backend = 'aws' | 'sandbox';

/**
 * Which adapters the handlers use. serverless.yml bakes the value into each bundle
 * with esbuild's `define`, so the AWS bundles do not contain the sandbox at all.
 * @throws MissingEnvironmentError for an unknown value.
 */
export function backendFrom(value: string | undefined): Backend {
  if (value === undefined || value === '' || value === 'aws') return 'aws';
  if (value === 'sandbox') return 'sandbox';
  throw new MissingEnvironmentError(
    `EKS_UPGRADE_AGENT_BACKEND must be "aws" or "sandbox", not ${JSON.stringify(value)}`,
  );
}
