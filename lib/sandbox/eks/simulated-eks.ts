import { nodegroupMinutes } from '../../domain/estimates';
import { DEFAULT_POLICY } from '../../domain/plan-types';
import type { Cluster, Insight } from '../../domain/snapshot';
import { isKubernetesVersion, previousMinor } from '../../domain/version';
import type { Scenario, UpdateFailureFault } from '../scenarios';
import { addMinutes } from './clock';
import { settleLifecycleOps } from './cluster-ops';
import { ResourceNotFoundException } from './errors';
import { refreshInsights } from './insights';
import { settleNodegroupOps } from './nodegroup-ops';
import { findAddon, findNodegroup, markStarted, settleUpdates } from './progress';
import {
  blockingInsights,
  checkAddonUpdate,
  checkControlPlaneUpgrade,
  checkNodegroupUpdate,
  checkReadiness,
  refuseWhenBusy,
  replay,
  rollbackReadiness,
  rollbackSource,
} from './rules';
import { type ClusterWorld, nextUpdateId, type SandboxState, type SimUpdate } from './state';
import { type EksUpdate, toEksUpdate } from './views';

/** What an accepted request becomes; the fields of SimUpdate the request decides. */
type UpdatePlan = Pick<SimUpdate, 'type' | 'target' | 'params' | 'effect' | 'before'> & {
  readonly minutes: number;
  readonly failure?: UpdateFailureFault;
};

/** A platform version after a control-plane version change (EKS restarts the eks.N count per version). */
const FIRST_PLATFORM_VERSION = 'eks.1';

/**
 * The EKS API over the sandbox state at one instant of virtual time. Methods
 * mirror the EKS operations (inputs named as in the SDK) and throw the same
 * exceptions. Build one per operation with `SimulatedEks.at`, which first settles
 * every update whose end has passed.
 */
export class SimulatedEks {
  private constructor(
    private readonly state: SandboxState,
    readonly now: Date,
    private readonly scenario: Scenario,
  ) {}

  static at(state: SandboxState, now: Date, scenario: Scenario): SimulatedEks {
    for (const world of Object.values(state.clusters)) {
      settleUpdates(world, now);
      settleNodegroupOps(world, now);
    }
    settleLifecycleOps(state, now);
    return new SimulatedEks(state, now, scenario);
  }

  /** @throws ResourceNotFoundException for an unknown cluster. */
  cluster(name: string): ClusterWorld {
    const world = this.state.clusters[name];
    if (!world) {
      throw new ResourceNotFoundException(`No cluster found for name: ${name}.`, { clusterName: name });
    }
    return world;
  }

  describeCluster(name: string): Cluster {
    return structuredClone(this.cluster(name).snapshot.cluster);
  }

  /** ListInsights + DescribeInsight, every category. @throws ResourceNotFoundException */
  listInsights(name: string): Insight[] {
    return structuredClone(this.cluster(name).snapshot.insights);
  }

  /** StartInsightsRefresh. @throws ResourceNotFoundException */
  startInsightsRefresh(name: string): { status: 'COMPLETED' } {
    refreshInsights(this.cluster(name), this.now.toISOString());
    return { status: 'COMPLETED' };
  }

  /**
   * UpdateClusterVersion: one minor up (VersionUpdate), or one minor down within the
   * rollback window (VersionRollback), as EKS treats a previous version.
   * @throws InvalidParameterException, InvalidRequestException, InvalidStateException,
   *   ResourceInUseException, ResourceNotFoundException
   */
  updateClusterVersion(input: {
    name: string;
    version: string;
    clientRequestToken?: string;
    force?: boolean;
  }): EksUpdate {
    const world = this.cluster(input.name);
    const fingerprint = `UpdateClusterVersion:${input.version}`;
    const prior = replay(world, input.clientRequestToken, fingerprint);
    if (prior) return toEksUpdate(prior);
    refuseWhenBusy(world);
    const { cluster } = world.snapshot;
    const force = input.force ?? false;
    const rollback = isKubernetesVersion(cluster.version) && input.version === previousMinor(cluster.version);
    let plan: UpdatePlan;
    if (rollback) {
      const source = rollbackSource(world, this.now);
      const failing = [
        ...blockingInsights(world.snapshot.insights, 'ROLLBACK_READINESS', input.version),
        ...rollbackReadiness(world, input.version),
      ];
      checkReadiness(cluster.name, failing, force);
      const platformVersion = source.before.platformVersion ?? FIRST_PLATFORM_VERSION;
      plan = this.controlPlanePlan('VersionRollback', cluster, input.version, platformVersion);
    } else {
      checkControlPlaneUpgrade(world, input.version);
      checkReadiness(
        cluster.name,
        blockingInsights(world.snapshot.insights, 'UPGRADE_READINESS', input.version),
        force,
      );
      const failure = this.faultFor('cluster', cluster.name, false);
      plan = {
        ...this.controlPlanePlan('VersionUpdate', cluster, input.version, FIRST_PLATFORM_VERSION),
        ...(failure ? { failure } : {}),
      };
    }
    return toEksUpdate(this.accept(world, input.clientRequestToken, fingerprint, plan));
  }

  /**
   * UpdateAddon to `addonVersion`.
   * @throws InvalidParameterException, ResourceInUseException, ResourceNotFoundException
   */
  updateAddon(input: {
    clusterName: string;
    addonName: string;
    addonVersion: string;
    clientRequestToken?: string;
    resolveConflicts?: string;
  }): EksUpdate {
    const world = this.cluster(input.clusterName);
    const addon = findAddon(world, input.addonName);
    if (!addon) {
      throw new ResourceNotFoundException(
        `No addon: ${input.addonName} found in cluster: ${input.clusterName}`,
        {
          clusterName: input.clusterName,
          addonName: input.addonName,
        },
      );
    }
    const fingerprint = `UpdateAddon:${input.addonName}:${input.addonVersion}`;
    const prior = replay(world, input.clientRequestToken, fingerprint);
    if (prior) return toEksUpdate(prior);
    refuseWhenBusy(world);
    checkAddonUpdate(world, input.addonName, input.addonVersion, addon.addonVersion);
    const params = [{ type: 'AddonVersion', value: input.addonVersion }];
    if (input.resolveConflicts !== undefined) {
      params.push({ type: 'ResolveConflicts', value: input.resolveConflicts });
    }
    const failure = this.faultFor('addon', input.addonName, false);
    return toEksUpdate(
      this.accept(world, input.clientRequestToken, fingerprint, {
        type: 'AddonUpdate',
        target: { kind: 'addon', name: input.addonName },
        params,
        effect: { addonVersion: input.addonVersion },
        before: { addonVersion: addon.addonVersion },
        minutes: DEFAULT_POLICY.durations.addonMinutes,
        ...(failure ? { failure } : {}),
      }),
    );
  }

  /**
   * UpdateNodegroupVersion to `version` (the cluster's version when absent, as EKS does).
   * @throws InvalidParameterException, ResourceInUseException, ResourceNotFoundException
   */
  updateNodegroupVersion(input: {
    clusterName: string;
    nodegroupName: string;
    version?: string;
    clientRequestToken?: string;
    force?: boolean;
  }): EksUpdate {
    const world = this.cluster(input.clusterName);
    const ng = findNodegroup(world, input.nodegroupName);
    if (!ng) {
      throw new ResourceNotFoundException(`No node group found for name: ${input.nodegroupName}.`, {
        clusterName: input.clusterName,
        nodegroupName: input.nodegroupName,
      });
    }
    const version = input.version ?? world.snapshot.cluster.version;
    const fingerprint = `UpdateNodegroupVersion:${input.nodegroupName}:${version}`;
    const prior = replay(world, input.clientRequestToken, fingerprint);
    if (prior) return toEksUpdate(prior);
    refuseWhenBusy(world, { kind: 'nodegroup', name: input.nodegroupName });
    checkNodegroupUpdate(world, input.nodegroupName, version, ng.version, this.now);
    const failure = this.faultFor('nodegroup', input.nodegroupName, input.force ?? false);
    return toEksUpdate(
      this.accept(world, input.clientRequestToken, fingerprint, {
        type: 'VersionUpdate',
        target: { kind: 'nodegroup', name: input.nodegroupName },
        params: [{ type: 'Version', value: version }],
        effect: { version },
        before: { version: ng.version },
        minutes: nodegroupMinutes(ng, DEFAULT_POLICY),
        ...(failure ? { failure } : {}),
      }),
    );
  }

  /**
   * DescribeUpdate. As in EKS, a node-group or add-on update is found only with its
   * nodegroupName or addonName.
   * @throws ResourceNotFoundException
   */
  describeUpdate(input: {
    name: string;
    updateId: string;
    nodegroupName?: string;
    addonName?: string;
  }): EksUpdate {
    const world = this.cluster(input.name);
    const update = world.updates.find((u) => u.id === input.updateId);
    const target = update?.target;
    const matches =
      target !== undefined &&
      (target.kind === 'nodegroup'
        ? target.name === input.nodegroupName
        : input.nodegroupName === undefined) &&
      (target.kind === 'addon' ? target.name === input.addonName : input.addonName === undefined);
    if (!update || !matches) {
      throw new ResourceNotFoundException(`No update found for ID: ${input.updateId}`, {
        clusterName: input.name,
      });
    }
    return toEksUpdate(update);
  }

  private controlPlanePlan(
    type: 'VersionUpdate' | 'VersionRollback',
    cluster: Cluster,
    version: string,
    platformVersion: string,
  ): UpdatePlan {
    return {
      type,
      target: { kind: 'cluster' },
      params: [
        { type: 'Version', value: version },
        { type: 'PlatformVersion', value: platformVersion },
      ],
      effect: { version, platformVersion },
      before: {
        version: cluster.version,
        ...(cluster.platformVersion ? { platformVersion: cluster.platformVersion } : {}),
      },
      minutes: DEFAULT_POLICY.durations.controlPlaneMinutes,
    };
  }

  /** The scenario's failure for this update, unless `force` avoids it. */
  private faultFor(
    resource: UpdateFailureFault['resource'],
    name: string,
    force: boolean,
  ): UpdateFailureFault | undefined {
    return this.scenario.updateFailures.find(
      (f) =>
        f.resource === resource && (f.name === undefined || f.name === name) && !(f.bypassedByForce && force),
    );
  }

  /** Records an accepted update; its outcome (and when it shows) is decided now. */
  private accept(
    world: ClusterWorld,
    token: string | undefined,
    fingerprint: string,
    plan: UpdatePlan,
  ): SimUpdate {
    const { failure, minutes, ...fields } = plan;
    const name = plan.target.kind === 'cluster' ? world.snapshot.cluster.name : plan.target.name;
    const scale = this.scenario.durationScale?.[this.state.sequence] ?? 1;
    const update: SimUpdate = {
      ...fields,
      id: nextUpdateId(this.state, world.snapshot.cluster.name),
      ...(token !== undefined ? { clientRequestToken: token } : {}),
      fingerprint,
      createdAt: this.now.toISOString(),
      endsAt: addMinutes(this.now, failure ? failure.afterMinutes : minutes * scale),
      result: failure ? (failure.status ?? 'Failed') : 'Successful',
      errors: failure
        ? [{ code: failure.code, message: failure.message.replaceAll('{name}', name), resourceIds: [name] }]
        : [],
      settled: false,
    };
    world.updates.push(update);
    markStarted(world, update);
    return update;
  }
}
