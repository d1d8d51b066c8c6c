import type { ExecutionProgress } from '../../lib/domain/execution';
import type { UpgradePlan, UpgradeStep } from '../../lib/domain/plan-types';
import type { KubernetesVersion } from '../../lib/domain/version';
import { artifactKeys, type UpgradeRecord } from '../../lib/phases/records';
import type { PhaseWorld } from './phase-world';

/** One upgrade of test-cluster (the snapshot builder's) from 1.29 to 1.30, as the phases see it. */

export const UPGRADE = 'test-cluster-1-30-req-1-0123456789ab';
export const CORRELATION = 'exec-1';
export const CLUSTER = 'test-cluster';
export const REQUEST = { clusterName: CLUSTER, targetVersion: '1.30', requestId: 'req-1' };

export const cpStep = (from = '1.29', to: KubernetesVersion = '1.30'): UpgradeStep => ({
  kind: 'control-plane',
  id: `control-plane:${to}`,
  hop: to,
  from,
  to,
  estimatedMinutes: 25,
});

export const gateStep = (
  stage: 'control-plane' | 'canary' | 'nodegroups',
  hop: KubernetesVersion = '1.30',
): UpgradeStep => ({
  kind: 'gate',
  id: `gate:${hop}:${stage}`,
  stage,
  hop,
  from: hop,
  to: hop,
  estimatedMinutes: 5,
});

export const addonStep = (name = 'vpc-cni', hop: KubernetesVersion = '1.30'): UpgradeStep => ({
  kind: 'addon',
  id: `addon:${name}:${hop}`,
  name,
  hop,
  from: 'v1.18.0-eksbuild.1',
  to: 'v1.19.0-eksbuild.1',
  estimatedMinutes: 3,
});

export const nodegroupStep = (
  name = 'general',
  from = '1.29',
  to: KubernetesVersion = '1.30',
): UpgradeStep => ({
  kind: 'nodegroup',
  id: `nodegroup:${name}:${to}`,
  name,
  hop: to,
  from,
  to,
  estimatedMinutes: 15,
});

export function plan(steps: readonly UpgradeStep[]): UpgradePlan {
  return {
    cluster: CLUSTER,
    currentVersion: '1.29',
    targetVersion: '1.30',
    strategy: 'in_place',
    verdict: 'ready',
    findings: [],
    steps,
    estimatedMinutes: 60,
  };
}

export function record(overrides: Partial<UpgradeRecord> = {}): UpgradeRecord {
  return {
    upgradeId: UPGRADE,
    clusterName: CLUSTER,
    targetVersion: '1.30',
    startedAt: '2026-11-28T09:00:00.000Z',
    phase: 'execution',
    completed: [],
    halted: false,
    ...overrides,
  };
}

/** Stores the plan and the upgrade record as reasoning and perception leave them. */
export async function givenUpgrade(
  w: PhaseWorld,
  steps: readonly UpgradeStep[],
  overrides: Partial<UpgradeRecord> = {},
): Promise<void> {
  await w.deps.artifacts.putJson(artifactKeys.plan(UPGRADE), plan(steps));
  await w.deps.artifacts.putJson(artifactKeys.record(UPGRADE), record(overrides));
  jest.mocked(w.deps.artifacts.putJson).mockClear();
}

export const storedRecord = (w: PhaseWorld) => w.store.get(artifactKeys.record(UPGRADE)) as UpgradeRecord;

export const FRESH: ExecutionProgress = { next: 0, inFlight: [], done: 0, polls: 0, busyAnswers: 0 };

export function executionCall(progress: ExecutionProgress = FRESH, request: Record<string, unknown> = {}) {
  return {
    upgradeId: UPGRADE,
    correlationId: CORRELATION,
    request: { ...REQUEST, ...request },
    planKey: artifactKeys.plan(UPGRADE),
    progress,
  };
}
