import { boundText, listNames, summarise } from '../domain/bounded';
import type { RollbackOutcomeV2 } from '../domain/rollback-plan';
import type { RollbackRun } from './rollback-run';

/** Actions rollback.completed lists (about 150 bytes each); the rest are counted, all kept in the rollback's record. */
export const LISTED_ACTIONS = 50;

/**
 * The details of rollback.completed and upgrade.failed for a finished rollback, of a
 * bounded size however many actions it took: the first LISTED_ACTIONS actions and the
 * count of all (by kind, and the record's key `key`, when some are not listed).
 */
export function completionDetails(run: RollbackRun, outcome: RollbackOutcomeV2, key: string) {
  const actions = summarise(
    run.results.map(({ action, resource, result }) => ({ action, resource, result })),
    (a) => a.action,
    LISTED_ACTIONS,
  );
  const reverted = run.results.filter((r) => r.ok === true).map((r) => r.resource);
  const notReverted = run.results.filter((r) => r.ok !== true && r.action !== 'keep').map((r) => r.resource);
  return {
    completed: {
      outcome,
      ...(run.hop ? { hop: run.hop } : {}),
      actions: [...actions.first],
      actionCount: actions.total,
      ...(actions.omitted > 0 ? { actionCounts: { ...actions.counts }, actionsKey: key } : {}),
    },
    failed: {
      targetVersion: run.targetVersion,
      phase: 'validation' as const,
      error: { name: 'ValidationFailed', message: boundText(run.reason, key) },
      reason: boundText(
        `${run.reason}; rollback ${outcome}${run.hop ? ` of hop ${run.hop}` : ''}: reverted ${listNames(reverted, key)}${notReverted.length > 0 ? `; not reverted ${listNames(notReverted, key)}` : ''}`,
        key,
      ),
    },
  };
}
