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

// Errors of the ports (lib/ports.ts): raised by the AWS adapters and the sandbox alike.

/**
 * EKS refused a control-plane version change (an upgrade, or a rollback to the
 * previous minor) because its readiness checks fail (InvalidStateException).
 */
export class ReadinessCheckFailedError extends AgentError {
  override readonly name = 'ReadinessCheckFailedError';
  readonly retryable = false;
  constructor(
    readonly clusterName: string,
    /** EKS's own message, kept verbatim: it names what to fix. */
    readonly eksMessage: string,
    options?: { cause?: unknown },
  ) {
    super(
      `EKS refused to change the version of cluster ${clusterName}: readiness checks are failing. EKS says: ${eksMessage} ` +
        'Fix what the failing insights name (ListInsights) or rerun with force.',
      options,
    );
  }
}

/** The update runner was given a step kind it cannot start (blue/green kinds). */
export class UnsupportedStepError extends AgentError {
  override readonly name = 'UnsupportedStepError';
  readonly retryable = false;
  constructor(readonly kind: string) {
    super(`step kind "${kind}" cannot be started by the EKS update runner (in-place kinds only)`);
  }
}

/** The EKS cluster does not exist (or is not visible to this role) in this region. */
export class ClusterNotFoundError extends AgentError {
  override readonly name = 'ClusterNotFoundError';
  readonly retryable = false;
  constructor(
    readonly clusterName: string,
    options?: { cause?: unknown; region?: string },
  ) {
    super(
      options?.region
        ? `no cluster ${clusterName} in ${options.region}: EKS does not know it in this account and region (check the name, --region and --profile)`
        : `EKS cluster ${clusterName} was not found in this account and region`,
      options,
    );
  }
}

/**
 * EKS has no version rollback for the cluster now (InvalidRequestException): it was
 * not upgraded in place to its current version, the 7-day window has closed, or it
 * was rolled back already. `force` does not change this, unlike readiness checks.
 */
export class RollbackUnavailableError extends AgentError {
  override readonly name = 'RollbackUnavailableError';
  readonly retryable = false;
  constructor(
    readonly clusterName: string,
    /** EKS's own message, kept verbatim. */
    readonly eksMessage: string,
    options?: { cause?: unknown },
  ) {
    super(`EKS cannot roll back the control plane of cluster ${clusterName}: ${eksMessage}`, options);
  }
}

/**
 * An approval or rejection for an upgrade that does not wait for one: unknown, ended,
 * not yet (or no longer) at AwaitApproval, already answered, or timed out.
 */
export class NotAwaitingApprovalError extends AgentError {
  override readonly name = 'NotAwaitingApprovalError';
  readonly retryable = false;
}

/** No upgrade (execution) of that id in this stage. */
export class UpgradeNotFoundError extends AgentError {
  override readonly name = 'UpgradeNotFoundError';
  readonly retryable = false;
}
