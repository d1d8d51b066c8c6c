import * as z from 'zod';
import { upgradeRequestedDetail } from '../domain/events';
import { parseJsonOrUndefined } from '../domain/json';
import { lazy } from '../domain/lazy';
import type { UpgradePlan } from '../domain/plan-types';
import { parseInput } from './contracts';
import type { PhaseDeps } from './deps';
import { UpgradeEvents } from './emit';
import { type ApprovalRecord, artifactKeys, loadApprovalRecord, loadPlan } from './records';

/**
 * The approval gate (approval/mode required): the state machine's AwaitApproval Task
 * calls `request` with a task token and waits until a person answers through the
 * ApprovalDecider (CLI `approve|reject`, `POST /upgrades/{id}/approval`) or its
 * timeout; RecordApproval or RecordRejection then calls `record` with the answer.
 * What was asked and answered, and by whom, is kept in `upgrades/<id>/approval.json`
 * and published as approval.* events (approval.requested goes to the notifications).
 */

export type ApprovalDeps = Pick<PhaseDeps, 'artifacts' | 'events' | 'clock'>;

/** Who answers for the agent when nobody answered in time. */
export const AGENT_PRINCIPAL = 'eks-upgrade-agent';
/** The Step Functions error a rejection fails AwaitApproval with (SendTaskFailure). */
export const REJECTED_ERROR = 'UpgradeRejected';
/** The error HandleFailure gets when the approval timed out. */
export const TIMED_OUT_ERROR = 'ApprovalTimedOut';

const schemas = lazy(() => {
  const base = z.object({
    upgradeId: z.string().min(1),
    correlationId: z.string().min(1),
    request: upgradeRequestedDetail(),
  });
  /** What a decider sends: SendTaskSuccess's output, or SendTaskFailure's cause (JSON). */
  const answer = z.object({
    by: z.string().min(1).max(2048),
    comment: z.string().max(4096).optional(),
    at: z.string().min(1),
  });
  const input = z.union([
    base.extend({
      action: z.literal('request'),
      planKey: z.string().min(1),
      timeoutSeconds: z.number().int().positive(),
      /** Step Functions' task token: never logged or stored (it is in the execution history). */
      taskToken: z.string().min(1),
    }),
    base.extend({ action: z.literal('record'), answer: answer.extend({ approved: z.literal(true) }) }),
    base.extend({
      action: z.literal('record'),
      error: z.object({ Error: z.string(), Cause: z.string().optional() }),
    }),
  ]);
  return { answer, input };
});

export const approvalAnswerSchema = () => schemas().answer;
export const approvalInput = () => schemas().input;
export type ApprovalAnswer = z.infer<ReturnType<typeof approvalAnswerSchema>>;

/** How a person answers, for the stage the function runs in. */
export function howToAnswer(
  upgradeId: string,
  stage: string,
): { approve: string; reject: string; api: string } {
  const where = stage === 'local' ? '--sandbox' : `--stage ${stage}`;
  return {
    approve: `eks-upgrade-agent approve ${upgradeId} ${where} --comment "<why>"`,
    reject: `eks-upgrade-agent reject ${upgradeId} ${where} --comment "<why>"`,
    api: `POST /upgrades/${upgradeId}/approval {"approve": true|false, "comment": "<why>"}`,
  };
}

export type ApprovalResult =
  | { readonly status: 'pending'; readonly expiresAt: string }
  | { readonly status: 'approved'; readonly by: string }
  /** The error HandleFailure reports (ResultPath $.error): who rejected, or the timeout. */
  | { readonly Error: string; readonly Cause: string };

/**
 * @throws InvalidRequestError for an input that is not the state machine's.
 */
export async function approvalPhase(
  raw: unknown,
  deps: ApprovalDeps,
  options: { readonly stage: string },
): Promise<ApprovalResult> {
  const input = parseInput(approvalInput, raw, 'approval');
  const events = UpgradeEvents.forInput('approval', deps, input);
  const now = deps.clock.now().toISOString();
  const key = artifactKeys.approval(input.upgradeId);
  const earlier = await loadApprovalRecord(deps.artifacts, input.upgradeId);

  if (input.action === 'request') {
    const plan = await loadPlan(deps.artifacts, input.planKey);
    // A retried request keeps the first deadline: a retry never extends the wait.
    const record: ApprovalRecord = earlier ?? {
      upgradeId: input.upgradeId,
      status: 'pending',
      requestedAt: now,
      expiresAt: new Date(deps.clock.now().getTime() + input.timeoutSeconds * 1000).toISOString(),
    };
    if (earlier === undefined) await deps.artifacts.putJson(key, record);
    await events.emit('approval.requested', {
      ...planSummary(plan),
      planKey: input.planKey,
      expiresAt: record.expiresAt,
      howTo: howToAnswer(input.upgradeId, options.stage),
    });
    return { status: 'pending', expiresAt: record.expiresAt };
  }

  // An answer is recorded once: a retry (or a late second answer) publishes the first again.
  const record =
    earlier !== undefined && earlier.status !== 'pending' ? earlier : answerRecord(input, earlier, now);
  await deps.artifacts.putJson(key, record);
  const by = record.by ?? AGENT_PRINCIPAL;
  const comment = record.comment !== undefined ? { comment: record.comment } : {};
  const decidedAt = record.decidedAt ?? now;
  if (record.status === 'approved') {
    await events.emit('approval.granted', { by, ...comment, decidedAt });
    return { status: 'approved', by };
  }
  const timedOut = record.status === 'expired';
  await events.emit('approval.rejected', {
    outcome: timedOut ? 'timed-out' : 'rejected',
    by,
    ...comment,
    decidedAt,
  });
  return timedOut
    ? {
        Error: TIMED_OUT_ERROR,
        Cause: `nobody approved or rejected the upgrade by ${record.expiresAt}; the cluster was not touched`,
      }
    : {
        Error: REJECTED_ERROR,
        Cause: `rejected by ${by}${record.comment ? `: ${record.comment}` : ''}; the cluster was not touched`,
      };
}

type RecordInput = Extract<z.infer<ReturnType<typeof approvalInput>>, { action: 'record' }>;

/** The record of the answer in `input`: approved, rejected (the cause names who), or expired. */
function answerRecord(input: RecordInput, earlier: ApprovalRecord | undefined, now: string): ApprovalRecord {
  const requested = earlier ?? { upgradeId: input.upgradeId, requestedAt: now, expiresAt: now };
  if ('answer' in input) {
    return decided(requested, 'approved', input.answer.by, input.answer.comment, input.answer.at);
  }
  if (input.error.Error === REJECTED_ERROR) {
    const answer = approvalAnswerSchema().safeParse(parseJsonOrUndefined(input.error.Cause));
    if (answer.success)
      return decided(requested, 'rejected', answer.data.by, answer.data.comment, answer.data.at);
    return decided(requested, 'rejected', 'unknown', input.error.Cause, now);
  }
  // States.Timeout: nobody answered within approval/timeoutSeconds.
  return decided(requested, 'expired', AGENT_PRINCIPAL, `no answer by ${requested.expiresAt}`, now);
}

function decided(
  requested: Pick<ApprovalRecord, 'upgradeId' | 'requestedAt' | 'expiresAt'>,
  status: 'approved' | 'rejected' | 'expired',
  by: string,
  comment: string | undefined,
  decidedAt: string,
): ApprovalRecord {
  return {
    upgradeId: requested.upgradeId,
    requestedAt: requested.requestedAt,
    expiresAt: requested.expiresAt,
    status,
    by,
    // An empty comment (the state machine always carries one) is no comment.
    ...(comment ? { comment } : {}),
    decidedAt,
  };
}

/** What a person needs to decide: versions, hops, size, time, findings by severity. */
export function planSummary(plan: UpgradePlan) {
  const findings: Record<string, number> = {};
  for (const finding of plan.findings) findings[finding.severity] = (findings[finding.severity] ?? 0) + 1;
  return {
    currentVersion: plan.currentVersion,
    targetVersion: plan.targetVersion,
    strategy: plan.strategy,
    verdict: plan.verdict,
    stepCount: plan.steps.length,
    estimatedMinutes: plan.estimatedMinutes,
    hops: [...new Set(plan.steps.filter((s) => s.kind === 'control-plane').map((s) => s.to))],
    findings,
  };
}
