import type { DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import type { ExecutionStatus } from '../../ports';
import { UnexpectedResponseError } from '../errors';

export type { ExecutionStatus };

const STATUSES: ReadonlySet<string> = new Set<ExecutionStatus>([
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
  'PENDING_REDRIVE',
]);

/** The statuses an execution does not leave (PENDING_REDRIVE runs again). */
export const TERMINAL_STATUSES: ReadonlySet<ExecutionStatus> = new Set<ExecutionStatus>([
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
]);

export interface ExecutionDescription {
  readonly executionArn: string;
  readonly stateMachineArn?: string;
  readonly name?: string;
  readonly status: ExecutionStatus;
  /** Parsed JSON; the raw text when it is not JSON. */
  readonly input?: unknown;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  readonly startDate?: string;
  readonly stopDate?: string;
}

/**
 * DescribeExecution's answer as plain data.
 * @throws UnexpectedResponseError when the status is missing or unknown.
 */
export function parseDescription(
  out: DescribeExecutionCommandOutput,
  executionArn: string,
): ExecutionDescription {
  if (out.status === undefined || !STATUSES.has(out.status)) {
    throw new UnexpectedResponseError(
      'DescribeExecution',
      `status ${String(out.status)} for ${executionArn}`,
    );
  }
  return {
    executionArn: out.executionArn ?? executionArn,
    status: out.status as ExecutionStatus,
    ...(out.stateMachineArn !== undefined ? { stateMachineArn: out.stateMachineArn } : {}),
    ...(out.name !== undefined ? { name: out.name } : {}),
    ...(out.input !== undefined ? { input: parseJson(out.input) } : {}),
    ...(out.output !== undefined ? { output: parseJson(out.output) } : {}),
    ...(out.error !== undefined ? { error: out.error } : {}),
    ...(out.cause !== undefined ? { cause: out.cause } : {}),
    ...(out.startDate ? { startDate: out.startDate.toISOString() } : {}),
    ...(out.stopDate ? { stopDate: out.stopDate.toISOString() } : {}),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
