import { describeStep } from '../cli/render/step-text';
import { UpgradeNotFoundError } from '../domain/errors';
import type { Finding, UpgradePlan } from '../domain/plan-types';
import type {
  ArtifactStore,
  ExecutionReader,
  ExecutionStatus,
  RecordedEvent,
  UpgradeExecution,
} from '../ports';
import type { UpgradeViewInput, ViewEvent } from '../report/view';
import {
  type ApprovalRecord,
  approvalRecordSchema,
  artifactKeys,
  type FailureRecord,
  failureRecordSchema,
  loadValid,
  type RefusalRecord,
  refusalRecordSchema,
  type UpgradeRecord,
  upgradeRecordSchema,
  type ValidationRecord,
  validationRecordSchema,
} from './records';
import { rollbackRunKey, rollbackRunSchema } from './rollback-run';

/**
 * The read model of one upgrade, for the HTTP API and the CLI's `status`: the
 * execution (Step Functions, or the sandbox's) and what the phases wrote to the
 * artifact store. Every document is read leniently: absent or not what its schema
 * says, it is left out (the status of a half-written upgrade is still a status).
 */

/** Findings in a status: counts of all, the first few (the plan holds them all). */
const FINDINGS_SHOWN = 20;

export type UpgradeState =
  | 'refused'
  | 'awaiting-approval'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'timed-out'
  | 'aborted';

export interface UpgradeStatus {
  readonly upgradeId: string;
  /** One word for people and scripts: the execution's status, refined by the records. */
  readonly state: UpgradeState;
  readonly clusterName?: string;
  readonly targetVersion?: string;
  readonly execution?: {
    readonly status: ExecutionStatus;
    readonly executionArn: string;
    readonly startedAt: string;
    readonly stoppedAt?: string;
  };
  /** Where the upgrade is: the phase, steps done of the plan's, the next step. */
  readonly progress?: {
    readonly phase: UpgradeRecord['phase'];
    readonly stepsDone: number;
    readonly stepsTotal?: number;
    readonly currentStep?: { readonly id: string; readonly description: string };
    readonly completedAt?: string;
    readonly halted: boolean;
  };
  readonly plan?: {
    readonly key: string;
    readonly verdict: UpgradePlan['verdict'];
    readonly fromVersion: string;
    readonly strategy: string;
    readonly estimatedMinutes: number;
  };
  readonly findings?: {
    readonly total: number;
    readonly bySeverity: Readonly<Record<string, number>>;
    readonly shown: readonly Finding[];
  };
  readonly validation?: ValidationRecord;
  readonly rollback?: {
    readonly reason: string;
    readonly hop?: string;
    readonly outcome?: string;
    readonly actionsDone: number;
    readonly actionsTotal: number;
  };
  readonly failure?: FailureRecord;
  readonly refusal?: Pick<RefusalRecord, 'refusedAt' | 'error' | 'reason'>;
  /** Absent: no approval was asked for this upgrade. */
  readonly approval?: ApprovalRecord;
}

export interface StatusDeps {
  readonly executions: ExecutionReader;
  readonly artifacts: ArtifactStore;
}

/** The plan as the reasoning phase wrote it (trusted as typed once it has steps and findings). */
async function loadPlanLeniently(store: ArtifactStore, upgradeId: string): Promise<UpgradePlan | undefined> {
  const raw = (await store.getJson(artifactKeys.plan(upgradeId))) as Partial<UpgradePlan> | undefined;
  return raw && Array.isArray(raw.steps) && Array.isArray(raw.findings) ? (raw as UpgradePlan) : undefined;
}

/** The documents of one upgrade, read together. */
export async function loadUpgradeDocuments(store: ArtifactStore, upgradeId: string) {
  const [record, plan, validation, failure, refusal, rollback, approval] = await Promise.all([
    loadValid(store, artifactKeys.record(upgradeId), upgradeRecordSchema),
    loadPlanLeniently(store, upgradeId),
    loadValid(store, artifactKeys.validation(upgradeId), validationRecordSchema),
    loadValid(store, artifactKeys.failure(upgradeId), failureRecordSchema),
    loadValid(store, artifactKeys.refusal(upgradeId), refusalRecordSchema),
    loadValid(store, rollbackRunKey(upgradeId), rollbackRunSchema),
    loadValid(store, artifactKeys.approval(upgradeId), approvalRecordSchema),
  ]);
  return { record, plan, validation, failure, refusal, rollback, approval };
}
export type UpgradeDocuments = Awaited<ReturnType<typeof loadUpgradeDocuments>>;

const STATE_OF: Record<ExecutionStatus, UpgradeState> = {
  RUNNING: 'running',
  PENDING_REDRIVE: 'running',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  TIMED_OUT: 'timed-out',
  ABORTED: 'aborted',
};

/**
 * One upgrade's status.
 * @throws UpgradeNotFoundError when there is neither an execution of that id nor a refusal.
 */
export async function upgradeStatus(upgradeId: string, deps: StatusDeps): Promise<UpgradeStatus> {
  return (await readUpgrade(upgradeId, deps)).status;
}

/**
 * One upgrade's status and the documents it was read from (the page needs the plan).
 * @throws UpgradeNotFoundError when there is neither an execution of that id nor a refusal.
 */
export async function readUpgrade(
  upgradeId: string,
  deps: StatusDeps,
): Promise<{ status: UpgradeStatus; docs: UpgradeDocuments }> {
  // An upgrade id is an execution name: anything else names no upgrade, and never
  // reaches the store as part of a key (the sandbox's store is a directory).
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(upgradeId)) {
    throw new UpgradeNotFoundError(`there is no upgrade ${JSON.stringify(upgradeId)} in this stage`);
  }
  const [execution, docs] = await Promise.all([
    deps.executions.describe(upgradeId),
    loadUpgradeDocuments(deps.artifacts, upgradeId),
  ]);
  if (execution === undefined && docs.refusal === undefined) {
    throw new UpgradeNotFoundError(`there is no upgrade ${upgradeId} in this stage`);
  }
  return { status: statusFrom(upgradeId, execution, docs), docs };
}

/** The status from what was read (pure). */
export function statusFrom(
  upgradeId: string,
  execution: UpgradeExecution | undefined,
  docs: UpgradeDocuments,
): UpgradeStatus {
  const { record, plan, validation, failure, refusal, rollback, approval } = docs;
  const request = requestOf(execution) ?? requestOf({ input: { request: refusal?.request } });
  let state: UpgradeState = execution ? STATE_OF[execution.status] : 'refused';
  if (state === 'running' && approval?.status === 'pending') state = 'awaiting-approval';
  const done = new Set(record?.completed.map((c) => c.stepId));
  const next = plan?.steps.find((s) => !done.has(s.id));
  const clusterName = request?.clusterName ?? record?.clusterName ?? plan?.cluster;
  const targetVersion = request?.targetVersion ?? record?.targetVersion ?? plan?.targetVersion;
  return {
    upgradeId,
    state,
    ...(clusterName !== undefined ? { clusterName } : {}),
    ...(targetVersion !== undefined ? { targetVersion } : {}),
    ...(execution
      ? {
          execution: {
            status: execution.status,
            executionArn: execution.executionArn,
            startedAt: execution.startedAt,
            ...(execution.stoppedAt !== undefined ? { stoppedAt: execution.stoppedAt } : {}),
          },
        }
      : {}),
    ...(record
      ? {
          progress: {
            phase: record.phase,
            stepsDone: record.completed.length,
            ...(plan ? { stepsTotal: plan.steps.length } : {}),
            ...(next && state !== 'succeeded'
              ? { currentStep: { id: next.id, description: describeStep(next) } }
              : {}),
            ...(record.completedAt !== undefined ? { completedAt: record.completedAt } : {}),
            halted: record.halted,
          },
        }
      : {}),
    ...(plan
      ? {
          plan: {
            key: artifactKeys.plan(upgradeId),
            verdict: plan.verdict,
            fromVersion: plan.currentVersion,
            strategy: plan.strategy,
            estimatedMinutes: plan.estimatedMinutes,
          },
          findings: {
            total: plan.findings.length,
            bySeverity: plan.findings.reduce<Record<string, number>>((counts, f) => {
              counts[f.severity] = (counts[f.severity] ?? 0) + 1;
              return counts;
            }, {}),
            shown: plan.findings.slice(0, FINDINGS_SHOWN),
          },
        }
      : {}),
    ...(validation ? { validation } : {}),
    ...(rollback
      ? {
          rollback: {
            reason: rollback.reason,
            ...(rollback.hop !== undefined ? { hop: rollback.hop } : {}),
            ...(rollback.outcome !== undefined ? { outcome: rollback.outcome } : {}),
            actionsDone: rollback.results.length,
            actionsTotal: rollback.actions.length,
          },
        }
      : {}),
    ...(failure ? { failure } : {}),
    ...(refusal
      ? { refusal: { refusedAt: refusal.refusedAt, error: refusal.error, reason: refusal.reason } }
      : {}),
    ...(approval ? { approval } : {}),
  };
}

function requestOf(
  execution: Pick<UpgradeExecution, 'input'> | undefined,
): { clusterName: string | undefined; targetVersion: string | undefined } | undefined {
  const request = execution?.input?.request;
  if (request === null || typeof request !== 'object') return undefined;
  const r = request as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { clusterName: text(r.clusterName), targetVersion: text(r.targetVersion) };
}

/**
 * What the upgrade page (lib/report/html.ts) can show of a deployed upgrade: the
 * plan's steps marked done from the record, the findings, the failure. The run
 * report of a sandbox run has more (every event with its time, so bars on a time
 * line and each gate's checks); in AWS the events went to the bus and the audit log
 * group, and the store keeps only when each step finished and the last verdict.
 */
/**
 * What the upgrade page shows, from the stored documents and the upgrade's events (the
 * audit log's): steps from the record, phases, gates and rollback from the events.
 */
export function storedViewInput(
  status: UpgradeStatus,
  docs: UpgradeDocuments,
  recorded: readonly RecordedEvent[] = [],
): UpgradeViewInput {
  const { plan, record, failure } = docs;
  const origin = status.execution?.startedAt || record?.startedAt || new Date(0).toISOString();
  const originMs = Date.parse(origin);
  const minutes = (iso: string) => Math.max(0, (Date.parse(iso) - originMs) / 60_000);
  const steps: Record<string, { startedAt?: number; finishedAt?: number }> = {};
  for (const c of record?.completed ?? []) {
    steps[c.stepId] = {
      ...(c.startedAt !== undefined ? { startedAt: minutes(c.startedAt) } : {}),
      finishedAt: minutes(c.finishedAt),
    };
  }
  const events: ViewEvent[] = [...recorded];
  // The failure document stands in for its event when the event is not (yet) in the log.
  if (failure && !recorded.some((e) => e['detail-type'] === 'upgrade.failed')) {
    events.push({
      'detail-type': 'upgrade.failed',
      time: failure.failedAt,
      detail: {
        upgradeId: status.upgradeId,
        phase: failure.phase,
        reason: failure.reason,
        error: failure.error,
      },
    });
  }
  const end = status.execution?.stoppedAt ?? record?.completedAt ?? failure?.failedAt;
  return {
    outcome: status.state,
    summary: summaryOf(status),
    clusterName: status.clusterName ?? '',
    fromVersion: plan?.currentVersion ?? '',
    targetVersion: status.targetVersion ?? '',
    strategy: plan?.strategy ?? 'in_place',
    upgradeId: status.upgradeId,
    findings: plan?.findings ?? [],
    steps: plan?.steps ?? [],
    timeline: { origin, steps },
    changes: [],
    simulatedMinutes: end ? minutes(end) : 0,
    figures: {
      stepsDone: status.progress?.stepsDone ?? 0,
      ...(status.progress?.stepsTotal !== undefined ? { stepsTotal: status.progress.stepsTotal } : {}),
    },
    events,
  };
}

/** One line: the state and where it is. */
export function summaryOf(status: UpgradeStatus): string {
  const what = `${status.clusterName ?? '?'} to ${status.targetVersion ?? '?'}`;
  const where = status.progress?.currentStep ? `; next: ${status.progress.currentStep.description}` : '';
  const steps =
    status.progress?.stepsTotal !== undefined
      ? ` (${status.progress.stepsDone}/${status.progress.stepsTotal} steps)`
      : '';
  switch (status.state) {
    case 'awaiting-approval':
      return `${what}: waiting for an approval until ${status.approval?.expiresAt ?? '?'}${steps}`;
    case 'refused':
      return `${what}: refused (${status.refusal?.reason ?? ''})`;
    case 'failed':
      return `${what}: failed${status.failure ? ` in ${status.failure.phase}: ${status.failure.reason}` : ''}${steps}`;
    default:
      return `${what}: ${status.state}${steps}${where}`;
  }
}
