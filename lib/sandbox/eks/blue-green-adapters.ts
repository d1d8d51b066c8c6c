import type {
  CreateAddonInput,
  CreateClusterInput,
  CreateFargateProfileInput,
  WeightedTarget,
} from '../../domain/blue-green';
import type {
  ClusterProvisioner,
  CreateOutcome,
  DeleteOutcome,
  ResourceState,
  TrafficShifter,
  WeightedRecord,
  WorkloadReadiness,
} from '../../ports';
import type { SandboxOperation } from '../scenarios';
import {
  createAddon,
  createCluster,
  createFargateProfile,
  deleteAddon,
  deleteCluster,
  deleteFargateProfile,
  describeResource,
} from './cluster-ops';
import { SandboxEksError } from './errors';
import type { OperationContext, WorldSession } from './session';

/**
 * The sandbox behind the blue/green ports, mapping EKS's and Route 53's answers as
 * the AWS adapters do: a create that meets its name is `exists`, a delete of what
 * is gone is `gone`, ResourceInUseException on a delete is `deleting` or `busy`.
 */
export class SandboxClusterProvisioner implements ClusterProvisioner {
  constructor(private readonly session: WorldSession) {}

  private create(operation: SandboxOperation, fn: (c: OperationContext) => void): Promise<CreateOutcome> {
    return Promise.resolve(
      this.session.run(operation, (context) => {
        try {
          fn(context);
          return { kind: 'created' } as const;
        } catch (error) {
          if (
            error instanceof SandboxEksError &&
            error.name === 'ResourceInUseException' &&
            /exists/.test(error.message)
          )
            return { kind: 'exists' } as const;
          throw error;
        }
      }),
    );
  }

  private remove(
    operation: SandboxOperation,
    clusterName: string,
    resource: 'cluster' | 'addon' | 'fargate',
    name: string,
    fn: (c: OperationContext) => void,
  ): Promise<DeleteOutcome> {
    return Promise.resolve(
      this.session.run(operation, (context) => {
        if (!context.state.clusters[clusterName]) return { kind: 'gone' } as const;
        try {
          fn(context);
          return { kind: 'deleting' } as const;
        } catch (error) {
          if (error instanceof SandboxEksError && error.name === 'ResourceNotFoundException')
            return { kind: 'gone' } as const;
          if (error instanceof SandboxEksError && error.name === 'ResourceInUseException') {
            const now = describeResource(context.state.clusters[clusterName], resource, name);
            if (!now) return { kind: 'gone' } as const;
            return now.status === 'DELETING'
              ? ({ kind: 'deleting' } as const)
              : ({ kind: 'busy', message: error.message } as const);
          }
          throw error;
        }
      }),
    );
  }

  private describe(
    operation: SandboxOperation,
    clusterName: string,
    resource: 'cluster' | 'addon' | 'fargate',
    name: string,
  ): Promise<ResourceState | undefined> {
    return Promise.resolve(
      this.session.run(operation, ({ state }) =>
        describeResource(state.clusters[clusterName], resource, name),
      ),
    );
  }

  createCluster(input: CreateClusterInput): Promise<CreateOutcome> {
    return this.create('createCluster', ({ state, now }) => createCluster(state, now, input));
  }
  describeCluster(name: string): Promise<ResourceState | undefined> {
    return this.describe('describeCluster', name, 'cluster', name);
  }
  deleteCluster(name: string): Promise<DeleteOutcome> {
    return this.remove('deleteCluster', name, 'cluster', name, ({ eks, now }) =>
      deleteCluster(eks.cluster(name), now),
    );
  }
  createAddon(input: CreateAddonInput): Promise<CreateOutcome> {
    return this.create('createAddon', ({ eks, now }) =>
      createAddon(eks.cluster(input.clusterName), now, input),
    );
  }
  describeAddon(clusterName: string, addonName: string): Promise<ResourceState | undefined> {
    return this.describe('describeAddon', clusterName, 'addon', addonName);
  }
  deleteAddon(clusterName: string, addonName: string): Promise<DeleteOutcome> {
    return this.remove('deleteAddon', clusterName, 'addon', addonName, ({ eks, now }) =>
      deleteAddon(eks.cluster(clusterName), now, addonName),
    );
  }
  createFargateProfile(input: CreateFargateProfileInput): Promise<CreateOutcome> {
    return this.create('createFargateProfile', ({ eks, now }) =>
      createFargateProfile(eks.cluster(input.clusterName), now, input),
    );
  }
  describeFargateProfile(clusterName: string, profileName: string): Promise<ResourceState | undefined> {
    return this.describe('describeFargateProfile', clusterName, 'fargate', profileName);
  }
  deleteFargateProfile(clusterName: string, profileName: string): Promise<DeleteOutcome> {
    return this.remove('deleteFargateProfile', clusterName, 'fargate', profileName, ({ eks, now }) =>
      deleteFargateProfile(eks.cluster(clusterName), now, profileName),
    );
  }
}

/** Route 53's NoSuchHostedZone, in the SDK's shape. */
export class NoSuchHostedZone extends Error {
  override readonly name = 'NoSuchHostedZone';
  readonly $fault = 'client';
  readonly $metadata = { httpStatusCode: 404 };
}

const fqdn = (name: string) => (name.endsWith('.') ? name : `${name}.`);

/** The sandbox's Route 53: weighted CNAMEs in the world's hosted zones, changed in one batch. */
export class SandboxTrafficShifter implements TrafficShifter {
  constructor(private readonly session: WorldSession) {}

  /** @throws NoSuchHostedZone for a zone the world does not have. */
  async setWeights(
    record: WeightedRecord,
    targets: readonly WeightedTarget[],
    options: { readonly ttlSeconds: number },
  ): Promise<void> {
    this.session.run('changeResourceRecordSets', ({ state }) => {
      const zone = state.hostedZones[record.hostedZoneId];
      if (!zone) throw new NoSuchHostedZone(`No hosted zone found with ID: ${record.hostedZoneId}`);
      const name = fqdn(record.recordName);
      for (const t of targets) {
        const set = {
          name,
          type: 'CNAME',
          setIdentifier: t.setIdentifier,
          weight: t.weight,
          ttl: options.ttlSeconds,
          value: t.value,
        };
        const i = zone.records.findIndex((r) => r.name === name && r.setIdentifier === t.setIdentifier);
        if (i >= 0) zone.records[i] = set;
        else zone.records.push(set);
      }
    });
  }

  /** @throws NoSuchHostedZone for a zone the world does not have. */
  async readWeights(record: WeightedRecord): Promise<WeightedTarget[]> {
    return this.session.run('listResourceRecordSets', ({ state }) => {
      const zone = state.hostedZones[record.hostedZoneId];
      if (!zone) throw new NoSuchHostedZone(`No hosted zone found with ID: ${record.hostedZoneId}`);
      const name = fqdn(record.recordName);
      return zone.records
        .filter((r) => r.name === name && r.setIdentifier !== undefined)
        .map((r) => ({ setIdentifier: r.setIdentifier ?? '', value: r.value, weight: r.weight ?? 0 }));
    });
  }
}

/** How long GitOps takes to sync a new cluster once its node groups are ACTIVE (the model's figure). */
export const WORKLOADS_SYNC_MINUTES = 8;

/**
 * The sandbox's green health check: ready once the cluster is ACTIVE with every
 * node group ACTIVE, WORKLOADS_SYNC_MINUTES after the last one came up (GitOps
 * deploying the workloads); never for a cluster whose node groups failed.
 */
export class SandboxWorkloadReadiness implements WorkloadReadiness {
  constructor(private readonly session: WorldSession) {}

  async check(target: { readonly clusterName: string; readonly url: string }): Promise<{
    ready: boolean;
    detail: string;
  }> {
    return this.session.run('checkWorkloads', ({ state, now }) => {
      const world = state.clusters[target.clusterName];
      const fail = (why: string) => ({ ready: false, detail: `GET ${target.url}: ${why}` });
      if (world?.snapshot.cluster.status !== 'ACTIVE') return fail('no such host (cluster not ACTIVE)');
      const ngs = world.snapshot.nodegroups;
      if (ngs.length === 0 || ngs.some((ng) => ng.status !== 'ACTIVE'))
        return fail('HTTP 503 (no nodes ready)');
      const lastUp = Math.max(
        0,
        ...world.nodegroupOps
          .filter((o) => o.kind === 'create' && o.settled)
          .map((o) => Date.parse(o.endsAt)),
      );
      if (now.getTime() < lastUp + WORKLOADS_SYNC_MINUTES * 60_000)
        return fail('HTTP 503 (workloads syncing)');
      return { ready: true, detail: `GET ${target.url}: HTTP 200` };
    });
  }
}
