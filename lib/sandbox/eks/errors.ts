/**
 * Errors the simulated EKS throws. Each mirrors the AWS SDK v3 exception of the
 * same name (`name`, `$fault`, `$metadata.httpStatusCode`, the cluster/resource
 * fields), so code that classifies errors by name or by SDK conventions treats a
 * sandbox error exactly like the real one. `name` is set explicitly: Step
 * Functions' ErrorEquals and the SDK's retry classification both match on it.
 */

interface EksErrorContext {
  readonly clusterName?: string;
  readonly nodegroupName?: string;
  readonly addonName?: string;
}

/** The fields every SDK service exception carries. */
export abstract class SandboxEksError extends Error {
  abstract readonly $fault: 'client' | 'server';
  readonly $metadata: { readonly httpStatusCode: number };
  readonly clusterName?: string;
  readonly nodegroupName?: string;
  readonly addonName?: string;

  constructor(message: string, httpStatusCode: number, context: EksErrorContext = {}) {
    super(message);
    this.$metadata = { httpStatusCode };
    if (context.clusterName !== undefined) this.clusterName = context.clusterName;
    if (context.nodegroupName !== undefined) this.nodegroupName = context.nodegroupName;
    if (context.addonName !== undefined) this.addonName = context.addonName;
  }
}

/** A parameter is invalid: an unsupported version jump, an unknown add-on version. */
export class InvalidParameterException extends SandboxEksError {
  override readonly name = 'InvalidParameterException';
  readonly $fault = 'client';
  constructor(message: string, context?: EksErrorContext) {
    super(message, 400, context);
  }
}

/** The request does not fit the state of the cluster (e.g. no rollback is available). */
export class InvalidRequestException extends SandboxEksError {
  override readonly name = 'InvalidRequestException';
  readonly $fault = 'client';
  constructor(message: string, context?: EksErrorContext) {
    super(message, 400, context);
  }
}

/** EKS found failing upgrade-readiness insights and `force` was not set. */
export class InvalidStateException extends SandboxEksError {
  override readonly name = 'InvalidStateException';
  readonly $fault = 'client';
  constructor(
    message: string,
    context: EksErrorContext,
    /** The ids of the insights that block the update. */
    readonly insightIds: readonly string[],
  ) {
    super(message, 400, context);
  }
}

/** Another update is in progress on the cluster (HTTP 409): wait and ask again. */
export class ResourceInUseException extends SandboxEksError {
  override readonly name = 'ResourceInUseException';
  readonly $fault = 'client';
  constructor(
    message: string,
    context: EksErrorContext,
    /** The update in the way. */
    readonly updateId: string,
  ) {
    super(message, 409, context);
  }
}

/** No such cluster, node group, add-on or update. */
export class ResourceNotFoundException extends SandboxEksError {
  override readonly name = 'ResourceNotFoundException';
  readonly $fault = 'client';
  constructor(message: string, context?: EksErrorContext) {
    super(message, 404, context);
  }
}

/**
 * The service throttled the call. In the AWS path the SDK's retry strategy absorbs
 * these (it classifies them by this `name` and by `$retryable.throttling`), so an
 * adapter rarely sees one; the sandbox throws them to the caller on purpose, so the
 * `throttled` scenario exercises the retries the handlers and the state machine
 * declare.
 */
export class ThrottlingException extends SandboxEksError {
  override readonly name = 'ThrottlingException';
  readonly $fault = 'client';
  readonly $retryable = { throttling: true } as const;
  constructor(message: string, context?: EksErrorContext) {
    super(message, 429, context);
  }
}
