import { judge } from '../domain/validation';
import { parseInput, validationInput } from './contracts';
import type { ValidationDeps } from './deps';
import { secondsBetween, UpgradeEvents } from './emit';
import { enterPhase, saveRecord, saveValidationRecord } from './records';

export interface ValidationResult {
  readonly passed: boolean;
  readonly failedChecks: string[];
  /** False for a hop's gate: after a pass the state machine goes back to execution. */
  readonly final: boolean;
}

/** The metric window never shrinks below a minute, even with no soak configured. */
const MIN_WINDOW_SECONDS = 60;

/**
 * Validation: is the cluster at the target, healthy, and within its service
 * levels over the soak window? Missing metrics never pass. For a hop's gate
 * the target is the hop (node groups may still lag before the hop's last gate),
 * and a pass is recorded so that execution goes on. On final success the
 * upgrade is complete and the cluster lock is released; on failure
 * validation.failure is published (the rollback rule listens for it) and the
 * state machine goes on to TriggerRollback.
 */
export async function validatePhase(raw: unknown, deps: ValidationDeps): Promise<ValidationResult> {
  const input = parseInput(validationInput, raw, 'validation');
  const { request, upgradeId } = input;
  const events = UpgradeEvents.forInput('validation', deps, input);
  return events.phase(
    'validation',
    async () => {
      const record = await enterPhase(deps.artifacts, upgradeId, 'validation');
      if (input.gate === null && record.completedAt !== undefined) {
        // A retry after the response was lost: the same fact again (at-least-once), no new verdict.
        await events.emit('upgrade.completed', {
          targetVersion: request.targetVersion,
          durationSeconds: secondsBetween(record.startedAt, record.completedAt),
        });
        await deps.locks.release(request.clusterName, upgradeId);
        return { passed: true, failedChecks: [], final: true };
      }
      const config = await deps.config.load();
      const snapshot = await deps.snapshots.readSnapshot(request.clusterName);
      const end = deps.clock.now();
      const start = new Date(end.getTime() - Math.max(input.soakSeconds, MIN_WINDOW_SECONDS) * 1000);
      const reader = deps.metricsFor(config.validation.metrics);
      const metrics = reader
        ? await reader.readValidationMetrics({ clusterName: request.clusterName, start, end })
        : undefined;
      const { gate } = input;
      const verdict = judge(
        {
          snapshot,
          targetVersion: gate ? gate.hop : request.targetVersion,
          metrics,
          nodegroupsMayLag: gate !== null && gate.stage !== 'nodegroups',
        },
        config.validation,
      );
      const gateInfo = gate ? { gate: { stage: gate.stage, hop: gate.hop } } : {};
      const failedChecks = verdict.checks.filter((c) => !c.passed).map((c) => c.name);
      // Recorded before validation.failure is published: the rollback rule's
      // target reads it to tell this agent's failure from a forged event.
      await saveValidationRecord(deps.artifacts, {
        upgradeId,
        clusterName: request.clusterName,
        targetVersion: request.targetVersion,
        passed: verdict.passed,
        failedChecks,
        judgedAt: end.toISOString(),
      });
      if (verdict.passed && gate) {
        // The next ExecutionPhase moves past a gate recorded here as completed.
        if (!record.completed.some((c) => c.stepId === gate.stepId)) {
          await saveRecord(deps.artifacts, {
            ...record,
            completed: [...record.completed, { stepId: gate.stepId, finishedAt: end.toISOString() }],
          });
        }
        await events.emit('validation.success', {
          success: true,
          metrics: verdict.metrics,
          checks: verdict.checks,
          ...gateInfo,
        });
      } else if (verdict.passed) {
        await saveRecord(deps.artifacts, { ...record, completedAt: end.toISOString() });
        await events.emit('validation.success', {
          success: true,
          metrics: verdict.metrics,
          checks: verdict.checks,
        });
        await events.emit('upgrade.completed', {
          targetVersion: request.targetVersion,
          durationSeconds: secondsBetween(record.startedAt, end.toISOString()),
        });
        await deps.locks.release(request.clusterName, upgradeId);
      } else {
        await events.emit('validation.failure', {
          success: false,
          metrics: verdict.metrics,
          checks: verdict.checks,
          targetVersion: request.targetVersion,
          ...gateInfo,
        });
      }
      return { passed: verdict.passed, failedChecks, final: gate === null };
    },
    {
      summarize: (r) =>
        `${input.gate ? `gate ${input.gate.stepId}: ` : ''}${r.passed ? 'all checks passed' : `failed: ${r.failedChecks.join(', ')}`}`,
    },
  );
}
