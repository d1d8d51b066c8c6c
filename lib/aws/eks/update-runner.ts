import {
  DescribeUpdateCommand,
  type EKSClient,
  InvalidRequestException,
  InvalidStateException,
  type ResolveConflicts,
  ResourceInUseException,
  type Update,
  UpdateAddonCommand,
  UpdateClusterVersionCommand,
  UpdateNodegroupVersionCommand,
} from '@aws-sdk/client-eks';
import { InvalidRequestError, RollbackUnavailableError } from '../../domain/errors';
import { assertNever, type UpgradeStep } from '../../domain/plan-types';
import type {
  ControlPlaneRollback,
  ControlPlaneRollbackOptions,
  StartStepOptions,
  StartStepOutcome,
  UpdateRef,
  UpdateRunner,
  UpdateState,
  UpdateStatus,
} from '../../ports';
import { ReadinessCheckFailedError, UnexpectedResponseError, UnsupportedStepError } from '../errors';
import { createEksClient } from './clients';

/**
 * PRESERVE by default: an agent must not silently reset what an operator changed
 * on an add-on (vpc-cni's WARM_IP_TARGET or prefix delegation, CoreDNS replicas).
 * OVERWRITE would put EKS defaults back without telling anyone and can break pod
 * networking; NONE fails the update on any changed field. With PRESERVE a changed
 * value that the new version cannot take fails the update visibly (DescribeUpdate
 * reports it) instead of being discarded. EKS asks that preserved changes be tried
 * on a non-production cluster first, which is what a fleet's waves do.
 */
export const DEFAULT_RESOLVE_CONFLICTS: ResolveConflicts = 'PRESERVE';

export interface EksUpdateRunnerOptions {
  readonly eks?: EKSClient;
  /** How UpdateAddon treats fields changed from EKS's defaults. Default PRESERVE (see above). */
  readonly resolveConflicts?: ResolveConflicts;
}

const UPDATE_STATES: ReadonlySet<string> = new Set<UpdateState>([
  'InProgress',
  'Successful',
  'Failed',
  'Cancelled',
]);

/** Starts and follows the in-place EKS updates of a plan, and EKS's control-plane rollback. */
export class EksUpdateRunner implements UpdateRunner, ControlPlaneRollback {
  private readonly eks: EKSClient;
  private readonly resolveConflicts: ResolveConflicts;

  constructor(options: EksUpdateRunnerOptions = {}) {
    this.eks = options.eks ?? createEksClient();
    this.resolveConflicts = options.resolveConflicts ?? DEFAULT_RESOLVE_CONFLICTS;
  }

  /**
   * Starts one step. EKS's "another update is in progress" (ResourceInUseException)
   * is the `busy` outcome, not an error.
   * @throws ReadinessCheckFailedError when EKS refuses a control-plane update for failing insights.
   * @throws UnsupportedStepError for blue/green step kinds.
   * @throws UnexpectedResponseError when EKS answers without an update id.
   */
  async startStep(
    clusterName: string,
    step: UpgradeStep,
    options: StartStepOptions,
  ): Promise<StartStepOutcome> {
    try {
      return await this.start(clusterName, step, options);
    } catch (error) {
      if (error instanceof ResourceInUseException) return { kind: 'busy', message: error.message };
      if (error instanceof InvalidStateException && step.kind === 'control-plane') {
        throw new ReadinessCheckFailedError(clusterName, error.message, { cause: error });
      }
      throw error;
    }
  }

  /**
   * Starts EKS's control-plane version rollback: UpdateClusterVersion to the
   * previous minor (EKS records it as a "VersionRollback" update; follow it with
   * describeUpdate). Never forced: EKS's rollback-readiness checks are the guard.
   * `timeoutMinutes` becomes RollbackConfig.timeoutMinutes (EKS accepts 120-10080).
   * @throws ReadinessCheckFailedError when EKS's rollback-readiness checks refuse it.
   * @throws RollbackUnavailableError when EKS offers no rollback (InvalidRequestException:
   *   not upgraded in place, more than 7 days ago, or rolled back already).
   * @throws InvalidRequestError for a timeout outside EKS's range (nothing is sent).
   * @throws UnexpectedResponseError when EKS answers without an update id.
   */
  async startControlPlaneRollback(
    clusterName: string,
    toVersion: string,
    options: ControlPlaneRollbackOptions,
  ): Promise<StartStepOutcome> {
    const { clientRequestToken, timeoutMinutes } = options;
    if (
      timeoutMinutes !== undefined &&
      !(Number.isInteger(timeoutMinutes) && timeoutMinutes >= 120 && timeoutMinutes <= 10080)
    ) {
      throw new InvalidRequestError(
        `rollback timeout ${timeoutMinutes} minutes is outside EKS's range: use a whole number from 120 (2 hours) to 10080 (7 days)`,
      );
    }
    try {
      const out = await this.eks.send(
        new UpdateClusterVersionCommand({
          name: clusterName,
          version: toVersion,
          clientRequestToken,
          ...(timeoutMinutes !== undefined ? { rollbackConfig: { timeoutMinutes } } : {}),
        }),
      );
      return started(out.update, 'UpdateClusterVersion', { clusterName });
    } catch (error) {
      if (error instanceof ResourceInUseException) return { kind: 'busy', message: error.message };
      if (error instanceof InvalidStateException) {
        throw new ReadinessCheckFailedError(clusterName, error.message, { cause: error });
      }
      if (error instanceof InvalidRequestException) {
        throw new RollbackUnavailableError(clusterName, error.message, { cause: error });
      }
      throw error;
    }
  }

  private async start(
    clusterName: string,
    step: UpgradeStep,
    options: StartStepOptions,
  ): Promise<StartStepOutcome> {
    const { clientRequestToken, force } = options;
    switch (step.kind) {
      case 'control-plane': {
        const out = await this.eks.send(
          new UpdateClusterVersionCommand({ name: clusterName, version: step.to, force, clientRequestToken }),
        );
        return started(out.update, 'UpdateClusterVersion', { clusterName });
      }
      case 'addon': {
        const out = await this.eks.send(
          new UpdateAddonCommand({
            clusterName,
            addonName: step.name,
            addonVersion: step.to,
            resolveConflicts: options.resolveConflicts ?? this.resolveConflicts,
            clientRequestToken,
          }),
        );
        return started(out.update, 'UpdateAddon', { clusterName, addonName: step.name });
      }
      case 'nodegroup': {
        const out = await this.eks.send(
          new UpdateNodegroupVersionCommand({
            clusterName,
            nodegroupName: step.name,
            version: step.to,
            force,
            clientRequestToken,
          }),
        );
        return started(out.update, 'UpdateNodegroupVersion', { clusterName, nodegroupName: step.name });
      }
      case 'provision-cluster':
      case 'shift-traffic':
      case 'decommission-cluster':
      case 'gate':
        throw new UnsupportedStepError(step.kind);
      default:
        return assertNever(step, 'step kind');
    }
  }

  /**
   * Reads an update's status with EKS's error details.
   * @throws UnexpectedResponseError when EKS answers with no update or an unknown status.
   */
  async describeUpdate(ref: UpdateRef): Promise<UpdateStatus> {
    const out = await this.eks.send(
      new DescribeUpdateCommand({
        name: ref.clusterName,
        updateId: ref.updateId,
        nodegroupName: ref.nodegroupName,
        addonName: ref.addonName,
      }),
    );
    const update = out.update;
    const status = update?.status;
    if (!update || status === undefined || !UPDATE_STATES.has(status)) {
      throw new UnexpectedResponseError(
        'DescribeUpdate',
        `update ${ref.updateId} has status ${String(status)}`,
      );
    }
    return {
      updateId: update.id ?? ref.updateId,
      state: status as UpdateState,
      ...(update.type !== undefined ? { type: update.type } : {}),
      errors: (update.errors ?? []).map((e) => ({
        code: e.errorCode ?? 'Unknown',
        message: e.errorMessage ?? '',
        resourceIds: e.resourceIds ?? [],
      })),
    };
  }
}

function started(
  update: Update | undefined,
  operation: string,
  ref: Omit<UpdateRef, 'updateId'>,
): StartStepOutcome {
  if (update?.id === undefined) throw new UnexpectedResponseError(operation, 'no update id');
  return { kind: 'started', update: { ...ref, updateId: update.id } };
}
