import { EARLIEST_LOOK } from '../../../lib/domain/detection';
import { clientRequestToken } from '../../../lib/domain/request-token';
import { insightSchema } from '../../../lib/domain/snapshot';
import { executePhase } from '../../../lib/phases/execution';
import {
  addonStep,
  CLUSTER,
  cpStep,
  executionCall,
  FRESH,
  gateStep,
  givenUpgrade,
  nodegroupStep,
  storedRecord,
  UPGRADE,
} from '../../support/phase-fixtures';
import { phaseWorld } from '../../support/phase-world';

/**
 * The execution phase starting steps: what it asks EKS (force, tokens, conflict
 * resolution), when it stops before asking, and what it hands the state machine.
 */

const insight = (overrides: Record<string, unknown> = {}) =>
  insightSchema().parse({
    id: 'ins-1',
    name: 'Deprecated APIs removed in 1.30',
    category: 'UPGRADE_READINESS',
    kubernetesVersion: '1.30',
    insightStatus: { status: 'ERROR', reason: 'still in use' },
    ...overrides,
  });

describe('executePhase: starting a step', () => {
  test('given a fresh upgrade, when it starts the control plane, then EKS gets the step with its token and the request force', async () => {
    const w = phaseWorld();
    await givenUpgrade(w, [cpStep()]);
    const result = await executePhase(executionCall(), w.deps);
    expect(w.deps.updates.startStep).toHaveBeenCalledTimes(1);
    expect(w.deps.updates.startStep).toHaveBeenCalledWith(CLUSTER, cpStep(), {
      clientRequestToken: clientRequestToken(UPGRADE, 'control-plane:1.30'),
      force: false,
      resolveConflicts: 'PRESERVE',
    });
    // 25 min estimate: first look at 80 % of it (1,200 s), capped at maxPollSeconds.
    expect(result).toEqual({
      status: 'waiting',
      waitSeconds: 900,
      soakSeconds: 0,
      gate: null,
      waitUntil: null,
      started: ['control-plane:1.30'],
      finished: [],
      progress: {
        ...FRESH,
        next: 1,
        inFlight: [
          {
            stepId: 'control-plane:1.30',
            updateId: 'update-1',
            startedAt: '2026-11-28T10:00:00.000Z',
            polls: 0,
          },
        ],
      },
    });
  });

  test('given a forced request, then --force reaches EKS on the control plane and the insights are not read', async () => {
    const w = phaseWorld();
    jest.mocked(w.deps.insights.readInsights).mockResolvedValue([insight()]);
    await givenUpgrade(w, [cpStep()]);
    await executePhase(executionCall(FRESH, { force: true }), w.deps);
    expect(w.deps.insights.readInsights).not.toHaveBeenCalled();
    expect(jest.mocked(w.deps.updates.startStep).mock.calls[0]?.[2].force).toBe(true);
  });

  test('given a forced request, then force does not reach EKS on node groups or add-ons (unless configured)', async () => {
    const w = phaseWorld();
    await givenUpgrade(w, [nodegroupStep()]);
    await executePhase(executionCall(FRESH, { force: true }), w.deps);
    expect(jest.mocked(w.deps.updates.startStep).mock.calls[0]?.[2].force).toBe(false);

    const a = phaseWorld({ config: { execution: { forceNodegroupUpdates: true } } });
    await givenUpgrade(a, [addonStep()]);
    await executePhase(executionCall(FRESH, { force: true }), a.deps);
    expect(jest.mocked(a.deps.updates.startStep).mock.calls[0]?.[2].force).toBe(false);
  });

  test('given forceNodegroupUpdates in the configuration, then a node-group step is started with force and the configured resolveConflicts', async () => {
    const w = phaseWorld({
      config: { execution: { forceNodegroupUpdates: 'true', addonResolveConflicts: 'OVERWRITE' } },
    });
    await givenUpgrade(w, [nodegroupStep()]);
    const result = await executePhase(executionCall(), w.deps);
    expect(w.deps.updates.startStep).toHaveBeenCalledWith(CLUSTER, nodegroupStep(), {
      clientRequestToken: clientRequestToken(UPGRADE, 'nodegroup:general:1.30'),
      force: true,
      resolveConflicts: 'OVERWRITE',
    });
    expect(w.deps.insights.readInsights).not.toHaveBeenCalled();
    // 15 min estimate: the first look is at EARLIEST_LOOK (80 %) of it, 720 s.
    expect(result.waitSeconds).toBe(900 * EARLIEST_LOOK);
  });

  test('given EKS is busy, then it waits the configured busy retry and counts the answer, nothing in flight', async () => {
    const w = phaseWorld({ config: { execution: { busyRetrySeconds: 45 } } });
    jest
      .mocked(w.deps.updates.startStep)
      .mockResolvedValueOnce({ kind: 'busy', message: 'update in progress' });
    await givenUpgrade(w, [addonStep()]);
    const progress = { ...FRESH, polls: 2, busyAnswers: 3 };
    const result = await executePhase(executionCall(progress), w.deps);
    expect(result).toEqual({
      status: 'waiting',
      waitSeconds: 45,
      soakSeconds: 0,
      gate: null,
      waitUntil: null,
      started: [],
      finished: [],
      progress: { ...progress, busyAnswers: 4 },
    });
  });
});

describe('executePhase: upgrade insights before a control-plane hop', () => {
  test('given an insight in ERROR for the hop, then InsightBlocksHopError names it with its reason and EKS is not asked', async () => {
    const w = phaseWorld();
    jest
      .mocked(w.deps.insights.readInsights)
      .mockResolvedValue([
        insight(),
        insight({ id: 'ins-2', name: undefined, insightStatus: { status: 'ERROR' } }),
        insight({ id: 'ins-3', insightStatus: { status: 'WARNING', reason: 'soon' } }),
      ]);
    await givenUpgrade(w, [cpStep()]);
    const failure = executePhase(executionCall(), w.deps);
    await expect(failure).rejects.toMatchObject({
      name: 'InsightBlocksHopError',
      insightIds: ['ins-1', 'ins-2'],
      version: '1.30',
      clusterName: CLUSTER,
    });
    await expect(failure).rejects.toThrow(
      'upgrade insight(s) now in ERROR for 1.30: Deprecated APIs removed in 1.30 (still in use); ins-2. Fix',
    );
    expect(w.deps.insights.readInsights).toHaveBeenCalledWith(CLUSTER);
    expect(w.deps.updates.startStep).not.toHaveBeenCalled();
    expect(w.details('phase.failed')).toEqual([
      expect.objectContaining({
        phase: 'execution',
        error: expect.objectContaining({ name: 'InsightBlocksHopError' }),
      }),
    ]);
  });

  test('given only passing insights, then the hop starts', async () => {
    const w = phaseWorld();
    jest
      .mocked(w.deps.insights.readInsights)
      .mockResolvedValue([insight({ insightStatus: { status: 'PASSING' } })]);
    await givenUpgrade(w, [cpStep()]);
    await executePhase(executionCall(), w.deps);
    expect(w.deps.updates.startStep).toHaveBeenCalledTimes(1);
  });
});

describe('executePhase: the upgrade record', () => {
  test('given a rollback halted the upgrade, then UpgradeHaltedError, nothing started, phase.failed says so', async () => {
    const w = phaseWorld();
    await givenUpgrade(w, [cpStep()], { halted: true, phase: 'rollback' });
    await expect(executePhase(executionCall(), w.deps)).rejects.toMatchObject({
      name: 'UpgradeHaltedError',
      message: `upgrade ${UPGRADE} was halted by a rollback; no further step is started`,
    });
    expect(w.deps.updates.startStep).not.toHaveBeenCalled();
    expect(w.deps.updates.describeUpdate).not.toHaveBeenCalled();
    expect(storedRecord(w).phase).toBe('rollback');
    expect(w.details('phase.failed').map((d) => d.error.name)).toEqual(['UpgradeHaltedError']);
  });

  test('given the record is still in reasoning, then it is moved to execution', async () => {
    const w = phaseWorld();
    await givenUpgrade(w, [cpStep()], { phase: 'reasoning' });
    await executePhase(executionCall(), w.deps);
    expect(storedRecord(w).phase).toBe('execution');
  });

  test('given the record is in execution already, then a poll that starts a step does not rewrite it', async () => {
    const w = phaseWorld();
    await givenUpgrade(w, [cpStep()]);
    await executePhase(executionCall(), w.deps);
    expect(w.deps.artifacts.putJson).not.toHaveBeenCalled();
  });

  test('given no upgrade record, then InvalidRequestError says perception has not run', async () => {
    const w = phaseWorld();
    await givenUpgrade(w, [cpStep()]);
    w.store.delete(`upgrades/${UPGRADE}/record.json`);
    await expect(executePhase(executionCall(), w.deps)).rejects.toThrow(
      `no upgrade record for ${UPGRADE}: perception has not run for it`,
    );
  });

  test('given a malformed input, then InvalidRequestError names the bad path and nothing is published', async () => {
    const w = phaseWorld();
    await expect(executePhase({ ...executionCall(), planKey: '' }, w.deps)).rejects.toMatchObject({
      name: 'InvalidRequestError',
      message: expect.stringContaining('execution input is invalid: planKey'),
    });
    expect(w.published).toEqual([]);
  });
});

describe('executePhase: phase events', () => {
  test('given the first call, then phase.started; given a later call, then not again', async () => {
    const later = [
      { ...FRESH, next: 1, done: 1 },
      { ...FRESH, polls: 1 },
      { ...FRESH, busyAnswers: 1 },
      {
        ...FRESH,
        next: 2,
        inFlight: [
          {
            stepId: 'addon:vpc-cni:1.30',
            updateId: 'u',
            startedAt: '2026-11-28T10:00:00.000Z',
            polls: 0,
          },
        ],
      },
    ];
    const first = phaseWorld();
    await givenUpgrade(first, [gateStep('control-plane'), addonStep()]);
    jest
      .mocked(first.deps.updates.describeUpdate)
      .mockResolvedValue({ updateId: 'u', state: 'InProgress', errors: [] });
    await executePhase(executionCall(), first.deps);
    expect(first.details('phase.started')).toEqual([expect.objectContaining({ phase: 'execution' })]);
    for (const progress of later) {
      const w = phaseWorld();
      jest
        .mocked(w.deps.updates.describeUpdate)
        .mockResolvedValue({ updateId: 'u', state: 'InProgress', errors: [] });
      await givenUpgrade(w, [gateStep('control-plane'), addonStep()]);
      await executePhase(executionCall(progress), w.deps);
      expect(w.types()).not.toContain('phase.started');
    }
  });
});

describe('executePhase: the schedule guard', () => {
  // 200 node groups of 15 min: 50 h one at a time, 25 h two at a time; an execution may take 43.2 h.
  const many = Array.from({ length: 200 }, (_, i) => nodegroupStep(`ng-${i}`));

  test('given a plan that outlasts the execution, then the first call refuses it before any step, naming the parallelism that fits', async () => {
    const w = phaseWorld({ config: { execution: { maxParallelNodegroups: 1 } } });
    await givenUpgrade(w, many);
    const call = executePhase(executionCall(), w.deps);
    await expect(call).rejects.toMatchObject({
      name: 'PlanBlockedError',
      codes: ['EXECUTION_TIMEOUT'],
      message: expect.stringContaining(
        'plan blocked: EXECUTION_TIMEOUT: the plan takes about 50.0 h with maxParallelNodegroups 1, more than the 42.2 h the execution has left',
      ),
    });
    // The record says perception began an hour ago: that hour is not the plan's.
    await expect(call).rejects.toThrow('less 10 %, less the 1.0 h it has already run)');
    await expect(call).rejects.toThrow('set execution/maxParallelNodegroups to 2 or more (it is 1)');
    expect(w.deps.updates.startStep).not.toHaveBeenCalled();
  });

  test('given 20 h spent waiting for approval, then a plan that fitted a fresh execution is refused', async () => {
    const w = phaseWorld({ config: { execution: { maxParallelNodegroups: 2 } } });
    await givenUpgrade(w, many);
    w.setNow('2026-11-29T05:00:00.000Z');
    await expect(executePhase(executionCall(), w.deps)).rejects.toThrow(
      /25\.0 h with maxParallelNodegroups 2, more than the 23\.2 h the execution has left .*less the 20\.0 h it has already run\); set execution\/maxParallelNodegroups to 3 or more/,
    );
    expect(w.deps.updates.startStep).not.toHaveBeenCalled();
  });

  test('given the same plan with enough parallelism, then it starts', async () => {
    const w = phaseWorld({ config: { execution: { maxParallelNodegroups: 2 } } });
    await givenUpgrade(w, many);
    await executePhase(executionCall(), w.deps);
    expect(w.deps.updates.startStep).toHaveBeenCalledTimes(2);
  });

  test('given a later call (steps already done), then the guard does not run again', async () => {
    const w = phaseWorld({ config: { execution: { maxParallelNodegroups: 1 } } });
    await givenUpgrade(w, many);
    await executePhase(executionCall({ ...FRESH, next: 1, done: 1, polls: 1 }), w.deps);
    expect(w.deps.updates.startStep).toHaveBeenCalledTimes(1);
  });
});
