import { artifactKeys, saveValidationRecord } from '../../../lib/phases/records';
import { normalizeRollbackInput, rollbackPhase } from '../../../lib/phases/rollback';
import { rollbackRunKey } from '../../../lib/phases/rollback-run';
import {
  CLUSTER,
  CORRELATION,
  cpStep,
  givenUpgrade,
  storedRecord,
  UPGRADE,
} from '../../support/phase-fixtures';
import { NOW, type PhaseWorld, phaseWorld } from '../../support/phase-world';

/**
 * The rollback function's other callers: HandleFailure (a caught error), the
 * validation.failure rule (refused unless validation recorded the failure), and
 * the event's translation into a rollback request.
 */

const failure = (error: { Error: string; Cause?: string }) => ({
  mode: 'failure',
  trigger: 'state-machine',
  upgradeId: UPGRADE,
  correlationId: CORRELATION,
  clusterName: CLUSTER,
  targetVersion: '1.30',
  error,
});

function ruleEvent(detail: Record<string, unknown> = {}) {
  return {
    'detail-type': 'validation.failure',
    source: 'eks-upgrade-agent',
    detail: {
      upgradeId: UPGRADE,
      correlationId: CORRELATION,
      clusterName: CLUSTER,
      targetVersion: '1.30',
      checks: [
        { name: 'error-rate', passed: false, detail: '' },
        { name: 'control-plane', passed: true, detail: '' },
        { name: 'latency-p99', passed: false, detail: '' },
      ],
      ...detail,
    },
  };
}

const verdict = (w: PhaseWorld, passed: boolean) =>
  saveValidationRecord(w.deps.artifacts, {
    upgradeId: UPGRADE,
    clusterName: CLUSTER,
    targetVersion: '1.30',
    passed,
    failedChecks: passed ? [] : ['error-rate'],
    judgedAt: NOW,
  });

describe('normalizeRollbackInput: the rule delivers validation.failure', () => {
  test('given a failed final validation, then a rollback request naming the failed checks', () => {
    expect(normalizeRollbackInput(ruleEvent())).toEqual({
      mode: 'rollback',
      trigger: 'event-rule',
      upgradeId: UPGRADE,
      correlationId: CORRELATION,
      clusterName: CLUSTER,
      targetVersion: '1.30',
      reason: 'validation failed: error-rate, latency-p99',
    });
  });

  test('given a failed gate, then the reason names its stage and hop', () => {
    const event = ruleEvent({
      gate: { stage: 'canary', hop: '1.30' },
      checks: [{ name: 'nodes', passed: false }],
    });
    expect(normalizeRollbackInput(event)).toMatchObject({ reason: 'gate canary at 1.30 failed: nodes' });
  });

  test('given no usable checks, then the reason is only what failed', () => {
    expect(normalizeRollbackInput(ruleEvent({ checks: 'none' }))).toMatchObject({
      reason: 'validation failed',
    });
    expect(normalizeRollbackInput(ruleEvent({ checks: [null, 'x', { name: 'n' }] }))).toMatchObject({
      reason: 'validation failed',
    });
    expect(normalizeRollbackInput({ 'detail-type': 'validation.failure', detail: null })).toMatchObject({
      mode: 'rollback',
      trigger: 'event-rule',
      reason: 'validation failed',
    });
  });

  test('given the state machine input (no detail-type or no detail), then it is passed through as is', () => {
    const input = { mode: 'failure', upgradeId: UPGRADE };
    expect(normalizeRollbackInput(input)).toBe(input);
    const onlyType = { 'detail-type': 'validation.failure' };
    expect(normalizeRollbackInput(onlyType)).toBe(onlyType);
    expect(normalizeRollbackInput(null)).toBeNull();
    expect(normalizeRollbackInput('text')).toBe('text');
  });
});

describe('rollbackPhase from the validation.failure rule', () => {
  test('given validation recorded the failure, then the rule claims the rollback and leaves the revert to the state machine', async () => {
    const w = phaseWorld();
    await givenUpgrade(w, [cpStep()]);
    await verdict(w, false);
    expect(await rollbackPhase(ruleEvent(), w.deps, w.once)).toEqual({ performedBy: 'event-rule' });
    expect(w.details('rollback.triggered')).toEqual([
      expect.objectContaining({
        trigger: 'event-rule',
        reason: 'validation failed: error-rate, latency-p99',
      }),
    ]);
    expect(w.store.get(rollbackRunKey(UPGRADE))).toMatchObject({
      claimedBy: 'event-rule',
      cursor: 0,
      results: [],
    });
    expect(w.types()).not.toContain('rollback.completed');
    expect(w.deps.locks.release).not.toHaveBeenCalled();
  });

  test('given an upgrade id this agent never gives, then it is refused before anything is read', async () => {
    const w = phaseWorld();
    const result = await rollbackPhase(ruleEvent({ upgradeId: 'a/b' }), w.deps, w.once);
    expect(result).toEqual({
      outcome: 'refused',
      performedBy: 'event-rule',
      upgradeId: 'a/b',
      clusterName: CLUSTER,
      reason: 'validation.failure not acted on: the upgrade id is not one this agent gives',
    });
    expect(w.deps.artifacts.getJson).not.toHaveBeenCalled();
    expect(w.published).toEqual([]);
  });

  test.each([
    ['an id of 80 characters', 'a'.repeat(80), true],
    ['an id of 81 characters', 'a'.repeat(81), false],
    ['an id with a dot', 'a.b', false],
  ])('given %s, then the id check %s', async (_, upgradeId, allowed) => {
    const w = phaseWorld();
    const result = await rollbackPhase(ruleEvent({ upgradeId }), w.deps, w.once);
    expect(result).toMatchObject({
      outcome: 'refused',
      reason: allowed
        ? 'validation.failure not acted on: the validation phase recorded no verdict for this upgrade'
        : 'validation.failure not acted on: the upgrade id is not one this agent gives',
    });
  });
});

describe('rollbackPhase from HandleFailure', () => {
  test('given a Lambda error, then the upgrade is halted, upgrade.failed carries its message and the phase it was in, and the lock is released', async () => {
    const w = phaseWorld();
    await givenUpgrade(w, [cpStep()], { phase: 'execution' });
    const cause = JSON.stringify({ errorType: 'StepFailedError', errorMessage: 'step cp ended Failed' });
    const result = await rollbackPhase(failure({ Error: 'StepFailedError', Cause: cause }), w.deps, w.once);
    expect(result).toEqual({ outcome: 'stopped' });
    expect(storedRecord(w)).toMatchObject({ halted: true, phase: 'execution' });
    expect(w.details('upgrade.failed')).toEqual([
      expect.objectContaining({
        upgradeId: UPGRADE,
        targetVersion: '1.30',
        phase: 'execution',
        error: { name: 'StepFailedError', message: 'step cp ended Failed' },
        reason: 'step cp ended Failed',
        // The record's start (09:00) to the failure (10:00).
        durationSeconds: 3600,
      }),
    ]);
    expect(w.types()).toEqual(['upgrade.failed']);
    expect(w.deps.locks.release).toHaveBeenCalledWith(CLUSTER, UPGRADE);
  });

  test('given a blocked plan, then the reason says nothing was changed', async () => {
    const w = phaseWorld();
    await givenUpgrade(w, [], { phase: 'reasoning' });
    await rollbackPhase(
      failure({
        Error: 'PlanBlockedError',
        Cause: JSON.stringify({ errorMessage: 'plan blocked by 1 finding(s)' }),
      }),
      w.deps,
      w.once,
    );
    expect(w.details('upgrade.failed')[0]).toMatchObject({
      phase: 'reasoning',
      reason: 'the plan is blocked; nothing was changed: plan blocked by 1 finding(s)',
    });
  });

  test.each([
    [undefined, 'no cause given'],
    ['', 'no cause given'],
    ['States.Timeout after 300 s', 'States.Timeout after 300 s'],
    [JSON.stringify({ errorType: 'X' }), JSON.stringify({ errorType: 'X' })],
    ['"a string"', '"a string"'],
    ['null', 'null'],
  ])('given the cause %p, then the message is %p', async (Cause, message) => {
    const w = phaseWorld();
    await givenUpgrade(w, []);
    await rollbackPhase(
      failure({ Error: 'States.Timeout', ...(Cause !== undefined ? { Cause } : {}) }),
      w.deps,
      w.once,
    );
    expect(w.details('upgrade.failed')[0]?.error).toEqual({ name: 'States.Timeout', message });
  });

  test('given the rollback had finished and reported before the error (a lost response), then the same facts go out again, never a second failure', async () => {
    const w = phaseWorld();
    await givenUpgrade(w, [cpStep()], { phase: 'rollback', halted: true });
    await w.deps.artifacts.putJson(rollbackRunKey(UPGRADE), {
      upgradeId: UPGRADE,
      clusterName: CLUSTER,
      targetVersion: '1.30',
      reason: 'gate control-plane at 1.30 failed: error_rate',
      claimedBy: 'state-machine',
      hop: '1.30',
      expected: 'reverted',
      actions: [],
      cursor: 0,
      results: [],
      outcome: 'reverted',
    });
    const result = await rollbackPhase(
      failure({ Error: 'UpgradeHaltedError', Cause: 'upgrade was halted by a rollback' }),
      w.deps,
      w.once,
    );
    expect(result).toEqual({ outcome: 'stopped' });
    expect(w.types()).toEqual(['rollback.completed', 'upgrade.failed']);
    const failed = w.details('upgrade.failed')[0];
    expect(failed?.reason).toContain('gate control-plane at 1.30 failed: error_rate');
    expect(failed?.error?.name).not.toBe('UpgradeHaltedError');
    expect(w.deps.locks.release).toHaveBeenCalledWith(CLUSTER, UPGRADE);
  });

  test('given HandleFailure had already failed the upgrade (a lost response, a resumed run), then a later error re-sends that same failure', async () => {
    const w = phaseWorld();
    await givenUpgrade(w, [cpStep()], { phase: 'execution' });
    await rollbackPhase(
      failure({ Error: 'StepFailedError', Cause: 'step control-plane:1.30 ended Failed: SubnetNotFound' }),
      w.deps,
      w.once,
    );
    const first = w.details('upgrade.failed')[0];
    expect(first).toMatchObject({
      phase: 'execution',
      error: { name: 'StepFailedError', message: 'step control-plane:1.30 ended Failed: SubnetNotFound' },
    });
    expect(await w.deps.artifacts.getJson(artifactKeys.failure(UPGRADE))).toMatchObject({
      phase: 'execution',
      error: first?.error,
      reason: first?.reason,
      failedAt: NOW,
    });

    // Later, by the clock: the re-sent failure keeps its duration (to the recorded failedAt).
    w.setNow('2026-11-28T11:00:00.000Z');
    const result = await rollbackPhase(
      failure({ Error: 'UpgradeHaltedError', Cause: 'upgrade was halted by a rollback' }),
      w.deps,
      w.once,
    );
    expect(result).toEqual({ outcome: 'stopped' });
    expect(w.types()).toEqual(['upgrade.failed', 'upgrade.failed']);
    const [a, b] = w.details('upgrade.failed');
    expect(b?.error).toEqual(a?.error);
    expect(b?.reason).toBe(a?.reason);
    expect(b?.phase).toBe(a?.phase);
    expect([a?.durationSeconds, b?.durationSeconds]).toEqual([3600, 3600]);
    expect(w.deps.locks.release).toHaveBeenCalledTimes(2);
  });

  test('given the upgrade had completed before the error (a lost response), then it stays completed: nothing written, no upgrade.failed, the lock released', async () => {
    const w = phaseWorld();
    await givenUpgrade(w, [cpStep()], { phase: 'validation', completedAt: NOW });
    const before = structuredClone([...w.store]);
    const result = await rollbackPhase(
      failure({ Error: 'Lambda.Unknown', Cause: 'response lost' }),
      w.deps,
      w.once,
    );
    expect(result).toEqual({ outcome: 'completed' });
    expect(w.types()).toEqual([]);
    expect([...w.store]).toEqual(before);
    expect(w.deps.locks.release).toHaveBeenCalledWith(CLUSTER, UPGRADE);
  });

  test('given HandleFailure runs again, then it writes nothing: the record and the failure stay as first saved', async () => {
    const w = phaseWorld();
    await givenUpgrade(w, [cpStep()], { phase: 'execution' });
    await rollbackPhase(failure({ Error: 'StepFailedError', Cause: 'first' }), w.deps, w.once);
    jest.mocked(w.deps.artifacts.putJson).mockClear();
    w.setNow('2026-11-28T11:00:00.000Z');
    await rollbackPhase(failure({ Error: 'StepFailedError', Cause: 'second' }), w.deps, w.once);
    expect(w.deps.artifacts.putJson).not.toHaveBeenCalled();
    expect(w.details('upgrade.failed').map((d) => d.reason)).toEqual(['first', 'first']);
  });

  test('given a cause longer than an event can carry, then the message is cut and says where the whole one is', async () => {
    const w = phaseWorld();
    await givenUpgrade(w, []);
    await rollbackPhase(failure({ Error: 'StepFailedError', Cause: 'x'.repeat(300_000) }), w.deps, w.once);
    const message = String(w.details('upgrade.failed')[0]?.error?.message);
    expect(message.length).toBeLessThan(300_000);
    expect(message).toContain(`the execution history of ${CORRELATION}`);
  });

  test('given no upgrade record (perception never ran), then it is attributed to perception and still released', async () => {
    const w = phaseWorld();
    await rollbackPhase(failure({ Error: 'InvalidRequestError', Cause: 'bad input' }), w.deps, w.once);
    expect(w.details('upgrade.failed')[0]).toMatchObject({ phase: 'perception', reason: 'bad input' });
    // No record, no start: no duration.
    expect(w.details('upgrade.failed')[0]?.durationSeconds).toBeUndefined();
    // The failure is all that is written: no record is made up to halt.
    expect([...w.store.keys()]).toEqual([artifactKeys.failure(UPGRADE)]);
    expect(w.deps.locks.release).toHaveBeenCalledWith(CLUSTER, UPGRADE);
  });
});

describe('rollbackPhase: a claimed rollback whose run went missing', () => {
  test('given the run document is gone, then InvalidRequestError tells the operator to revert by hand', async () => {
    const w = phaseWorld();
    await givenUpgrade(w, [cpStep()]);
    await verdict(w, false);
    await rollbackPhase(ruleEvent(), w.deps, w.once);
    w.store.delete(rollbackRunKey(UPGRADE));
    await expect(
      rollbackPhase(
        { ...(normalizeRollbackInput(ruleEvent()) as object), trigger: 'state-machine' },
        w.deps,
        w.once,
      ),
    ).rejects.toMatchObject({
      name: 'InvalidRequestError',
      message: `rollback of ${UPGRADE} was claimed but ${rollbackRunKey(UPGRADE)} is missing, so nothing further is reverted automatically; check the cluster (rollback.triggered says what failed) and revert by hand`,
    });
  });

  test('given a malformed call, then InvalidRequestError names the rollback input', async () => {
    const w = phaseWorld();
    await expect(rollbackPhase({ mode: 'rollback' }, w.deps, w.once)).rejects.toMatchObject({
      name: 'InvalidRequestError',
      message: expect.stringContaining('rollback input is invalid'),
    });
  });
});
