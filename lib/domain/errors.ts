/**
 * Named errors. An error's `name` is the contract that the state machine's
 * Retry/Catch `ErrorEquals` match on, so every class sets it explicitly (bundles
 * are built with keepNames, but an explicit name survives any minifier).
 */
export abstract class AgentError extends Error {
  /** true when waiting and trying again may succeed (the state machine retries these by name). */
  abstract readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The environment snapshot is missing a part or has a malformed one. */
export class InvalidSnapshotError extends AgentError {
  override readonly name = 'InvalidSnapshotError';
  readonly retryable = false;
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
  ) {
    super(message);
  }
}

/** The upgrade request itself is malformed (target version, strategy, ids). */
export class InvalidRequestError extends AgentError {
  override readonly name = 'InvalidRequestError';
  readonly retryable = false;
}

/** Reasoning found blocking findings: the cluster must not be touched. */
export class PlanBlockedError extends AgentError {
  override readonly name = 'PlanBlockedError';
  readonly retryable = false;
  constructor(
    message: string,
    readonly codes: readonly string[],
  ) {
    super(message);
  }
}
