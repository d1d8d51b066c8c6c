import { parseAgentConfig } from '../../../lib/domain/config';
import { EARLIEST_LOOK, OVERDUE_FRACTION } from '../../../lib/domain/detection';
import { InvalidRequestError } from '../../../lib/domain/errors';
import { type ExecutionProgress, INITIAL_PROGRESS, StepFailedError } from '../../../lib/domain/execution';
import type { UpgradeStep } from '../../../lib/domain/plan-types';
import { upgradeRequestSchema } from '../../../lib/phases/contracts';
import type { ExecutionDeps } from '../../../lib/phases/deps';
import { executePhase } from '../../../lib/phases/execution';
import { artifactKeys, type UpgradeRecord } from '../../../lib/phases/records';
import type { StartStepOutcome, UpdateRef, UpdateState } from '../../../lib/ports';
import { executionTimeoutSeconds } from '../../../lib/sandbox/local-sfn/definition';
import { hopControlPlane, hopNodegroup, hopNodegroupsGate } from '../../support/hop-steps';

/**
 * The execution phase with node groups in parallel, on in-memory ports: what it
 * starts, what one poll reads, what it records, and when it answers a gate.
 */
const UPGRADE = 'payments-prod-1-31-req-1';
const PLAN_KEY = artifactKeys.plan(UPGRADE);
const T0 = Date.parse('2026-11-28T00:00:00.000Z');

const ng = (name: string, minutes = 10) => hopNodegroup(name, minutes);
const cp = hopControlPlane;
const gate = hopNodegroupsGate;

function world(steps: UpgradeStep[], options: { limit?: number; busy?: string[] } = {}) {
  const store = new Map<string, unknown>();
  const record: UpgradeRecord = {
    upgradeId: UPGRADE,
    clusterName: 'payments-prod',
    targetVersion: '1.31',
    startedAt: new Date(T0).toISOString(),
    phase: 'execution',
    completed: [],
    halted: false,
  };
  store.set(PLAN_KEY, { steps });
  store.set(artifactKeys.record(UPGRADE), record);
  const states = new Map<string, UpdateState>();
  const started: string[] = [];
  const described: UpdateRef[] = [];
  let now = T0;
  const deps: ExecutionDeps = {
    artifacts: {
      putJson: async (key, value) => {
        store.set(key, structuredClone(value));
      },
      getJson: async (key) => structuredClone(store.get(key)),
    },
    config: {
      load: async () => parseAgentConfig({ execution: { maxParallelNodegroups: options.limit ?? 2 } }),
    },
    events: { publish: async () => {} },
    clock: { now: () => new Date(now) },
    executionTimeoutSeconds: executionTimeoutSeconds(),
    insights: { readInsights: async () => [], refreshInsights: async () => {} },
    updates: {
      startStep: async (clusterName, step): Promise<StartStepOutcome> => {
        if ('name' in step && options.busy?.includes(step.name)) return { kind: 'busy', message: 'in use' };
        started.push(step.id);
        states.set(`u-${step.id}`, 'InProgress');
        return { kind: 'started', update: { clusterName, updateId: `u-${step.id}` } };
      },
      describeUpdate: async (ref) => {
        described.push(ref);
        const state = states.get(ref.updateId) ?? 'InProgress';
        return {
          updateId: ref.updateId,
          state,
          errors: state === 'Failed' ? [{ code: 'PodEvictionFailure', message: 'pdb', resourceIds: [] }] : [],
        };
      },
    },
  };
  const call = (progress: ExecutionProgress) =>
    executePhase(
      {
        upgradeId: UPGRADE,
        correlationId: 'arn:aws:states:eu-west-1:1:execution:m:x',
        request: upgradeRequestSchema().parse({
          clusterName: 'payments-prod',
          targetVersion: '1.31',
          requestId: 'req-1',
        }),
        planKey: PLAN_KEY,
        progress,
      },
      deps,
    );
  const recorded = () =>
    (store.get(artifactKeys.record(UPGRADE)) as UpgradeRecord).completed.map((c) => c.stepId);
  const end = (id: string, state: UpdateState = 'Successful') => states.set(`u-${id}`, state);
  const advance = (seconds: number) => {
    now += seconds * 1000;
  };
  return { call, started, described, recorded, end, advance, store };
}

describe('executePhase with node groups in parallel', () => {
  it('starts node groups of one run up to the limit, and waits for the first look (80 % of the estimate)', async () => {
    const w = world([ng('a'), ng('b', 20), ng('c'), gate]);
    const r = await w.call(INITIAL_PROGRESS);
    expect(w.started).toEqual(['nodegroup:a:1.31', 'nodegroup:b:1.31']);
    // a's 10 min estimate ends first: its first look is at EARLIEST_LOOK (80 %) of it.
    expect(r).toMatchObject({
      status: 'waiting',
      waitSeconds: 600 * EARLIEST_LOOK,
      started: w.started,
      finished: [],
    });
    expect(r.progress).toMatchObject({ next: 2, done: 0, polls: 0 });
    expect(r.progress.inFlight.map((f) => [f.stepId, f.updateId, f.polls])).toEqual([
      ['nodegroup:a:1.31', 'u-nodegroup:a:1.31', 0],
      ['nodegroup:b:1.31', 'u-nodegroup:b:1.31', 0],
    ]);
  });

  it('reads every update in flight in one poll, records the one that ended and starts the next in its place', async () => {
    const w = world([ng('a'), ng('b', 20), ng('c'), gate]);
    const first = await w.call(INITIAL_PROGRESS);
    w.advance(600);
    w.end('nodegroup:a:1.31');
    const r = await w.call(first.progress);
    expect(w.described.map((d) => [d.updateId, d.nodegroupName])).toEqual([
      ['u-nodegroup:a:1.31', 'a'],
      ['u-nodegroup:b:1.31', 'b'],
    ]);
    expect(w.recorded()).toEqual(['nodegroup:a:1.31']);
    expect(r.finished).toEqual(['nodegroup:a:1.31']);
    expect(r.started).toEqual(['nodegroup:c:1.31']);
    expect(r.progress).toMatchObject({ next: 3, done: 1, polls: 1 });
    expect(r.progress.inFlight.map((f) => [f.stepId, f.polls])).toEqual([
      ['nodegroup:b:1.31', 1],
      ['nodegroup:c:1.31', 0],
    ]);
    // b's first look is due at 80 % of its 20 min (960 s from its start, 360 s from now),
    // c's at 80 % of its 10 min (480 s): b's is the soonest.
    expect(r.waitSeconds).toBe(1200 * EARLIEST_LOOK - 600);
  });

  it('answers a gate only once nothing is in flight, with every node group of the run recorded', async () => {
    const w = world([ng('a'), ng('b'), gate]);
    const first = await w.call(INITIAL_PROGRESS);
    w.advance(600);
    w.end('nodegroup:b:1.31');
    const waiting = await w.call(first.progress);
    expect(waiting.status).toBe('waiting');
    expect(waiting.progress.inFlight.map((f) => f.stepId)).toEqual(['nodegroup:a:1.31']);
    // a has passed its first look: looked at again after 3 % of the 600 s it has taken
    // (18 s; the default minimum is 15 s).
    expect(waiting.waitSeconds).toBe(600 * OVERDUE_FRACTION);
    w.advance(18);
    w.end('nodegroup:a:1.31');
    const r = await w.call(waiting.progress);
    expect(r).toMatchObject({ status: 'gate', gate: { stepId: gate.id, stage: 'nodegroups', hop: '1.31' } });
    expect(r.progress).toMatchObject({ next: 2, done: 2, inFlight: [] });
    expect(w.recorded()).toEqual(['nodegroup:b:1.31', 'nodegroup:a:1.31']);
  });

  it('given a failed update beside one that ended, then it records the one that ended and fails with the other', async () => {
    const w = world([ng('a'), ng('b'), gate]);
    const first = await w.call(INITIAL_PROGRESS);
    w.end('nodegroup:a:1.31', 'Failed');
    w.end('nodegroup:b:1.31');
    const error = await w.call(first.progress).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepFailedError);
    expect(error).toMatchObject({ stepId: 'nodegroup:a:1.31', codes: ['PodEvictionFailure'] });
    expect((error as Error).message).toBe(
      'step nodegroup:a:1.31 ended Failed (update u-nodegroup:a:1.31): PodEvictionFailure: pdb',
    );
    expect(w.recorded()).toEqual(['nodegroup:b:1.31']);
  });

  it('given two updates that failed in one poll, then the error names both, in plan order, with the codes of both', async () => {
    const w = world([ng('a'), ng('b'), gate]);
    const first = await w.call(INITIAL_PROGRESS);
    w.end('nodegroup:a:1.31', 'Failed');
    w.end('nodegroup:b:1.31', 'Cancelled');
    const error = await w.call(first.progress).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'StepFailedError',
      stepId: 'nodegroup:a:1.31',
      codes: ['PodEvictionFailure'],
      message:
        'step nodegroup:a:1.31 ended Failed (update u-nodegroup:a:1.31): PodEvictionFailure: pdb' +
        ' | step nodegroup:b:1.31 ended Cancelled (update u-nodegroup:b:1.31): no error detail',
    });
    expect(w.recorded()).toEqual([]);
  });

  it('given EKS busy for the next node group, then it keeps what runs, counts the busy answer and waits', async () => {
    const w = world([ng('a', 30), ng('b'), gate], { busy: ['b'] });
    const r = await w.call(INITIAL_PROGRESS);
    expect(w.started).toEqual(['nodegroup:a:1.31']);
    expect(r.progress).toMatchObject({ next: 1, busyAnswers: 1 });
    // The busy retry (60 s) comes before a's first look (1,440 s: 80 % of 30 min).
    expect(r.waitSeconds).toBe(60);
  });

  it('starts the control plane alone, and nothing beside it', async () => {
    const w = world([cp, ng('a'), ng('b'), gate]);
    const r = await w.call(INITIAL_PROGRESS);
    expect(w.started).toEqual([cp.id]);
    expect(r).toMatchObject({ status: 'waiting', waitSeconds: 900 });
  });

  it('given an update in flight for a step the plan does not have, then it refuses the input', async () => {
    const w = world([ng('a'), gate]);
    const progress = {
      ...INITIAL_PROGRESS,
      next: 1,
      inFlight: [
        { stepId: 'nodegroup:zz:1.31', updateId: 'u-zz', startedAt: new Date(T0).toISOString(), polls: 0 },
      ],
    };
    await expect(w.call(progress)).rejects.toThrow(InvalidRequestError);
    await expect(w.call(progress)).rejects.toThrow(
      'update u-zz in flight is for step nodegroup:zz:1.31, which plan upgrades/payments-prod-1-31-req-1/plan.json does not have',
    );
  });

  it('when every step is done and nothing is in flight, then it answers done', async () => {
    const w = world([ng('a')]);
    const first = await w.call(INITIAL_PROGRESS);
    w.end('nodegroup:a:1.31');
    const r = await w.call(first.progress);
    expect(r).toMatchObject({ status: 'done', progress: { next: 1, done: 1, inFlight: [] } });
  });
});
