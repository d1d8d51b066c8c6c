import { AgentError } from '../domain/errors';

/**
 * Named errors of the AWS edge. Each sets `name` explicitly: it is what the state
 * machine's Retry/Catch `ErrorEquals` match on, and a minifier must not rename it.
 * `retryable` says whether waiting and trying again may succeed.
 *
 * No message here ever contains a parameter value: SecureString values must not
 * reach logs or Step Functions error output.
 */

// Port errors (raised by the sandbox too) live in the domain; re-exported for the AWS edge.
export { ClusterNotFoundError, ReadinessCheckFailedError, UnsupportedStepError } from '../domain/errors';

/** An AWS response lacked a field the API documents as present. */
export class UnexpectedResponseError extends AgentError {
  override readonly name = 'UnexpectedResponseError';
  readonly retryable = false;
  constructor(operation: string, detail: string) {
    super(`${operation} returned an unexpected response: ${detail}`);
  }
}

export interface UndeliveredEvent {
  readonly detailType: string;
  /** false when EventBridge refused the entry for good (a permission, a malformed detail). */
  readonly retryable?: boolean;
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

/** Events EventBridge still refused after every re-send; they are logged in full before this is thrown. */
export class EventDeliveryError extends AgentError {
  override readonly name = 'EventDeliveryError';
  /** Whether trying again later may deliver them: false when every one was refused for good. */
  readonly retryable: boolean;
  constructor(
    readonly undelivered: readonly UndeliveredEvent[],
    options?: { cause?: unknown },
  ) {
    const summary = undelivered
      .map(
        (e) =>
          `${e.detailType} (${e.errorCode ?? 'error'}: ${e.errorMessage ?? 'no message'}${e.retryable === false ? '; not re-sent, it cannot succeed' : ''})`,
      )
      .join('; ');
    super(`${undelivered.length} event(s) could not be delivered to EventBridge: ${summary}`, options);
    this.retryable = undelivered.some((e) => e.retryable !== false);
  }
}

/** PutTargets or RemoveTargets reported targets it could not add or remove. */
export class EventRuleError extends AgentError {
  override readonly name = 'EventRuleError';
  readonly retryable = true;
  constructor(
    readonly ruleName: string,
    readonly failedTargetIds: readonly string[],
    detail: string,
  ) {
    super(`rule ${ruleName}: ${detail} (targets: ${failedTargetIds.join(', ')})`);
  }
}

/** A parameter name or value breaks Parameter Store's rules; raised before any call. */
export class ParameterValidationError extends AgentError {
  override readonly name = 'ParameterValidationError';
  readonly retryable = false;
  constructor(
    readonly parameterName: string,
    readonly issues: readonly string[],
  ) {
    super(`parameter ${JSON.stringify(parameterName)} is invalid: ${issues.join('; ')}`);
  }
}

/** GetParameter found no such parameter. */
export class ParameterNotFoundError extends AgentError {
  override readonly name = 'ParameterNotFoundError';
  readonly retryable = false;
  constructor(
    readonly parameterName: string,
    options?: { cause?: unknown },
  ) {
    super(`parameter ${parameterName} does not exist`, options);
  }
}

/** No parameter exists under an environment's configuration path. */
export class ConfigurationNotFoundError extends AgentError {
  override readonly name = 'ConfigurationNotFoundError';
  readonly retryable = false;
  constructor(
    readonly environment: string,
    readonly path: string,
  ) {
    super(`no configuration for environment ${environment}: no parameter under ${path}`);
  }
}

/** An upgrade of the cluster is already running: a second concurrent one is refused. */
export class ExecutionAlreadyRunningError extends AgentError {
  override readonly name = 'ExecutionAlreadyRunningError';
  readonly retryable = false;
  constructor(
    readonly clusterName: string,
    readonly executionArns: readonly string[],
  ) {
    super(`cluster ${clusterName} already has an upgrade running: ${executionArns.join(', ')}`);
  }
}

/** StartExecution found an execution of the same name started with a different input. */
export class ExecutionInputConflictError extends AgentError {
  override readonly name = 'ExecutionInputConflictError';
  readonly retryable = false;
  constructor(
    readonly executionName: string,
    options?: { cause?: unknown },
  ) {
    super(
      `an execution named ${executionName} already exists with a different input; use a new request id for a new upgrade`,
      options,
    );
  }
}

/** waitForExecution gave up before the execution finished (the execution keeps running). */
export class ExecutionWaitTimeoutError extends AgentError {
  override readonly name = 'ExecutionWaitTimeoutError';
  readonly retryable = true;
  constructor(
    readonly executionArn: string,
    readonly waitedMs: number,
  ) {
    super(`execution ${executionArn} was still running after ${Math.round(waitedMs / 1000)} s of waiting`);
  }
}

/** CloudWatch could not answer the metric query (StatusCode InternalError or Forbidden). */
export class MetricsUnavailableError extends AgentError {
  override readonly name = 'MetricsUnavailableError';
  readonly retryable = true;
  constructor(detail: string) {
    super(`CloudWatch metrics are unavailable: ${detail}`);
  }
}
