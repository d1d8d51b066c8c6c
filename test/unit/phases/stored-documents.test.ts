import { caughtErrorSchema, executionInput, parseInput } from '../../../lib/phases/contracts';
import {
  approvalRecordSchema,
  artifactKeys,
  failureRecordSchema,
  loadApprovalRecord,
  loadFailureRecord,
  saveFailureRecord,
} from '../../../lib/phases/records';
import { loadRollbackRun, type RollbackRun, rollbackRunKey } from '../../../lib/phases/rollback-run';
import { UPGRADE } from '../../support/phase-fixtures';
import { NOW, phaseWorld } from '../../support/phase-world';

/**
 * The documents an upgrade leaves in the artifact store, read back: every value a
 * writer may store is accepted (a status, phase or stage the reader refused would
 * make the upgrade's history unreadable), and nothing else is.
 */

describe('artifact keys', () => {
  test('the failure, approval and refusal documents live under the upgrade id (the bucket policy names these paths)', () => {
    expect(artifactKeys.failure('u')).toBe('upgrades/u/failure.json');
    expect(artifactKeys.approval('u')).toBe('upgrades/u/approval.json');
    expect(artifactKeys.refusal('u')).toBe('upgrades/u/refusal.json');
    expect(rollbackRunKey('u')).toBe('upgrades/u/rollback.json');
  });
});

describe('approval record', () => {
  const approval = { upgradeId: UPGRADE, requestedAt: NOW, expiresAt: NOW };

  test.each(['pending', 'approved', 'rejected', 'expired'])(
    'given status %s, then it is read back',
    async (status) => {
      const w = phaseWorld();
      await w.deps.artifacts.putJson(artifactKeys.approval(UPGRADE), { ...approval, status });
      expect(await loadApprovalRecord(w.deps.artifacts, UPGRADE)).toEqual({ ...approval, status });
    },
  );

  test('given an unknown status, then the document is not an approval', () => {
    expect(approvalRecordSchema().safeParse({ ...approval, status: 'maybe' }).success).toBe(false);
  });
});

describe('failure record', () => {
  const failure = { failedAt: NOW, error: { name: 'X', message: 'm' }, reason: 'r' };

  test.each(['perception', 'reasoning', 'execution', 'validation', 'rollback'])(
    'given a failure in %s, then it is saved where HandleFailure reads it and read back',
    async (phase) => {
      const w = phaseWorld();
      await saveFailureRecord(w.deps.artifacts, UPGRADE, { ...failure, phase } as never);
      expect(w.store.get(artifactKeys.failure(UPGRADE))).toEqual({ ...failure, phase });
      expect(await loadFailureRecord(w.deps.artifacts, UPGRADE)).toEqual({ ...failure, phase });
    },
  );

  test('given an unknown phase, then the document is not a failure', () => {
    expect(failureRecordSchema().safeParse({ ...failure, phase: 'trigger' }).success).toBe(false);
  });
});

describe('rollback run', () => {
  const run: RollbackRun = {
    upgradeId: UPGRADE,
    clusterName: 'test-cluster',
    targetVersion: '1.30',
    reason: 'gate failed',
    claimedBy: 'state-machine',
    expected: 'reverted',
    actions: [{ kind: 'delete-nodegroup', resource: 'ng-1', why: 'w', extra: 1 }],
    cursor: 1,
    results: [{ action: 'delete-nodegroup', resource: 'ng-1', result: 'deleted', ok: true }],
  };
  const load = async (doc: unknown) => {
    const w = phaseWorld();
    await w.deps.artifacts.putJson(rollbackRunKey(UPGRADE), doc);
    return loadRollbackRun(w.deps.artifacts, UPGRADE);
  };

  test('given a run, then it is read back whole: its results and its actions with their own fields', async () => {
    expect(await load(run)).toEqual(run);
  });

  test.each([
    ['claimedBy', 'state-machine'],
    ['claimedBy', 'event-rule'],
    ['expected', 'reverted'],
    ['expected', 'partially-reverted'],
    ['expected', 'stopped'],
    ['outcome', 'reverted'],
    ['outcome', 'partially-reverted'],
    ['outcome', 'stopped'],
  ])('given %s %s, then it is read back', async (field, value) => {
    expect(await load({ ...run, [field]: value })).toEqual({ ...run, [field]: value });
  });

  test.each(['creating', 'deleting', 'rolling'])(
    'given a %s action in flight, then it is read back',
    async (stage) => {
      const inFlight = { stage, startedAt: NOW, updateId: 'up-1' };
      expect(await load({ ...run, inFlight })).toEqual({ ...run, inFlight });
    },
  );

  test.each([
    ['an unknown claimant', { ...run, claimedBy: 'cli' }],
    ['an unknown outcome', { ...run, outcome: 'done' }],
    ['an unknown stage in flight', { ...run, inFlight: { stage: 'waiting', startedAt: NOW } }],
    ['an action with no kind', { ...run, actions: [{ resource: 'ng-1', why: 'w' }] }],
    ['a result with no verdict', { ...run, results: [{ action: 'a', resource: 'r', result: 'x' }] }],
  ])('given %s, then loading fails rather than trusting the run', async (_, doc) => {
    await expect(load(doc)).rejects.toThrow();
  });
});

describe('state-machine payloads', () => {
  test('given progress with nothing in flight, then inFlight is an empty list', () => {
    const progress = { next: 0, done: 0, polls: 0, busyAnswers: 0 };
    const input = {
      upgradeId: 'u',
      correlationId: 'c',
      request: { clusterName: 'c1', targetVersion: '1.30', requestId: 'r' },
      planKey: 'p',
      progress,
    };
    expect(parseInput(executionInput, input, 'execution').progress.inFlight).toEqual([]);
  });

  test('a Catch output is read with its Cause, which is optional, and needs its Error', () => {
    expect(caughtErrorSchema().parse({ Error: 'States.Timeout', Cause: 'c' })).toEqual({
      Error: 'States.Timeout',
      Cause: 'c',
    });
    expect(caughtErrorSchema().parse({ Error: 'States.Timeout' })).toEqual({ Error: 'States.Timeout' });
    expect(caughtErrorSchema().safeParse({ Cause: 'c' }).success).toBe(false);
  });
});
