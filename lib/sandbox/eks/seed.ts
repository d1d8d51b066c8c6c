import type { EnvironmentSnapshot, Insight } from '../../domain/snapshot';
import { isKubernetesVersion, nextMinor } from '../../domain/version';
import type { ReadinessInsightFault, Scenario } from '../scenarios';
import { addMinutes } from './clock';
import { markStarted } from './progress';
import { nextUpdateId, type SandboxState, type SimUpdate, STATE_SCHEMA_VERSION } from './state';

/**
 * Building a world: the clusters of the given snapshots, plus what the scenario
 * puts there from the start (a platform update in flight, a failing insight).
 */

/** A new world at virtual time `epoch`, with no clusters yet. */
export function emptyState(scenario: Scenario, epoch: Date): SandboxState {
  return {
    schemaVersion: STATE_SCHEMA_VERSION,
    scenario: scenario.name,
    clock: { epoch: epoch.toISOString(), offsetMinutes: 0 },
    sequence: 0,
    calls: {},
    clusters: {},
    deletedClusters: {},
    hostedZones: {
      [SANDBOX_TRAFFIC.hostedZoneId]: { name: SANDBOX_TRAFFIC.zoneName, records: [] },
    },
  };
}

/**
 * The sandbox's Route 53: one hosted zone whose weighted CNAME sends all of the
 * service's traffic to each snapshot cluster (the blue of a blue/green upgrade).
 */
export const SANDBOX_TRAFFIC = {
  hostedZoneId: 'Z0SANDBOX0000000001',
  zoneName: 'sandbox.example.',
  recordName: 'api.sandbox.example.',
  recordTargetPattern: '{cluster}.ingress.sandbox.example',
  healthCheckUrl: 'https://{cluster}.ingress.sandbox.example/healthz',
} as const;

/** Adds the snapshot's cluster to the world as it is at `now`, with the scenario's initial faults. */
export function addCluster(
  state: SandboxState,
  snapshot: EnvironmentSnapshot,
  scenario: Scenario,
  now: Date,
): void {
  const copy = structuredClone(snapshot);
  const name = copy.cluster.name;
  const world = {
    snapshot: copy,
    initialVersion: copy.cluster.version,
    updates: [] as SimUpdate[],
    nodegroupOps: [],
    lifecycleOps: [],
    created: false,
  };
  state.clusters[name] = world;
  state.hostedZones[SANDBOX_TRAFFIC.hostedZoneId]?.records.push({
    name: SANDBOX_TRAFFIC.recordName,
    type: 'CNAME',
    setIdentifier: name,
    weight: 100,
    ttl: 60,
    value: SANDBOX_TRAFFIC.recordTargetPattern.replaceAll('{cluster}', name),
  });
  const current = copy.cluster.version;
  if (scenario.readinessInsight && isKubernetesVersion(current)) {
    const fault = scenario.readinessInsight;
    let version = nextMinor(current);
    for (let ahead = fault.minorsAhead ?? 1; ahead > 1; ahead--) version = nextMinor(version);
    copy.insights.push(readinessInsight(fault, current, version, now));
  }
  if (scenario.rollbackRefusal) {
    const at = now.toISOString();
    copy.insights.push({
      id: 'sandbox-rollback-refusal',
      name: scenario.rollbackRefusal.name,
      category: 'ROLLBACK_READINESS',
      lastRefreshTime: at,
      lastTransitionTime: at,
      insightStatus: { status: 'ERROR', reason: scenario.rollbackRefusal.reason },
    });
  }
  if (scenario.platformUpdate) {
    // AWS patching the platform: a cluster VersionUpdate with only a PlatformVersion
    // param. DescribeCluster still says ACTIVE, yet every new update is refused.
    const platformVersion = nextPlatformVersion(copy.cluster.platformVersion);
    const update: SimUpdate = {
      id: nextUpdateId(state, name),
      type: 'VersionUpdate',
      target: { kind: 'cluster' },
      params: [{ type: 'PlatformVersion', value: platformVersion }],
      fingerprint: 'platform-update',
      createdAt: now.toISOString(),
      endsAt: addMinutes(now, scenario.platformUpdate.minutes),
      result: 'Successful',
      errors: [],
      effect: { platformVersion },
      before:
        copy.cluster.platformVersion !== undefined ? { platformVersion: copy.cluster.platformVersion } : {},
      settled: false,
    };
    world.updates.push(update);
    markStarted(world, update);
  }
}

/** "eks.7" -> "eks.8"; "eks.1" when the current one is unknown. */
function nextPlatformVersion(current: string | undefined): string {
  const n = Number(/^eks\.(\d+)$/.exec(current ?? '')?.[1] ?? 0);
  return `eks.${n + 1}`;
}

function readinessInsight(
  fault: ReadinessInsightFault,
  current: string,
  version: string,
  now: Date,
): Insight {
  const fill = (text: string) => text.replaceAll('{version}', version).replaceAll('{current}', current);
  const at = now.toISOString();
  return {
    id: fault.id,
    name: fill(fault.name),
    category: 'UPGRADE_READINESS',
    kubernetesVersion: version,
    lastRefreshTime: at,
    lastTransitionTime: at,
    description: fill(fault.description),
    insightStatus: { status: fault.status ?? 'ERROR', reason: fill(fault.reason) },
    recommendation: fill(fault.recommendation),
    additionalInfo: {
      'EKS update cluster documentation':
        'https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html',
    },
    categorySpecificSummary: {
      deprecationDetails: [
        {
          usage: fault.deprecatedUsage.usage,
          replacedWith: fault.deprecatedUsage.replacedWith,
          stopServingVersion: version,
          clientStats: [
            {
              userAgent: fault.deprecatedUsage.userAgent,
              numberOfRequestsLast30Days: 1440,
              lastRequestTime: at,
            },
          ],
        },
      ],
    },
  };
}
