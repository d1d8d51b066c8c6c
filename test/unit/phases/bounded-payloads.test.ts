import { eventDetailSchemas } from '../../../lib/domain/events';
import type { Finding } from '../../../lib/domain/plan-types';
import { blockedPlanError } from '../../../lib/phases/reasoning';
import { completionDetails, LISTED_ACTIONS } from '../../../lib/phases/rollback-report';
import type { RollbackRun } from '../../../lib/phases/rollback-run';
import { MAX_EVENT_ENTRY_BYTES, MAX_PAYLOAD_BYTES } from '../../../lib/sandbox/local-sfn/limits';

/**
 * Payloads that grew with the cluster: a blocked plan's error (in the state machine's
 * state, as the Catch's Cause, and in upgrade.failed) and a finished rollback's events.
 * Each case is one that passed 256 KB before: the whole list goes to the artifact store.
 */
const bytes = (value: unknown) =>
  Buffer.byteLength(typeof value === 'string' ? value : JSON.stringify(value));
const KB = 1024;

describe('a blocked plan with 640 blocking findings', () => {
  const findings: Finding[] = Array.from({ length: 640 }, (_, i) => ({
    code: i % 4 === 0 ? 'ADDON_MINOR_GAP' : 'DEPRECATED_API_IN_USE',
    severity: 'block',
    message: `finding ${i}: ${'an explanation a person can act on, naming the resource and the fix; '.repeat(6)}`,
  }));
  const withInfo = [...findings, { code: 'INFO_ONLY', severity: 'info', message: 'not blocking' } as Finding];
  const planKey = 'upgrades/u-1/plan.json';

  it('would have passed 256 KB when every finding was in the message', () => {
    expect(bytes(findings.map((f) => `${f.code}: ${f.message}`).join(' | '))).toBeGreaterThan(
      MAX_PAYLOAD_BYTES,
    );
  });

  it('lists the first ten, counts all by code, names the stored plan, and stays small', () => {
    const error = blockedPlanError(withInfo, planKey);
    expect(error.name).toBe('PlanBlockedError');
    expect(error.message).toMatch(/^plan blocked by 640 finding\(s\): ADDON_MINOR_GAP: finding 0: /);
    expect(error.message).toContain('finding 9: ');
    expect(error.message).not.toContain('finding 10: ');
    expect(error.message).toContain(
      `… and 630 more (by code: ADDON_MINOR_GAP: 160, DEPRECATED_API_IN_USE: 480); every finding is in ${planKey}`,
    );
    expect(error.message).not.toContain('INFO_ONLY');
    expect(error.codes).toEqual(['ADDON_MINOR_GAP', 'DEPRECATED_API_IN_USE']);
    // As the Catch carries it: the runtime's JSON with the message and a trace.
    const cause = JSON.stringify({
      errorType: error.name,
      errorMessage: error.message,
      trace: error.stack?.split('\n'),
    });
    expect(bytes(cause)).toBeLessThan(16 * KB);
  });

  it('given few findings, then it lists them all as before', () => {
    const error = blockedPlanError(findings.slice(0, 2), planKey);
    expect(error.message).toBe(
      `plan blocked by 2 finding(s): ADDON_MINOR_GAP: ${findings[0]?.message} | DEPRECATED_API_IN_USE: ${findings[1]?.message}`,
    );
  });
});

describe('a rollback of 1,930 actions', () => {
  const results = Array.from({ length: 1930 }, (_, i) => ({
    action: i % 10 === 0 ? 'keep' : 'replace-nodegroup',
    resource: `node group payments-prod-workers-${String(i).padStart(4, '0')}`,
    result:
      i % 10 === 0
        ? 'kept: moved in hop 1.31, whose gates passed'
        : 'replaced at 1.31 by payments-prod-workers-r1, then deleted',
    ok: i % 10 === 0 ? null : true,
  }));
  const run: RollbackRun = {
    upgradeId: 'u-1',
    clusterName: 'payments-prod',
    targetVersion: '1.32',
    reason: 'validation failed',
    claimedBy: 'state-machine',
    hop: '1.32',
    expected: 'partially-reverted',
    actions: [],
    cursor: 1930,
    results,
    outcome: 'partially-reverted',
  };
  const key = 'upgrades/u-1/rollback.json';

  it('would have passed 256 KB when every action was in rollback.completed', () => {
    expect(bytes({ actions: results.map(({ ok: _, ...a }) => a) })).toBeGreaterThan(MAX_EVENT_ENTRY_BYTES);
  });

  it('lists the first actions, counts all by kind, names the record, and fits an event many times over', () => {
    const { completed, failed } = completionDetails(run, 'partially-reverted', key);
    expect(completed.actions).toHaveLength(LISTED_ACTIONS);
    expect(completed.actions[0]).toEqual({
      action: 'keep',
      resource: 'node group payments-prod-workers-0000',
      result: 'kept: moved in hop 1.31, whose gates passed',
    });
    expect(completed.actionCount).toBe(1930);
    expect(completed.actionCounts).toEqual({ keep: 193, 'replace-nodegroup': 1737 });
    expect(completed.actionsKey).toBe(key);
    expect(bytes(completed)).toBeLessThan(16 * KB);
    expect(failed.reason).toContain('reverted node group payments-prod-workers-0001, ');
    expect(failed.reason).toContain(`… and 1727 more (see ${key})`);
    expect(bytes(failed)).toBeLessThan(4 * KB);
    const envelope = {
      schemaVersion: '1',
      upgradeId: 'u-1',
      clusterName: 'c',
      occurredAt: '2026-11-28T00:00:00.000Z',
      correlationId: 'x',
    };
    expect(eventDetailSchemas()['rollback.completed'].safeParse({ ...envelope, ...completed }).success).toBe(
      true,
    );
    expect(eventDetailSchemas()['upgrade.failed'].safeParse({ ...envelope, ...failed }).success).toBe(true);
  });

  it('given few actions, then it lists them all without a key', () => {
    const { completed, failed } = completionDetails(
      { ...run, results: results.slice(0, 3) },
      'reverted',
      key,
    );
    expect(completed.actions).toHaveLength(3);
    expect(completed.actionCount).toBe(3);
    expect(completed).not.toHaveProperty('actionsKey');
    expect(completed).not.toHaveProperty('actionCounts');
    expect(failed.reason).toBe(
      'validation failed; rollback reverted of hop 1.32: reverted node group payments-prod-workers-0001, node group payments-prod-workers-0002',
    );
  });
});
