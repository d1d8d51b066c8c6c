import type { ExecutionProgress } from '../../../lib/domain/execution';
import type { UpgradeStep } from '../../../lib/domain/plan-types';
import { executePhase } from '../../../lib/phases/execution';
import type { UpdateStatus } from '../../../lib/ports';
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
} from '../../support/phase-fixtures';
import { NOW, phaseWorld } from '../../support/phase-world';

/**
 * The execution phase polling the step in flight: which update it asks about,
 * how long it waits, what it records when the step ends, and where it stops
 * (a gate, the end of the plan, a failed update).
 */

const startedSecondsAgo = (seconds: number) => new Date(Date.parse(NOW) - seconds * 1000).toISOString();

function inFlight(
  step: UpgradeStep,
  startedAt = startedSecondsAgo(60),
  base: Partial<ExecutionProgress> = {},
) {
  return {
    ...FRESH,
    polls: 4,
    ...base,
    inFlight: [{ stepId: step.id, updateId: 'upd-9', startedAt, polls: 2 }],
    next: 1,
  };
}

const status = (state: UpdateStatus['state'], errors: UpdateStatus['errors'] = []): UpdateStatus => ({
  updateId: 'upd-9',
  state,
  errors,
});

describe('executePhase: polling the step in flight', () => {
  test.each([
    ['control-plane', cpStep(), { clusterName: CLUSTER, updateId: 'upd-9' }],
    ['addon', addonStep(), { clusterName: CLUSTER, updateId: 'upd-9', addonName: 'vpc-cni' }],
    ['nodegroup', nodegroupStep(), { clusterName: CLUSTER, updateId: 'upd-9', nodegroupName: 'general' }],
  ])('given a %s update in flight, then DescribeUpdate names it as EKS needs', async (_, step, ref) => {
    const w = phaseWorld();
    jest.mocked(w.deps.updates.describeUpdate).mockResolvedValue(status('InProgress'));
    await givenUpgrade(w, [step]);
    await executePhase(executionCall(inFlight(step)), w.deps);
    expect(w.deps.updates.describeUpdate).toHaveBeenCalledWith(ref);
    expect(jest.mocked(w.deps.updates.describeUpdate).mock.calls[0]?.[0]).toStrictEqual(ref);
  });

  test.each([
    // 15 min step: the first look is at 80 % of its estimate (720 s: 1 s left at 719 s),
    // then after 3 % of the time taken, before the estimate and after it (22 s at 721 s, 27 s at 901 s).
    [719, 1],
    [721, 22],
    [901, 27],
  ])('given a step in progress for %i s, then it waits %i s and counts the poll', async (elapsed, wait) => {
    const w = phaseWorld({ config: { execution: { minPollSeconds: 5 } } });
    jest.mocked(w.deps.updates.describeUpdate).mockResolvedValue(status('InProgress'));
    const step = nodegroupStep();
    await givenUpgrade(w, [step]);
    const progress = inFlight(step, startedSecondsAgo(elapsed));
    const result = await executePhase(executionCall(progress), w.deps);
    expect(result).toEqual({
      status: 'waiting',
      waitSeconds: wait,
      soakSeconds: 0,
      gate: null,
      waitUntil: null,
      started: [],
      finished: [],
      progress: { ...progress, polls: 5, inFlight: [{ ...progress.inFlight[0], polls: 3 }] },
    });
    expect(w.deps.updates.startStep).not.toHaveBeenCalled();
    expect(w.types()).toEqual([]);
  });

  test.each<[UpdateStatus['state'], UpdateStatus['errors'], string]>([
    [
      'Failed',
      [
        { code: 'PodEvictionFailure', message: 'PDB blocks eviction', resourceIds: ['pod-1'] },
        { code: 'NodeCreationFailure', message: 'no capacity', resourceIds: [] },
      ],
      'step nodegroup:general:1.30 ended Failed (update upd-9): PodEvictionFailure: PDB blocks eviction; NodeCreationFailure: no capacity',
    ],
    ['Cancelled', [], 'step nodegroup:general:1.30 ended Cancelled (update upd-9): no error detail'],
  ])(
    'given the update ended %s, then StepFailedError with EKS codes and nothing recorded',
    async (state, errors, message) => {
      const w = phaseWorld();
      jest.mocked(w.deps.updates.describeUpdate).mockResolvedValue(status(state, errors));
      const step = nodegroupStep();
      await givenUpgrade(w, [step, addonStep()]);
      await expect(executePhase(executionCall(inFlight(step)), w.deps)).rejects.toMatchObject({
        name: 'StepFailedError',
        message,
        stepId: step.id,
        codes: errors.map((e) => e.code),
      });
      expect(storedRecord(w).completed).toEqual([]);
      expect(w.deps.updates.startStep).not.toHaveBeenCalled();
      expect(w.details('phase.failed')).toEqual([
        expect.objectContaining({ phase: 'execution', error: { name: 'StepFailedError', message } }),
      ]);
    },
  );
});

describe('executePhase: a step that finished', () => {
  test('given the control plane finished, then it is recorded with the hop time, insights are refreshed, and the next step starts', async () => {
    const w = phaseWorld();
    const steps = [cpStep(), addonStep()];
    await givenUpgrade(w, steps, { completed: [{ stepId: 'earlier', finishedAt: 'x' }] });
    const result = await executePhase(executionCall(inFlight(steps[0] as UpgradeStep)), w.deps);
    expect(storedRecord(w).completed).toEqual([
      { stepId: 'earlier', finishedAt: 'x' },
      // When the update started (from the progress) and ended: the upgrade page's bar.
      { stepId: 'control-plane:1.30', startedAt: '2026-11-28T09:59:00.000Z', finishedAt: NOW },
    ]);
    expect(storedRecord(w).lastHopCompletedAt).toBe(NOW);
    expect(w.deps.insights.refreshInsights).toHaveBeenCalledWith(CLUSTER);
    expect(w.deps.updates.startStep).toHaveBeenCalledWith(CLUSTER, steps[1], expect.anything());
    expect(result.progress).toEqual({
      next: 2,
      done: 1,
      polls: 5,
      busyAnswers: 0,
      inFlight: [{ stepId: 'addon:vpc-cni:1.30', updateId: 'update-1', startedAt: NOW, polls: 0 }],
    });
  });

  test('given a node group finished, then it is recorded without a hop time and insights are not refreshed', async () => {
    const w = phaseWorld();
    const step = nodegroupStep();
    await givenUpgrade(w, [step]);
    await executePhase(executionCall(inFlight(step)), w.deps);
    expect(storedRecord(w).completed).toEqual([
      { stepId: step.id, startedAt: '2026-11-28T09:59:00.000Z', finishedAt: NOW },
    ]);
    expect(storedRecord(w)).not.toHaveProperty('lastHopCompletedAt');
    expect(w.deps.insights.refreshInsights).not.toHaveBeenCalled();
  });

  test('given a retried call that finds the step already recorded, then it is not recorded twice', async () => {
    const w = phaseWorld();
    const step = cpStep();
    const completed = [{ stepId: step.id, finishedAt: '2026-11-28T09:59:00.000Z' }];
    await givenUpgrade(w, [step], { completed, lastHopCompletedAt: '2026-11-28T09:59:00.000Z' });
    const result = await executePhase(executionCall(inFlight(step)), w.deps);
    expect(storedRecord(w).completed).toEqual(completed);
    expect(storedRecord(w).lastHopCompletedAt).toBe('2026-11-28T09:59:00.000Z');
    expect(w.deps.artifacts.putJson).not.toHaveBeenCalled();
    expect(result.status).toBe('done');
  });

  test('given the last step finished, then done with the configured soak and a summary of the work', async () => {
    const w = phaseWorld({ config: { validation: { soakSeconds: 420 } } });
    const step = addonStep();
    await givenUpgrade(w, [step]);
    const progress = inFlight(step, startedSecondsAgo(60), { next: 1, done: 0, polls: 6 });
    const result = await executePhase(executionCall(progress), w.deps);
    expect(result).toEqual({
      status: 'done',
      waitSeconds: 0,
      soakSeconds: 420,
      gate: null,
      waitUntil: null,
      started: [],
      finished: [step.id],
      progress: { next: 1, done: 1, inFlight: [], polls: 7, busyAnswers: 0 },
    });
    expect(w.details('phase.completed')).toEqual([
      expect.objectContaining({ phase: 'execution', summary: '1 step(s) done, 7 poll(s)' }),
    ]);
  });
});

describe('executePhase: gates', () => {
  test.each([
    ['control-plane', 301],
    ['canary', 122],
    ['nodegroups', 303],
  ] as const)(
    'given a %s gate next, then the state machine runs it after that stage soak',
    async (stage, soak) => {
      const w = phaseWorld({
        config: {
          validation: {
            soakSeconds: 999,
            gates: { controlPlaneSoakSeconds: 301, canarySoakSeconds: 122, nodegroupsSoakSeconds: 303 },
          },
        },
      });
      const gate = gateStep(stage);
      await givenUpgrade(w, [gate, addonStep()]);
      const result = await executePhase(executionCall(), w.deps);
      expect(result).toEqual({
        status: 'gate',
        waitSeconds: 0,
        soakSeconds: soak,
        started: [],
        finished: [],
        progress: FRESH,
        gate: { stepId: gate.id, stage, hop: '1.30' },
        waitUntil: null,
      });
      expect(w.deps.updates.startStep).not.toHaveBeenCalled();
      expect(w.details('phase.completed')).toEqual([
        expect.objectContaining({ summary: `gate ${gate.id} next, after a ${soak} s soak` }),
      ]);
    },
  );

  test('given validation recorded the gate as passed, then execution moves past it to the next step', async () => {
    const w = phaseWorld();
    const gate = gateStep('canary');
    await givenUpgrade(w, [gate, nodegroupStep()], { completed: [{ stepId: gate.id, finishedAt: NOW }] });
    const result = await executePhase(executionCall(), w.deps);
    expect(w.deps.updates.startStep).toHaveBeenCalledWith(CLUSTER, nodegroupStep(), expect.anything());
    expect(result.progress.done).toBe(1);
    expect(result.progress.next).toBe(2);
  });

  test('given a poll while waiting, then no phase.completed is published', async () => {
    const w = phaseWorld();
    await givenUpgrade(w, [addonStep()]);
    await executePhase(executionCall(), w.deps);
    expect(w.types()).toEqual(['phase.started']);
  });
});

describe('executePhase: how long the phase has run', () => {
  test('given a later call of the phase, then phase.completed (done) counts from when the phase began (the record), not from this call', async () => {
    const w = phaseWorld();
    jest.mocked(w.deps.updates.describeUpdate).mockResolvedValue(status('Successful'));
    const step = nodegroupStep();
    await givenUpgrade(w, [step], { phaseStartedAt: startedSecondsAgo(1800) });
    await executePhase(executionCall(inFlight(step)), w.deps);
    expect(w.details('phase.completed')).toEqual([expect.objectContaining({ durationSeconds: 1800 })]);
  });
});
