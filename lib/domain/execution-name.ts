import { InvalidRequestError } from './errors';
import { shortHash } from './hash';

/** Step Functions execution names: 1-80 characters. */
export const MAX_EXECUTION_NAME = 80;
const HASH_LENGTH = 12;
const READABLE_LENGTH = MAX_EXECUTION_NAME - HASH_LENGTH - 1;

export interface ExecutionNameParts {
  readonly clusterName: string;
  readonly targetVersion: string;
  readonly requestId: string;
}

function clean(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '-');
}

/**
 * The deterministic execution name of one upgrade request:
 * "<cluster>-<target>-<request>-<hash>", e.g. "prod-1-30-req42-3f9c0a1b2d4e".
 * The readable part is cut to fit 80 characters; the hash covers the exact
 * parts, so two different requests never share a name (cluster names may hold
 * "-", so the readable part alone could collide) and the same request always
 * gets the same one: a duplicate StartExecution is then idempotent.
 */
export function executionName(parts: ExecutionNameParts): string {
  const exact = [parts.clusterName, parts.targetVersion, parts.requestId].join('\u0000');
  const readable = [parts.clusterName, parts.targetVersion, parts.requestId].map(clean).join('-');
  return `${readable.slice(0, READABLE_LENGTH)}-${shortHash(exact, HASH_LENGTH)}`;
}

/** The leading characters every execution name of a cluster shares (to pre-filter listings). */
export function executionNamePrefix(clusterName: string): string {
  return `${clean(clusterName)}-`.slice(0, READABLE_LENGTH);
}

/**
 * Checks a caller-given execution name.
 * @throws InvalidRequestError when it is empty, too long or uses other characters.
 */
export function assertExecutionName(name: string): void {
  // Only these characters keep CloudWatch logging and every console view working.
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) {
    throw new InvalidRequestError(
      `execution name ${JSON.stringify(name)} must be 1-${MAX_EXECUTION_NAME} characters of A-Z, a-z, 0-9, "-" and "_"`,
    );
  }
}

/**
 * The ARN an execution of `stateMachineArn` named `name` has
 * (arn:PARTITION:states:REGION:ACCOUNT:execution:MACHINE:NAME).
 * @throws InvalidRequestError when `stateMachineArn` is not a state machine ARN.
 */
export function executionArnFor(stateMachineArn: string, name: string): string {
  const parts = stateMachineArn.split(':');
  if (parts.length < 7 || parts[5] !== 'stateMachine') {
    throw new InvalidRequestError(`${stateMachineArn} is not a Step Functions state machine ARN`);
  }
  return [...parts.slice(0, 5), 'execution', parts[6], name].join(':');
}
