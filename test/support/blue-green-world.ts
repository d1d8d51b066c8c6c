import type {
  CreateAddonInput,
  CreateClusterInput,
  CreateFargateProfileInput,
  WeightedTarget,
} from '../../lib/domain/blue-green';
import type { UpgradePlan } from '../../lib/domain/plan-types';
import type { Nodegroup } from '../../lib/domain/snapshot';
import { type BlueGreenRecord, blueGreenPhase } from '../../lib/phases/blue-green';
import { artifactKeys, type UpgradeRecord } from '../../lib/phases/records';
import type {
  ClusterProvisioner,
  CreateOutcome,
  DeleteOutcome,
  ResourceState,
  TrafficShifter,
  WeightedRecord,
  WorkloadReadiness,
} from '../../lib/ports';
import { CLUSTER, CORRELATION, REQUEST, record, UPGRADE } from './phase-fixtures';
import { NOW, phaseWorld } from './phase-world';
import { addon, addonInfo, minors, nodegroup, snapshot } from './snapshot-builder';

/**
 * The blue/green phase over in-memory ports: an EKS whose clusters, node groups,
 * add-ons and Fargate profiles a test sets (describe answers what is set, creates
 * and deletes are recorded and change nothing unless the test says so), Route 53
 * weights recorded, green's health check scripted.
 */

export const BLUE = CLUSTER;
export const GREEN = 'test-cluster-1-30';
export const ZONE = 'Z0123456789ABC';
export const RECORD_NAME = 'api.example.com';
export const TARGET_PATTERN = '{cluster}.ingress.example.com';
export const HEALTH_URL = 'https://{cluster}.example.com/healthz';

/** Blue/green settings with the keys that have no default. */
export const TRAFFIC = {
  hostedZoneId: ZONE,
  recordName: RECORD_NAME,
  recordTargetPattern: TARGET_PATTERN,
  healthCheckUrl: HEALTH_URL,
};

export const BG_KEY = `upgrades/${UPGRADE}/blue-green.json`;

/** Blue at 1.29: two node groups, two add-ons, two Fargate profiles, all buildable at 1.30. */
export const blueSnapshot = () =>
  snapshot({
    cluster: {
      name: BLUE,
      version: '1.29',
      status: 'ACTIVE',
      roleArn: 'arn:aws:iam::123456789012:role/eks-cluster',
      resourcesVpcConfig: { subnetIds: ['subnet-a', 'subnet-b'] },
      tags: { team: 'platform' },
    },
    nodegroups: [
      nodegroup('general', '1.29', {
        nodeRole: 'arn:aws:iam::123456789012:role/node',
        subnets: ['subnet-a'],
      }),
      nodegroup('batch', '1.29', { nodeRole: 'arn:aws:iam::123456789012:role/node', subnets: ['subnet-b'] }),
    ],
    addons: [addon('eks-pod-identity-agent', 'v1.3.4-eksbuild.1'), addon('coredns', 'v1.11.1-eksbuild.1')],
    addonVersions: [
      addonInfo('eks-pod-identity-agent', [{ v: 'v1.3.4-eksbuild.1', on: minors(24, 33) }]),
      addonInfo('coredns', [
        { v: 'v1.11.1-eksbuild.1', on: minors(28, 30) },
        { v: 'v1.11.3-eksbuild.2', on: minors(29, 31), defaultOn: ['1.30'] },
      ]),
    ],
    fargateProfiles: [
      {
        fargateProfileName: 'fp-a',
        podExecutionRoleArn: 'arn:aws:iam::123456789012:role/fargate',
        selectors: [{ namespace: 'a' }],
      },
      {
        fargateProfileName: 'fp-b',
        podExecutionRoleArn: 'arn:aws:iam::123456789012:role/fargate',
        selectors: [{ namespace: 'b' }],
      },
    ],
  });

export const NODEGROUPS = ['general', 'batch'] as const;
export const ADDONS = ['eks-pod-identity-agent', 'coredns'] as const;
export const PROFILES = ['fp-a', 'fp-b'] as const;

export function bluePlan(weights: readonly number[] = [10, 50, 100]): UpgradePlan {
  let sent = 0;
  const shifts = weights.map((p) => {
    const step = {
      kind: 'shift-traffic' as const,
      id: `shift-traffic:${GREEN}:${p}`,
      name: GREEN,
      hop: '1.30' as const,
      from: String(sent),
      to: String(p),
      estimatedMinutes: 10,
    };
    sent = p;
    return step;
  });
  return {
    cluster: BLUE,
    currentVersion: '1.29',
    targetVersion: '1.30',
    strategy: 'blue_green',
    verdict: 'ready',
    findings: [],
    steps: [
      {
        kind: 'provision-cluster',
        id: `provision-cluster:${GREEN}`,
        name: GREEN,
        hop: '1.30',
        from: '1.29',
        to: '1.30',
        estimatedMinutes: 30,
      },
      ...shifts,
      {
        kind: 'decommission-cluster',
        id: `decommission-cluster:${BLUE}`,
        name: BLUE,
        hop: '1.30',
        from: '1.29',
        to: '1.30',
        estimatedMinutes: 10,
      },
    ],
    estimatedMinutes: 120,
  };
}

const state = (status: string, issues: readonly string[] = []): ResourceState => ({ status, issues });
export const ACTIVE = state('ACTIVE');
export { state };

/** An in-memory EKS: what describe answers, keyed by cluster (and part). */
export class FakeEks {
  readonly clusters = new Map<string, ResourceState>();
  readonly nodegroups = new Map<string, Nodegroup>();
  readonly addons = new Map<string, ResourceState>();
  readonly profiles = new Map<string, ResourceState>();

  static key(cluster: string, part: string): string {
    return `${cluster}/${part}`;
  }

  setNodegroup(
    cluster: string,
    name: string,
    status: Nodegroup['status'],
    extra: Record<string, unknown> = {},
  ) {
    this.nodegroups.set(FakeEks.key(cluster, name), {
      ...nodegroup(name, '1.30'),
      status,
      ...extra,
    } as Nodegroup);
  }

  /** Everything of `cluster` at `status`: the cluster, NODEGROUPS, ADDONS and PROFILES. */
  all(cluster: string, status = 'ACTIVE'): void {
    this.clusters.set(cluster, state(status));
    for (const ng of NODEGROUPS) this.setNodegroup(cluster, ng, status as Nodegroup['status']);
    for (const a of ADDONS) this.addons.set(FakeEks.key(cluster, a), state(status));
    for (const p of PROFILES) this.profiles.set(FakeEks.key(cluster, p), state(status));
  }
}

export interface BlueGreenWorldOptions {
  /** blueGreen settings over TRAFFIC. */
  readonly blueGreen?: Record<string, unknown>;
  /** Other configuration keys. */
  readonly config?: Record<string, unknown>;
  readonly weights?: readonly number[];
  /** The blue/green record as an earlier call left it; none: the first call. */
  readonly bg?: BlueGreenRecord;
  /** The upgrade record's overrides; null: no upgrade record. */
  readonly upgrade?: Partial<UpgradeRecord> | null;
  readonly now?: string;
}

export function blueGreenWorld(options: BlueGreenWorldOptions = {}) {
  const config = {
    ...options.config,
    blueGreen: {
      ...TRAFFIC,
      ...(options.weights ? { weights: [...options.weights] } : {}),
      ...options.blueGreen,
    },
  };
  const w = phaseWorld({ config, now: options.now ?? NOW });
  const eks = new FakeEks();
  const created = async (): Promise<CreateOutcome> => ({ kind: 'created' });
  const deleting = async (): Promise<DeleteOutcome> => ({ kind: 'deleting' });
  const provisioner: jest.Mocked<ClusterProvisioner> = {
    createCluster: jest.fn<Promise<CreateOutcome>, [CreateClusterInput]>(created),
    describeCluster: jest.fn(async (name: string) => structuredClone(eks.clusters.get(name))),
    deleteCluster: jest.fn<Promise<DeleteOutcome>, [string]>(deleting),
    createAddon: jest.fn<Promise<CreateOutcome>, [CreateAddonInput]>(created),
    describeAddon: jest.fn(async (c: string, a: string) =>
      structuredClone(eks.addons.get(FakeEks.key(c, a))),
    ),
    deleteAddon: jest.fn<Promise<DeleteOutcome>, [string, string]>(deleting),
    createFargateProfile: jest.fn<Promise<CreateOutcome>, [CreateFargateProfileInput]>(created),
    describeFargateProfile: jest.fn(async (c: string, p: string) =>
      structuredClone(eks.profiles.get(FakeEks.key(c, p))),
    ),
    deleteFargateProfile: jest.fn<Promise<DeleteOutcome>, [string, string]>(deleting),
  };

  const traffic: jest.Mocked<TrafficShifter> = {
    setWeights: jest.fn<Promise<void>, Parameters<TrafficShifter['setWeights']>>(async () => undefined),
    readWeights: jest.fn<Promise<WeightedTarget[]>, [WeightedRecord]>(async () => []),
  };
  const readiness: jest.Mocked<WorkloadReadiness> = {
    check: jest.fn<ReturnType<WorkloadReadiness['check']>, Parameters<WorkloadReadiness['check']>>(
      async () => ({ ready: true, detail: 'HTTP 200' }),
    ),
  };
  const deps = { ...w.deps, provisioner, traffic, readiness };
  jest
    .mocked(deps.nodegroups.describeNodegroup)
    .mockImplementation(async (c: string, n: string) =>
      structuredClone(eks.nodegroups.get(FakeEks.key(c, n))),
    );
  w.store.set(artifactKeys.plan(UPGRADE), bluePlan(options.weights ?? [10, 50, 100]));
  w.store.set(artifactKeys.snapshot(UPGRADE), blueSnapshot());
  if (options.upgrade !== null) w.store.set(artifactKeys.record(UPGRADE), record(options.upgrade ?? {}));
  if (options.bg) w.store.set(BG_KEY, structuredClone(options.bg));
  // Green's own snapshot, as the gate reads it: at the target, healthy.
  w.setCluster(
    snapshot({
      version: '1.30',
      cluster: {
        name: GREEN,
        version: '1.30',
        status: 'ACTIVE',
        resourcesVpcConfig: { subnetIds: ['subnet-a'] },
      },
    }),
  );
  return {
    ...w,
    deps,
    eks,
    provisioner,
    traffic,
    readiness,
    /** The blue/green record as stored now. */
    bg: () => w.store.get(BG_KEY) as BlueGreenRecord | undefined,
    upgrade: () => w.store.get(artifactKeys.record(UPGRADE)) as UpgradeRecord | undefined,
    /** The records written under `key`, in order. */
    writes: (key: string) =>
      jest
        .mocked(w.deps.artifacts.putJson)
        .mock.calls.filter(([k]) => k === key)
        .map(([, v]) => v),
    /** Runs one action, as the state machine's Task does. */
    run: (action: string, correlationId = CORRELATION) =>
      blueGreenPhase(
        {
          upgradeId: UPGRADE,
          correlationId,
          request: REQUEST,
          action,
          planKey: artifactKeys.plan(UPGRADE),
        },
        deps,
      ),
  };
}

export type BlueGreenWorld = ReturnType<typeof blueGreenWorld>;

/** A blue/green record from the given point on (provisioned, ready, shifted, ...). */
export function bgRecord(overrides: Partial<BlueGreenRecord> = {}): BlueGreenRecord {
  return {
    blue: BLUE,
    green: GREEN,
    target: '1.30',
    provisionStartedAt: '2026-11-28T09:30:00.000Z',
    shifted: [],
    passed: 0,
    ...overrides,
  };
}

/** ISO time `s` seconds after `from`. */
export const secondsAfter = (from: string, s: number) => new Date(Date.parse(from) + s * 1000).toISOString();
