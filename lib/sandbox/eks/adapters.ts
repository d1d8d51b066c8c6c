// The port's named errors: the same classes the AWS adapters throw, so handlers and
// the state machine see one contract whichever backend runs.
import {
  ClusterNotFoundError,
  ReadinessCheckFailedError,
  RollbackUnavailableError,
  UnsupportedStepError,
} from '../../domain/errors';
import { assertNever, type UpgradeStep } from '../../domain/plan-types';
import type { EnvironmentSnapshot, Insight } from '../../domain/snapshot';
import type {
  ControlPlaneRollback,
  InsightsReader,
  SnapshotReader,
  StartStepOptions,
  StartStepOutcome,
  UpdateRef,
  UpdateRunner,
  UpdateStatus,
} from '../../ports';
import {
  InvalidRequestException,
  InvalidStateException,
  ResourceInUseException,
  ResourceNotFoundException,
} from './errors';
import type { WorldSession } from './session';
import { type EksUpdate, snapshotView } from './views';

/**
 * The sandbox behind the SnapshotReader port: the world's cluster now, in the
 * shape the AWS reader produces.
 */
export class SandboxSnapshotReader implements SnapshotReader {
  constructor(private readonly session: WorldSession) {}

  /**
   * @throws ClusterNotFoundError for a cluster the world does not have.
   * @throws ThrottlingException when the scenario throttles the call.
   */
  async readSnapshot(
    clusterName: string,
    options?: { targetVersion?: string },
  ): Promise<EnvironmentSnapshot> {
    return this.session.run('readSnapshot', ({ eks, now }) => {
      try {
        return snapshotView(eks.cluster(clusterName), now, options?.targetVersion);
      } catch (error) {
        if (error instanceof ResourceNotFoundException) {
          throw new ClusterNotFoundError(clusterName, { cause: error });
        }
        throw error;
      }
    });
  }
}

/** The sandbox behind the InsightsReader port: the world's insights now. */
export class SandboxInsightsReader implements InsightsReader {
  constructor(private readonly session: WorldSession) {}

  /** @throws ResourceNotFoundException for a cluster the world does not have. */
  async readInsights(clusterName: string): Promise<Insight[]> {
    return this.session.run('readInsights', ({ eks }) =>
      eks.listInsights(clusterName).filter((i) => i.category === 'UPGRADE_READINESS'),
    );
  }

  /** @throws ResourceNotFoundException for a cluster the world does not have. */
  async refreshInsights(clusterName: string): Promise<void> {
    await this.session.run('refreshInsights', ({ eks }) => eks.startInsightsRefresh(clusterName));
  }
}

/** Options of a control-plane rollback (EKS's VersionRollback). */
export interface RollbackOptions {
  readonly clientRequestToken: string;
  /** EKS's RollbackConfig.timeoutMinutes; the sandbox's rollbacks end well within any timeout. */
  readonly timeoutMinutes?: number;
  /** Overrides failing rollback-readiness checks, as EKS's `force` does (the port does not pass it). */
  readonly force?: boolean;
}

/**
 * The sandbox behind the UpdateRunner and ControlPlaneRollback ports. It maps
 * EKS's answers as the AWS runner does: ResourceInUseException is the `busy`
 * outcome, a readiness refusal (InvalidStateException) is ReadinessCheckFailedError,
 * anything else (InvalidParameterException, ThrottlingException, ...) propagates
 * under its EKS name. Add-on updates use resolveConflicts PRESERVE, the AWS default.
 */
export class SandboxUpdateRunner implements UpdateRunner, ControlPlaneRollback {
  constructor(private readonly session: WorldSession) {}

  /**
   * @throws ReadinessCheckFailedError when failing readiness insights refuse a control-plane update.
   * @throws UnsupportedStepError for blue/green step kinds.
   * @throws InvalidParameterException when EKS's version rules refuse the step.
   */
  async startStep(
    clusterName: string,
    step: UpgradeStep,
    options: StartStepOptions,
  ): Promise<StartStepOutcome> {
    return this.session.run('startStep', ({ eks }) =>
      mapStart(
        clusterName,
        () => {
          const { clientRequestToken, force } = options;
          switch (step.kind) {
            case 'control-plane':
              return eks.updateClusterVersion({
                name: clusterName,
                version: step.to,
                clientRequestToken,
                force,
              });
            case 'addon':
              return eks.updateAddon({
                clusterName,
                addonName: step.name,
                addonVersion: step.to,
                clientRequestToken,
                resolveConflicts: 'PRESERVE',
              });
            case 'nodegroup':
              return eks.updateNodegroupVersion({
                clusterName,
                nodegroupName: step.name,
                version: step.to,
                clientRequestToken,
                force,
              });
            case 'provision-cluster':
            case 'shift-traffic':
            case 'decommission-cluster':
            case 'gate':
              throw new UnsupportedStepError(step.kind);
            default:
              return assertNever(step, 'step kind');
          }
        },
        refFor(clusterName, step),
      ),
    );
  }

  /** @throws ResourceNotFoundException for an update the world does not know (with that resource name). */
  async describeUpdate(ref: UpdateRef): Promise<UpdateStatus> {
    return this.session.run('describeUpdate', ({ eks }) => {
      const update = eks.describeUpdate({
        name: ref.clusterName,
        updateId: ref.updateId,
        ...(ref.nodegroupName !== undefined ? { nodegroupName: ref.nodegroupName } : {}),
        ...(ref.addonName !== undefined ? { addonName: ref.addonName } : {}),
      });
      return {
        updateId: update.id,
        state: update.status,
        type: update.type,
        errors: update.errors.map((e) => ({
          code: e.errorCode,
          message: e.errorMessage,
          resourceIds: e.resourceIds,
        })),
      };
    });
  }

  /**
   * EKS's version rollback: UpdateClusterVersion to `toVersion`, the previous minor,
   * within 7 days of the in-place upgrade. Busy like any start.
   * @throws RollbackUnavailableError when no rollback is available (no upgrade, too late, done already).
   * @throws InvalidParameterException when `toVersion` is not the previous minor.
   * @throws ReadinessCheckFailedError when rollback readiness fails (kubelet skew, add-on
   *   compatibility) and `force` is not set.
   */
  async startControlPlaneRollback(
    clusterName: string,
    toVersion: string,
    options: RollbackOptions,
  ): Promise<StartStepOutcome> {
    const { timeoutMinutes: _timeout, ...request } = options;
    return this.session.run('startControlPlaneRollback', ({ eks }) => {
      try {
        return mapStart(
          clusterName,
          () => eks.updateClusterVersion({ name: clusterName, version: toVersion, ...request }),
          { clusterName },
        );
      } catch (error) {
        if (error instanceof InvalidRequestException) {
          throw new RollbackUnavailableError(clusterName, error.message, { cause: error });
        }
        throw error;
      }
    });
  }
}

function refFor(clusterName: string, step: UpgradeStep): Omit<UpdateRef, 'updateId'> {
  if (step.kind === 'addon') return { clusterName, addonName: step.name };
  if (step.kind === 'nodegroup') return { clusterName, nodegroupName: step.name };
  return { clusterName };
}

function mapStart(
  clusterName: string,
  start: () => EksUpdate,
  ref: Omit<UpdateRef, 'updateId'>,
): StartStepOutcome {
  try {
    return { kind: 'started', update: { ...ref, updateId: start().id } };
  } catch (error) {
    if (error instanceof ResourceInUseException) return { kind: 'busy', message: error.message };
    if (error instanceof InvalidStateException) {
      throw new ReadinessCheckFailedError(clusterName, error.message, { cause: error });
    }
    throw error;
  }
}
