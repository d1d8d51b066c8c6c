import { executionInput } from '../../phases/contracts';
import { artifactKeys, loadFailureRecord, loadRecord } from '../../phases/records';
import type { ArtifactStore } from '../../ports';
import type { OrphanedExecution } from './executions';

/** Where a resumed execution begins, and the state it begins with. */
export interface ResumePoint {
  /** Undefined: from the definition's StartAt (nothing was changed before the crash). */
  readonly startAt?: string;
  readonly input: Record<string, unknown>;
  readonly completedSteps: number;
}

/**
 * Where to resume an execution whose process died. Its progress is in the artifact
 * store: the plan, and the record of the steps that finished. With a plan that may
 * run, it resumes at ExecutionPhase with those steps done; the step that was in
 * flight is started again with the same client request token, which EKS answers
 * with the update already under way, so nothing starts twice. Before there is such
 * a plan nothing was changed, and it starts again from the beginning. An upgrade that
 * HandleFailure had already failed resumes at HandleFailure, which sends that same
 * failure again and gives the lock back: it never starts over after upgrade.failed.
 */
export async function resumePoint(artifacts: ArtifactStore, orphan: OrphanedExecution): Promise<ResumePoint> {
  const fromStart = { input: orphan.input, completedSteps: 0 };
  const parsed = executionInput().pick({ upgradeId: true, request: true }).safeParse(orphan.input);
  if (!parsed.success || parsed.data.request.dryRun) return fromStart;
  const { upgradeId } = parsed.data;
  const failure = await loadFailureRecord(artifacts, upgradeId);
  if (failure !== undefined)
    return {
      startAt: 'HandleFailure',
      completedSteps: 0,
      input: { ...orphan.input, error: { Error: failure.error.name, Cause: failure.error.message } },
    };
  const planKey = artifactKeys.plan(upgradeId);
  const [record, plan] = await Promise.all([
    loadRecord(artifacts, upgradeId),
    artifacts.getJson(planKey) as Promise<{ verdict?: string; steps?: { id: string }[] } | undefined>,
  ]);
  if (record === undefined || plan?.steps === undefined || plan.verdict === 'blocked') return fromStart;
  const done = new Set(record.completed.map((c) => c.stepId));
  const firstOpen = plan.steps.findIndex((step) => !done.has(step.id));
  const next = firstOpen === -1 ? plan.steps.length : firstOpen;
  return {
    startAt: 'ExecutionPhase',
    completedSteps: next,
    input: {
      ...orphan.input,
      plan: { planKey },
      execution: {
        status: 'waiting',
        waitSeconds: 0,
        soakSeconds: 0,
        progress: {
          next,
          inFlight: [],
          done: next,
          polls: 0,
          busyAnswers: 0,
        },
      },
    },
  };
}
