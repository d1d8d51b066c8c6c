import { UpgradeNotFoundError } from '../../../lib/domain/errors';
import type { Finding } from '../../../lib/domain/plan-types';
import { artifactKeys } from '../../../lib/phases/records';
import { rollbackRunKey } from '../../../lib/phases/rollback-run';
import {
  readUpgrade,
  storedViewInput,
  summaryOf,
  type UpgradeStatus,
  upgradeStatus,
} from '../../../lib/phases/status';
import type { ArtifactStore, ExecutionReader, ExecutionStatus, UpgradeExecution } from '../../../lib/ports';
import {
  addonStep,
  CLUSTER,
  cpStep,
  gateStep,
  nodegroupStep,
  plan,
  record,
  UPGRADE,
} from '../../support/phase-fixtures';

/** The read model's ports in memory: executions by id, documents by key; reads counted. */
function world() {
  const executions = new Map<string, UpgradeExecution>();
  const docs = new Map<string, unknown>();
  const reads: string[] = [];
  const artifacts: ArtifactStore = {
    putJson: async (key, value) => {
      docs.set(key, value);
    },
    getJson: async (key) => {
      reads.push(key);
      return docs.get(key);
    },
  };
  const described: string[] = [];
  const reader: ExecutionReader = {
    describe: async (id) => {
      described.push(id);
      return executions.get(id);
    },
    list: async () => [...executions.values()],
  };
  return { deps: { executions: reader, artifacts }, executions, docs, reads, described };
}

const STARTED = '2026-11-28T09:00:00.000Z';
const ARN = `arn:aws:states:us-east-1:123456789012:execution:eks-upgrade-agent-dev:${UPGRADE}`;

function execution(status: ExecutionStatus, overrides: Partial<UpgradeExecution> = {}): UpgradeExecution {
  return {
    upgradeId: UPGRADE,
    executionArn: ARN,
    status,
    startedAt: STARTED,
    input: {
      upgradeId: UPGRADE,
      request: { clusterName: CLUSTER, targetVersion: '1.30', requestId: 'req-1' },
    },
    ...overrides,
  };
}

const STEPS = [
  cpStep(),
  gateStep('control-plane'),
  addonStep(),
  nodegroupStep('general'),
  nodegroupStep('batch'),
];

const finding = (i: number, severity: Finding['severity']): Finding => ({
  code: `CODE_${i}`,
  severity,
  message: `finding ${i}`,
});

describe('readUpgrade: which upgrade', () => {
  test.each(['', '../other/plan', 'a/b', 'id with space', 'x'.repeat(81), 'é'])(
    'the id %j names no upgrade, and nothing is read for it',
    async (id) => {
      const w = world();
      const read = readUpgrade(id, w.deps);
      await expect(read).rejects.toThrow(UpgradeNotFoundError);
      await expect(read).rejects.toThrow(`there is no upgrade ${JSON.stringify(id)} in this stage`);
      expect(w.reads).toEqual([]);
      expect(w.described).toEqual([]);
    },
  );

  test('an id of 80 letters, digits, - and _ is read', async () => {
    const w = world();
    const id = `${'a'.repeat(76)}-_Z9`;
    w.executions.set(id, execution('RUNNING', { upgradeId: id }));
    await expect(upgradeStatus(id, w.deps)).resolves.toMatchObject({ upgradeId: id, state: 'running' });
    expect(w.described).toEqual([id]);
  });

  test('neither an execution nor a refusal: not found, naming the id', async () => {
    const w = world();
    w.docs.set(artifactKeys.record(UPGRADE), record());
    await expect(upgradeStatus(UPGRADE, w.deps)).rejects.toThrow(
      new UpgradeNotFoundError(`there is no upgrade ${UPGRADE} in this stage`),
    );
  });

  test('every document of the upgrade is read, under its own key', async () => {
    const w = world();
    w.executions.set(UPGRADE, execution('RUNNING'));
    await upgradeStatus(UPGRADE, w.deps);
    expect(w.reads.sort()).toEqual(
      [
        artifactKeys.record(UPGRADE),
        artifactKeys.plan(UPGRADE),
        artifactKeys.validation(UPGRADE),
        artifactKeys.failure(UPGRADE),
        artifactKeys.refusal(UPGRADE),
        artifactKeys.approval(UPGRADE),
        rollbackRunKey(UPGRADE),
      ].sort(),
    );
  });
});

describe('upgradeStatus: the state', () => {
  test.each([
    ['RUNNING', 'running'],
    ['PENDING_REDRIVE', 'running'],
    ['SUCCEEDED', 'succeeded'],
    ['FAILED', 'failed'],
    ['TIMED_OUT', 'timed-out'],
    ['ABORTED', 'aborted'],
  ] as const)('an execution %s is %s', async (status, state) => {
    const w = world();
    w.executions.set(UPGRADE, execution(status));
    expect((await upgradeStatus(UPGRADE, w.deps)).state).toBe(state);
  });

  const approval = (status: 'pending' | 'approved' | 'rejected' | 'expired') => ({
    upgradeId: UPGRADE,
    status,
    requestedAt: STARTED,
    expiresAt: '2026-11-28T21:00:00.000Z',
  });

  test('running with a pending approval is awaiting-approval, and the approval is shown', async () => {
    const w = world();
    w.executions.set(UPGRADE, execution('RUNNING'));
    w.docs.set(artifactKeys.approval(UPGRADE), approval('pending'));
    const status = await upgradeStatus(UPGRADE, w.deps);
    expect(status.state).toBe('awaiting-approval');
    expect(status.approval).toEqual(approval('pending'));
  });

  test.each(['approved', 'rejected', 'expired'] as const)(
    'running with an approval %s is running',
    async (s) => {
      const w = world();
      w.executions.set(UPGRADE, execution('RUNNING'));
      w.docs.set(artifactKeys.approval(UPGRADE), approval(s));
      expect((await upgradeStatus(UPGRADE, w.deps)).state).toBe('running');
    },
  );

  test('a pending approval of an execution that ended does not make it wait', async () => {
    const w = world();
    w.executions.set(UPGRADE, execution('FAILED'));
    w.docs.set(artifactKeys.approval(UPGRADE), approval('pending'));
    expect((await upgradeStatus(UPGRADE, w.deps)).state).toBe('failed');
  });

  test('no approval asked: no approval in the status', async () => {
    const w = world();
    w.executions.set(UPGRADE, execution('RUNNING'));
    expect(await upgradeStatus(UPGRADE, w.deps)).not.toHaveProperty('approval');
  });
});

describe('upgradeStatus: what it shows', () => {
  test('a refused request: state refused, the cluster and target from the refused request', async () => {
    const w = world();
    w.docs.set(artifactKeys.refusal(UPGRADE), {
      refusedAt: STARTED,
      request: { clusterName: 'payments-prod', targetVersion: '1.31', requestId: 'r-9' },
      error: { name: 'ClusterBusyError', message: 'payments-prod is being upgraded by u-0' },
      reason: 'cluster busy',
    });
    const status = await upgradeStatus(UPGRADE, w.deps);
    expect(status).toEqual({
      upgradeId: UPGRADE,
      state: 'refused',
      clusterName: 'payments-prod',
      targetVersion: '1.31',
      refusal: {
        refusedAt: STARTED,
        error: { name: 'ClusterBusyError', message: 'payments-prod is being upgraded by u-0' },
        reason: 'cluster busy',
      },
    });
    expect(summaryOf(status)).toBe('payments-prod to 1.31: refused (cluster busy)');
  });

  test('the execution: status, ARN, start, and the stop once there is one', async () => {
    const w = world();
    w.executions.set(UPGRADE, execution('RUNNING'));
    expect((await upgradeStatus(UPGRADE, w.deps)).execution).toStrictEqual({
      status: 'RUNNING',
      executionArn: ARN,
      startedAt: STARTED,
    });
    w.executions.set(UPGRADE, execution('SUCCEEDED', { stoppedAt: '2026-11-28T11:00:00.000Z' }));
    expect((await upgradeStatus(UPGRADE, w.deps)).execution).toEqual({
      status: 'SUCCEEDED',
      executionArn: ARN,
      startedAt: STARTED,
      stoppedAt: '2026-11-28T11:00:00.000Z',
    });
  });

  test("progress: steps done of the plan's, the first step not done next, halted as recorded", async () => {
    const w = world();
    w.executions.set(UPGRADE, execution('RUNNING'));
    w.docs.set(artifactKeys.plan(UPGRADE), plan(STEPS));
    // Done out of order (node groups run in parallel): the first step not done is next.
    w.docs.set(
      artifactKeys.record(UPGRADE),
      record({
        completed: [
          { stepId: 'control-plane:1.30', finishedAt: '2026-11-28T09:25:00.000Z' },
          { stepId: 'gate:1.30:control-plane', finishedAt: '2026-11-28T09:30:00.000Z' },
          { stepId: 'nodegroup:general:1.30', finishedAt: '2026-11-28T09:50:00.000Z' },
        ],
        halted: true,
      }),
    );
    const status = await upgradeStatus(UPGRADE, w.deps);
    expect(status.progress).toEqual({
      phase: 'execution',
      stepsDone: 3,
      stepsTotal: 5,
      currentStep: {
        id: 'addon:vpc-cni:1.30',
        description: 'Update add-on vpc-cni v1.18.0-eksbuild.1 -> v1.19.0-eksbuild.1',
      },
      halted: true,
    });
    expect(summaryOf(status)).toBe(
      `${CLUSTER} to 1.30: running (3/5 steps); next: Update add-on vpc-cni v1.18.0-eksbuild.1 -> v1.19.0-eksbuild.1`,
    );
  });

  test('a succeeded upgrade has no next step even when the record lags; completedAt is shown', async () => {
    const w = world();
    w.executions.set(UPGRADE, execution('SUCCEEDED', { stoppedAt: '2026-11-28T11:00:00.000Z' }));
    w.docs.set(artifactKeys.plan(UPGRADE), plan(STEPS));
    w.docs.set(
      artifactKeys.record(UPGRADE),
      record({ phase: 'validation', completedAt: '2026-11-28T10:59:00.000Z' }),
    );
    const status = await upgradeStatus(UPGRADE, w.deps);
    expect(status.progress).toEqual({
      phase: 'validation',
      stepsDone: 0,
      stepsTotal: 5,
      completedAt: '2026-11-28T10:59:00.000Z',
      halted: false,
    });
    expect(summaryOf(status)).toBe(`${CLUSTER} to 1.30: succeeded (0/5 steps)`);
  });

  test('every step done: no next step; without a plan no total', async () => {
    const w = world();
    w.executions.set(UPGRADE, execution('RUNNING'));
    const completed = STEPS.map((s) => ({ stepId: s.id, finishedAt: '2026-11-28T10:00:00.000Z' }));
    w.docs.set(artifactKeys.record(UPGRADE), record({ completed }));
    expect((await upgradeStatus(UPGRADE, w.deps)).progress).toStrictEqual({
      phase: 'execution',
      stepsDone: 5,
      halted: false,
    });
    w.docs.set(artifactKeys.plan(UPGRADE), plan(STEPS));
    const status = await upgradeStatus(UPGRADE, w.deps);
    expect(status.progress).toEqual({ phase: 'execution', stepsDone: 5, stepsTotal: 5, halted: false });
    expect(summaryOf(status)).toBe(`${CLUSTER} to 1.30: running (5/5 steps)`);
  });

  test('the plan: its key, verdict, versions, strategy and estimate; findings counted by severity, the first 20 shown', async () => {
    const w = world();
    w.executions.set(UPGRADE, execution('RUNNING'));
    const severities: Finding['severity'][] = ['warn', 'info', 'block'];
    const findings = Array.from({ length: 25 }, (_, i) => finding(i, severities[i % 3] ?? 'info'));
    w.docs.set(artifactKeys.plan(UPGRADE), {
      ...plan(STEPS),
      currentVersion: '1.28',
      strategy: 'blue_green',
      verdict: 'blocked',
      estimatedMinutes: 155,
      findings,
    });
    const status = await upgradeStatus(UPGRADE, w.deps);
    expect(status.plan).toEqual({
      key: `upgrades/${UPGRADE}/plan.json`,
      verdict: 'blocked',
      fromVersion: '1.28',
      strategy: 'blue_green',
      estimatedMinutes: 155,
    });
    expect(status.findings).toEqual({
      total: 25,
      bySeverity: { warn: 9, info: 8, block: 8 },
      shown: findings.slice(0, 20),
    });
  });

  test('a plan with no findings counts none', async () => {
    const w = world();
    w.executions.set(UPGRADE, execution('RUNNING'));
    w.docs.set(artifactKeys.plan(UPGRADE), plan(STEPS));
    expect((await upgradeStatus(UPGRADE, w.deps)).findings).toEqual({ total: 0, bySeverity: {}, shown: [] });
  });

  test('the cluster and target: the execution input first, then the record, then the plan', async () => {
    const w = world();
    w.docs.set(artifactKeys.plan(UPGRADE), { ...plan(STEPS), cluster: 'from-plan', targetVersion: '1.33' });
    w.executions.set(UPGRADE, execution('RUNNING', { input: { request: { clusterName: 7 } } }));
    expect(await upgradeStatus(UPGRADE, w.deps)).toMatchObject({
      clusterName: 'from-plan',
      targetVersion: '1.33',
    });
    w.docs.set(artifactKeys.record(UPGRADE), record({ clusterName: 'from-record', targetVersion: '1.32' }));
    expect(await upgradeStatus(UPGRADE, w.deps)).toMatchObject({
      clusterName: 'from-record',
      targetVersion: '1.32',
    });
    w.executions.set(
      UPGRADE,
      execution('RUNNING', { input: { request: { clusterName: 'from-input', targetVersion: '1.31' } } }),
    );
    expect(await upgradeStatus(UPGRADE, w.deps)).toMatchObject({
      clusterName: 'from-input',
      targetVersion: '1.31',
    });
  });

  test('an execution whose request is null or not an object is read as one without a request', async () => {
    const w = world();
    w.docs.set(artifactKeys.record(UPGRADE), record({ clusterName: 'from-record' }));
    for (const request of [null, 'payments-prod', 42]) {
      w.executions.set(UPGRADE, execution('RUNNING', { input: { request } }));
      expect(await upgradeStatus(UPGRADE, w.deps)).toMatchObject({
        state: 'running',
        clusterName: 'from-record',
      });
    }
  });

  test('an execution whose input cannot be read shows no cluster until a document names it', async () => {
    const w = world();
    w.executions.set(UPGRADE, execution('RUNNING', { input: undefined }));
    const status = await upgradeStatus(UPGRADE, w.deps);
    expect(status).not.toHaveProperty('clusterName');
    expect(status).not.toHaveProperty('targetVersion');
    expect(summaryOf(status)).toBe('? to ?: running');
  });

  test('validation, failure and rollback as recorded; the rollback as counts of its actions', async () => {
    const w = world();
    w.executions.set(UPGRADE, execution('FAILED'));
    const validation = {
      upgradeId: UPGRADE,
      clusterName: CLUSTER,
      targetVersion: '1.30',
      passed: false,
      failedChecks: ['error-rate'],
      judgedAt: '2026-11-28T10:10:00.000Z',
    };
    const failure = {
      failedAt: '2026-11-28T10:30:00.000Z',
      phase: 'rollback' as const,
      error: { name: 'RollbackIncompleteError', message: 'one action failed' },
      reason: 'rolled back partially',
    };
    w.docs.set(artifactKeys.validation(UPGRADE), validation);
    w.docs.set(artifactKeys.failure(UPGRADE), failure);
    w.docs.set(rollbackRunKey(UPGRADE), {
      upgradeId: UPGRADE,
      clusterName: CLUSTER,
      targetVersion: '1.30',
      reason: 'validation failed: error-rate',
      claimedBy: 'state-machine',
      hop: '1.30',
      expected: 'reverted',
      actions: [
        { kind: 'replace-nodegroup', resource: 'general', why: 'w' },
        { kind: 'replace-nodegroup', resource: 'batch', why: 'w' },
        { kind: 'revert-control-plane', resource: CLUSTER, why: 'w' },
      ],
      cursor: 1,
      results: [{ action: 'replace-nodegroup', resource: 'general', result: 'reverted', ok: true }],
      outcome: 'partially-reverted',
    });
    const status = await upgradeStatus(UPGRADE, w.deps);
    expect(status.validation).toEqual(validation);
    expect(status.failure).toEqual(failure);
    expect(status.rollback).toEqual({
      reason: 'validation failed: error-rate',
      hop: '1.30',
      outcome: 'partially-reverted',
      actionsDone: 1,
      actionsTotal: 3,
    });
    expect(summaryOf(status)).toBe(`${CLUSTER} to 1.30: failed in rollback: rolled back partially`);
  });

  test('a rollback with no hop and no outcome yet shows neither', async () => {
    const w = world();
    w.executions.set(UPGRADE, execution('RUNNING'));
    w.docs.set(rollbackRunKey(UPGRADE), {
      upgradeId: UPGRADE,
      clusterName: CLUSTER,
      targetVersion: '1.30',
      reason: 'asked',
      claimedBy: 'event-rule',
      expected: 'stopped',
      actions: [],
      cursor: 0,
      results: [],
    });
    expect((await upgradeStatus(UPGRADE, w.deps)).rollback).toStrictEqual({
      reason: 'asked',
      actionsDone: 0,
      actionsTotal: 0,
    });
  });

  test('documents that are not what their schema says are left out, not trusted', async () => {
    const w = world();
    w.executions.set(UPGRADE, execution('RUNNING'));
    w.docs.set(artifactKeys.plan(UPGRADE), { ...plan(STEPS), steps: 'not a list' });
    w.docs.set(artifactKeys.record(UPGRADE), { ...record(), halted: 'no' });
    w.docs.set(artifactKeys.validation(UPGRADE), { passed: false });
    w.docs.set(artifactKeys.failure(UPGRADE), { failedAt: STARTED, phase: 'somewhere' });
    w.docs.set(artifactKeys.approval(UPGRADE), { upgradeId: UPGRADE, status: 'maybe' });
    const status = await upgradeStatus(UPGRADE, w.deps);
    expect(Object.keys(status).sort()).toEqual([
      'clusterName',
      'execution',
      'state',
      'targetVersion',
      'upgradeId',
    ]);
    expect(status.state).toBe('running');
  });

  test('a plan without findings is not a plan', async () => {
    const w = world();
    w.executions.set(UPGRADE, execution('RUNNING'));
    const { findings: _, ...withoutFindings } = plan(STEPS);
    w.docs.set(artifactKeys.plan(UPGRADE), withoutFindings);
    expect(await upgradeStatus(UPGRADE, w.deps)).not.toHaveProperty('plan');
  });
});

describe('summaryOf', () => {
  const base: UpgradeStatus = {
    upgradeId: UPGRADE,
    state: 'running',
    clusterName: CLUSTER,
    targetVersion: '1.30',
  };

  test('awaiting approval: until when, with the steps', () => {
    expect(
      summaryOf({
        ...base,
        state: 'awaiting-approval',
        progress: { phase: 'reasoning', stepsDone: 0, stepsTotal: 4, halted: false },
        approval: {
          upgradeId: UPGRADE,
          status: 'pending',
          requestedAt: STARTED,
          expiresAt: '2026-11-28T21:00:00.000Z',
        },
      }),
    ).toBe(`${CLUSTER} to 1.30: waiting for an approval until 2026-11-28T21:00:00.000Z (0/4 steps)`);
    expect(summaryOf({ ...base, state: 'awaiting-approval' })).toBe(
      `${CLUSTER} to 1.30: waiting for an approval until ?`,
    );
  });

  test('failed without a failure document says only failed', () => {
    expect(summaryOf({ ...base, state: 'failed' })).toBe(`${CLUSTER} to 1.30: failed`);
  });

  test('refused without a refusal document', () => {
    expect(summaryOf({ ...base, state: 'refused' })).toBe(`${CLUSTER} to 1.30: refused ()`);
  });

  test.each(['timed-out', 'aborted'] as const)('%s is said as it is', (state) => {
    expect(summaryOf({ ...base, state })).toBe(`${CLUSTER} to 1.30: ${state}`);
  });
});

describe('storedViewInput: the upgrade page from the stored documents', () => {
  async function read(w: ReturnType<typeof world>) {
    return readUpgrade(UPGRADE, w.deps);
  }

  test('steps on a time line in minutes from the execution start; the plan, findings and figures', async () => {
    const w = world();
    w.executions.set(UPGRADE, execution('SUCCEEDED', { stoppedAt: '2026-11-28T10:30:00.000Z' }));
    const findings = [finding(1, 'warn')];
    w.docs.set(artifactKeys.plan(UPGRADE), { ...plan(STEPS), findings });
    w.docs.set(
      artifactKeys.record(UPGRADE),
      record({
        // A record that started later than the execution: the execution's start is the origin.
        startedAt: '2026-11-28T09:05:00.000Z',
        completed: [
          {
            stepId: 'control-plane:1.30',
            startedAt: '2026-11-28T09:06:00.000Z',
            finishedAt: '2026-11-28T09:30:00.000Z',
          },
          // Finished "before" the origin (a clock skew): never a negative minute.
          { stepId: 'gate:1.30:control-plane', finishedAt: '2026-11-28T08:59:00.000Z' },
        ],
      }),
    );
    const { status, docs } = await read(w);
    const view = storedViewInput(status, docs);
    expect(view.timeline).toEqual({
      origin: STARTED,
      steps: {
        'control-plane:1.30': { startedAt: 6, finishedAt: 30 },
        'gate:1.30:control-plane': { finishedAt: 0 },
      },
    });
    expect(view).toMatchObject({
      outcome: 'succeeded',
      summary: summaryOf(status),
      clusterName: CLUSTER,
      fromVersion: '1.29',
      targetVersion: '1.30',
      strategy: 'in_place',
      upgradeId: UPGRADE,
      findings,
      steps: STEPS,
      changes: [],
      simulatedMinutes: 90,
      figures: { stepsDone: 2, stepsTotal: 5 },
      events: [],
    });
  });

  test('without an execution the record is the origin; without a plan, no steps and in_place', async () => {
    const w = world();
    w.docs.set(artifactKeys.refusal(UPGRADE), {
      refusedAt: STARTED,
      request: {},
      error: { name: 'ClusterBusyError', message: 'busy' },
      reason: 'busy',
    });
    w.docs.set(
      artifactKeys.record(UPGRADE),
      record({ startedAt: '2026-11-28T09:10:00.000Z', completedAt: '2026-11-28T09:40:00.000Z' }),
    );
    const { status, docs } = await read(w);
    const view = storedViewInput(status, docs);
    expect(view.timeline).toStrictEqual({ origin: '2026-11-28T09:10:00.000Z', steps: {} });
    expect(view).toMatchObject({
      clusterName: CLUSTER,
      fromVersion: '',
      strategy: 'in_place',
      steps: [],
      findings: [],
      simulatedMinutes: 30,
      figures: { stepsDone: 0 },
    });
    expect(view.figures).not.toHaveProperty('stepsTotal');
  });

  test('the failure stands in for upgrade.failed when the log has not got it, and only then', async () => {
    const w = world();
    w.executions.set(UPGRADE, execution('FAILED'));
    const failure = {
      failedAt: '2026-11-28T09:45:00.000Z',
      phase: 'execution' as const,
      error: { name: 'NodegroupUpdateFailedError', message: 'general: NodeCreationFailure' },
      reason: 'a node group update failed',
    };
    w.docs.set(artifactKeys.failure(UPGRADE), failure);
    const { status, docs } = await read(w);
    const fromDocument = storedViewInput(status, docs, [
      { 'detail-type': 'phase.started', time: STARTED, detail: { upgradeId: UPGRADE, phase: 'execution' } },
    ]);
    expect(fromDocument.events).toEqual([
      { 'detail-type': 'phase.started', time: STARTED, detail: { upgradeId: UPGRADE, phase: 'execution' } },
      {
        'detail-type': 'upgrade.failed',
        time: '2026-11-28T09:45:00.000Z',
        detail: { upgradeId: UPGRADE, phase: 'execution', reason: failure.reason, error: failure.error },
      },
    ]);
    // No stop time and no completion: the failure is the end.
    expect(fromDocument.simulatedMinutes).toBe(45);
    const logged = [
      { 'detail-type': 'phase.failed', time: '2026-11-28T09:45:00.000Z', detail: { upgradeId: UPGRADE } },
      { 'detail-type': 'upgrade.failed', time: '2026-11-28T09:46:00.000Z', detail: { upgradeId: UPGRADE } },
    ];
    expect(storedViewInput(status, docs, logged).events).toEqual(logged);
  });

  test('an upgrade still running has no end: zero minutes; nothing recorded, no steps', async () => {
    const w = world();
    w.executions.set(UPGRADE, execution('RUNNING', { input: undefined }));
    const { status, docs } = await read(w);
    const view = storedViewInput(status, docs);
    expect(view).toMatchObject({ simulatedMinutes: 0, clusterName: '', targetVersion: '', fromVersion: '' });
    expect(view.timeline).toStrictEqual({ origin: STARTED, steps: {} });
  });

  test('a refused request with no record and no execution starts the page at the epoch', async () => {
    const w = world();
    w.docs.set(artifactKeys.refusal(UPGRADE), {
      refusedAt: STARTED,
      request: { clusterName: CLUSTER, targetVersion: '1.30' },
      error: { name: 'ClusterBusyError', message: 'busy' },
      reason: 'busy',
    });
    const { status, docs } = await read(w);
    const view = storedViewInput(status, docs);
    expect(view.timeline).toStrictEqual({ origin: new Date(0).toISOString(), steps: {} });
    expect(view).toMatchObject({ outcome: 'refused', clusterName: CLUSTER, simulatedMinutes: 0 });
  });
});
