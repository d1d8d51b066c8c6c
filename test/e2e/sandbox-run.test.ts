import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_SOURCE } from '../../lib/domain/events';
import { runSandboxUpgrade, type SandboxRunReport } from '../../lib/sandbox/local-run';
import { createLocalStack } from '../../lib/sandbox/local-stack';

/**
 * Whole upgrades through the real ASL (aws-local-stepfunctions), the real phase
 * handlers, the deployed rule patterns and the sandbox EKS: one per scenario.
 */
const SNAPSHOT = join(__dirname, '..', '..', 'demo', 'snapshots', 'payments-prod-1.30.json');
const stateDir = () => mkdtempSync(join(tmpdir(), 'eua-e2e-'));

function run(scenario: string, extra: Partial<Parameters<typeof runSandboxUpgrade>[0]> = {}) {
  return runSandboxUpgrade({
    stateDir: stateDir(),
    snapshotFile: SNAPSHOT,
    scenario,
    targetVersion: '1.32',
    ...extra,
  });
}

const types = (r: SandboxRunReport) => r.events.map((e) => e['detail-type']);
const count = (r: SandboxRunReport, type: string) => types(r).filter((t) => t === type).length;

describe('sandbox upgrades, end to end', () => {
  test('happy: every step runs, the cluster ends at the target, validation passes, the lock is released', async () => {
    const r = await run('happy');
    expect(r.outcome).toBe('completed');
    expect(r.executionStatus).toBe('SUCCEEDED');
    expect(r.completedSteps).toBe(r.plannedSteps);
    expect(r.plannedSteps).toBe(23);
    expect(r.changes).toContainEqual({ resource: 'control plane payments-prod', from: '1.30', to: '1.32' });
    expect(r.changes.filter((c) => c.resource.startsWith('node group')).every((c) => c.to === '1.32')).toBe(
      true,
    );
    expect(types(r)).toEqual(
      expect.arrayContaining([
        'upgrade.requested',
        'upgrade.started',
        'validation.success',
        'upgrade.completed',
      ]),
    );
    expect(count(r, 'rollback.triggered')).toBe(0);
    // The detection goal (issue 11, lib/domain/detection.ts): at most half the polls a fixed
    // 30 s interval would make over the simulated time.
    const fixedIntervalPolls = (r.simulatedMinutes * 60) / 30;
    expect(r.figures.polls).toBeLessThanOrEqual(fixedIntervalPolls / 2);
    expect(r.simulatedMinutes).toBeGreaterThan(100);
    expect(r.figures.largestStateBytes).toBeLessThan(262_144);
    expect(r.figures.deadLettered).toBe(0);
    // Every event reached the audit rule; upgrade.completed reached notifications.
    expect(r.figures.ruleDeliveries.audit).toBe(r.events.length);
    expect(r.figures.ruleDeliveries.notifications).toBe(1);
  });

  test('validation-failure: the rule and the state machine both call rollback, its effect happens once', async () => {
    const r = await run('validation-failure');
    expect(r.outcome).toBe('rolled-back');
    expect(r.executionStatus).toBe('FAILED');
    expect(count(r, 'validation.failure')).toBe(1);
    expect(count(r, 'rollback.triggered')).toBe(1);
    expect(count(r, 'rollback.completed')).toBe(1);
    expect(count(r, 'upgrade.failed')).toBe(1);
    // The rule's call claims it; the state machine's calls drive the revert actions to the end.
    const triggered = r.events.find((e) => e['detail-type'] === 'rollback.triggered');
    expect(['event-rule', 'state-machine']).toContain((triggered?.detail as { trigger?: string })?.trigger);
    expect(r.validation?.success).toBe(false);
    expect(r.validation?.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual([
      'error_rate',
      'latency_p99',
    ]);
    expect(r.rollback?.outcome).toBe('reverted');
  });

  test('control-plane-regression: the gate after the first hop fails, the control plane goes back to 1.30, node groups untouched by the rollback', async () => {
    const r = await run('control-plane-regression');
    expect(r.outcome).toBe('rolled-back');
    expect(r.validation).toMatchObject({ success: false, gate: { stage: 'control-plane', hop: '1.31' } });
    expect(r.rollback?.outcome).toBe('reverted');
    expect(r.rollback?.hop).toBe('1.31');
    expect(r.rollback?.actions.filter((a) => a.action !== 'keep')).toEqual([
      {
        action: 'rollback-control-plane',
        resource: 'cluster/payments-prod',
        result: expect.stringMatching(/^rolled back: EKS version rollback 1\.31 -> 1\.30/),
      },
    ]);
    expect(r.finalState.controlPlane).toBe('1.30');
    // batch-spot moved to 1.30 before the hop (EKS's rule); no node group was created, deleted or moved back.
    expect(r.finalState.nodegroups).toEqual({
      'general-al2023': '1.30',
      'batch-spot': '1.30',
      'system-bottlerocket': '1.30',
    });
    expect(r.figures.awsApiCalls.createNodegroup).toBeUndefined();
  });

  test('nodegroup-regression: the canary gate fails, the canary is replaced at 1.30, then the control plane goes back', async () => {
    const r = await run('nodegroup-regression');
    expect(r.outcome).toBe('rolled-back');
    expect(r.validation).toMatchObject({ success: false, gate: { stage: 'canary', hop: '1.31' } });
    expect(r.rollback?.outcome).toBe('reverted');
    expect(r.rollback?.actions.filter((a) => a.action !== 'keep').map((a) => [a.action, a.resource])).toEqual(
      [
        ['replace-nodegroup', 'nodegroup/system-bottlerocket'],
        ['rollback-control-plane', 'cluster/payments-prod'],
      ],
    );
    const names = Object.keys(r.finalState.nodegroups);
    const replacement = names.find((n) => n.startsWith('system-bottlerocket-rb-'));
    expect(names).not.toContain('system-bottlerocket');
    expect(r.finalState).toMatchObject({
      controlPlane: '1.30',
      nodegroups: { 'general-al2023': '1.30', 'batch-spot': '1.30', [replacement ?? 'missing']: '1.30' },
    });
    expect(r.figures.awsApiCalls).toMatchObject({
      createNodegroup: 1,
      deleteNodegroup: 1,
      startControlPlaneRollback: 1,
    });
  });

  test('rollback-refused: EKS refuses the version rollback, the outcome is stopped with EKS reason, and the rollback ends', async () => {
    const r = await run('rollback-refused');
    expect(r.outcome).toBe('rolled-back');
    expect(r.rollback?.outcome).toBe('stopped');
    const cp = r.rollback?.actions.find((a) => a.resource === 'cluster/payments-prod');
    expect(cp?.result).toMatch(/^refused by EKS: .*Kubernetes API compatibility for rollback/);
    expect(r.failure?.reason).toContain('rollback stopped');
    expect(r.finalState.controlPlane).toBe('1.31');
    expect(count(r, 'rollback.completed')).toBe(1);
    expect(r.figures.awsApiCalls.startControlPlaneRollback).toBe(1);
  });

  test('no-data: missing metrics never pass validation', async () => {
    const r = await run('no-data');
    expect(r.outcome).toBe('rolled-back');
    expect(r.validation?.success).toBe(false);
  });

  test('eviction-failure: PodEvictionFailure stops the upgrade through HandleFailure, nothing further starts', async () => {
    const r = await run('eviction-failure');
    expect(r.outcome).toBe('failed');
    expect(r.failure?.phase).toBe('execution');
    expect(r.failure?.error.name).toBe('StepFailedError');
    expect(r.failure?.reason).toContain('PodEvictionFailure');
    expect(r.completedSteps).toBeLessThan(r.plannedSteps);
    expect(count(r, 'upgrade.completed')).toBe(0);
  });

  test('addon-conflict: a failed add-on update fails the upgrade with EKS error code', async () => {
    const r = await run('addon-conflict');
    expect(r.outcome).toBe('failed');
    expect(r.failure?.phase).toBe('execution');
  });

  test('insight-error: the plan is blocked and the cluster is not touched', async () => {
    const r = await run('insight-error');
    expect(r.outcome).toBe('blocked');
    expect(r.failure?.error.name).toBe('PlanBlockedError');
    expect(r.changes).toEqual([]);
    expect(r.findings.some((f) => f.severity === 'block')).toBe(true);
    expect(count(r, 'upgrade.started')).toBe(0);
  });

  test('busy: ResourceInUseException is waited out, not failed', async () => {
    const r = await run('busy');
    expect(r.outcome).toBe('completed');
    expect(r.figures.polls).toBeGreaterThan(27);
  });

  test('throttled: throttling is retried by the state machine and the upgrade completes', async () => {
    const r = await run('throttled');
    expect(r.outcome).toBe('completed');
    expect(r.figures.retries).toBeGreaterThan(0);
  });

  test('dry run: a plan and no change', async () => {
    const r = await run('happy', { dryRun: true });
    expect(r.outcome).toBe('planned');
    expect(r.plannedSteps).toBe(23);
    expect(r.changes).toEqual([]);
    expect(r.figures.lambdaInvocations.execution).toBeUndefined();
  });
});

describe('the trigger', () => {
  const request = (requestId: string, targetVersion = '1.31') => ({
    detailType: 'upgrade.requested',
    source: EVENT_SOURCE,
    detail: { schemaVersion: '1', clusterName: 'payments-prod', targetVersion, requestId },
  });

  test('the same upgrade.requested delivered twice starts one upgrade', async () => {
    const dir = stateDir();
    const stack = createLocalStack({ stateDir: dir, snapshotFile: SNAPSHOT });
    await stack.put(request('chg-1') as never);
    await stack.put(request('chg-1') as never);
    expect(stack.executions).toHaveLength(1);
    expect(stack.bus.published().filter((e) => e['detail-type'] === 'upgrade.started')).toHaveLength(1);
    // The lock was re-taken by the duplicate and given back: the cluster is free.
    expect(JSON.parse(readFileSync(join(dir, 'locks.json'), 'utf8'))).toEqual({});
  });

  test('a second request for a busy cluster ends in upgrade.failed, never a second execution', async () => {
    const dir = stateDir();
    const stack = createLocalStack({ stateDir: dir, snapshotFile: SNAPSHOT });
    await stack.deps.locks.acquire('payments-prod', 'someone-else', 3600);
    await stack.put(request('chg-2') as never);
    expect(stack.executions).toHaveLength(0);
    const failed = stack.bus.published().find((e) => e['detail-type'] === 'upgrade.failed');
    expect(failed?.detail).toMatchObject({ phase: 'trigger', error: { name: 'ClusterBusyError' } });
    expect(String((failed?.detail as { reason?: string } | undefined)?.reason)).toContain(
      'an upgrade is in progress',
    );
  });

  test('an invalid request is refused with upgrade.failed naming the field', async () => {
    const stack = createLocalStack({ stateDir: stateDir(), snapshotFile: SNAPSHOT });
    await stack.put(request('chg-3', 'latest') as never);
    expect(stack.executions).toHaveLength(0);
    const failed = stack.bus.published().find((e) => e['detail-type'] === 'upgrade.failed');
    expect(String((failed?.detail as { reason?: string } | undefined)?.reason)).toContain('targetVersion');
  });
});
