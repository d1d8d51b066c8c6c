import * as z from 'zod';
import { InvalidRequestError } from '../domain/errors';
import type { PhaseName } from '../domain/events';
import { lazy } from '../domain/lazy';
import type { UpgradePlan } from '../domain/plan-types';
import { type EnvironmentSnapshot, parseSnapshot } from '../domain/snapshot';
import type { ArtifactStore } from '../ports';

/** Where an upgrade's documents live in the artifact store. */
export const artifactKeys = {
  snapshot: (upgradeId: string) => `upgrades/${upgradeId}/snapshot.json`,
  plan: (upgradeId: string) => `upgrades/${upgradeId}/plan.json`,
  record: (upgradeId: string) => `upgrades/${upgradeId}/record.json`,
  /** Written by the validation phase only (the bucket policy refuses it to every other writer). */
  validation: (upgradeId: string) => `upgrades/${upgradeId}/validation.json`,
  /** Written by HandleFailure before it publishes upgrade.failed: the failure, as published. */
  failure: (upgradeId: string) => `upgrades/${upgradeId}/failure.json`,
  /** Written by the approval function: the approval asked for, then the answer and who gave it. */
  approval: (upgradeId: string) => `upgrades/${upgradeId}/approval.json`,
  /** Written by the trigger when it refuses a request for a busy cluster. */
  refusal: (upgradeId: string) => `upgrades/${upgradeId}/refusal.json`,
};

/**
 * The upgrade record: what was done, when, and whether a rollback halted it.
 * It is what rollback reads (whichever path calls it) and what explains an upgrade afterwards.
 */
export const upgradeRecordSchema = lazy(() =>
  z.object({
    upgradeId: z.string(),
    clusterName: z.string(),
    targetVersion: z.string(),
    startedAt: z.string(),
    phase: z.enum(['perception', 'reasoning', 'execution', 'validation', 'rollback']),
    /** Steps done, in order; startedAt (EKS updates) draws the upgrade page's timeline. */
    completed: z.array(
      z.object({ stepId: z.string(), startedAt: z.string().optional(), finishedAt: z.string() }),
    ),
    halted: z.boolean(),
    lastHopCompletedAt: z.string().optional(),
    /**
     * When the execution phase last (re)started: its first call, after a gate passed, after a
     * maintenance-window wait. Its phase.completed durations count from here.
     */
    phaseStartedAt: z.string().optional(),
    /**
     * When the final validation passed: the upgrade is complete. Saved before
     * upgrade.completed is published, so a retry or a failure handler that comes after
     * a lost response does not judge, or fail, a finished upgrade again.
     */
    completedAt: z.string().optional(),
  }),
);
export type UpgradeRecord = z.infer<ReturnType<typeof upgradeRecordSchema>>;

/**
 * The validation phase's verdict on an upgrade: which checks failed, and when.
 * A rollback asked for by an event (the validation.failure rule) acts only on a
 * failed verdict recorded here for the same upgrade and cluster.
 */
export const validationRecordSchema = lazy(() =>
  z.object({
    upgradeId: z.string(),
    clusterName: z.string(),
    targetVersion: z.string(),
    passed: z.boolean(),
    failedChecks: z.array(z.string()),
    judgedAt: z.string(),
  }),
);
export type ValidationRecord = z.infer<ReturnType<typeof validationRecordSchema>>;

/** What the approval function writes to upgrades/<id>/approval.json: what was asked, then the answer and who gave it. */
export const approvalRecordSchema = lazy(() =>
  z.object({
    upgradeId: z.string(),
    status: z.enum(['pending', 'approved', 'rejected', 'expired']),
    requestedAt: z.string(),
    expiresAt: z.string(),
    by: z.string().optional(),
    comment: z.string().optional(),
    decidedAt: z.string().optional(),
  }),
);
export type ApprovalRecord = z.infer<ReturnType<typeof approvalRecordSchema>>;

/** The record of an upgrade's approval; undefined when none was asked for. */
export async function loadApprovalRecord(
  store: ArtifactStore,
  upgradeId: string,
): Promise<ApprovalRecord | undefined> {
  return loadValid(store, artifactKeys.approval(upgradeId), approvalRecordSchema);
}

export async function saveValidationRecord(store: ArtifactStore, record: ValidationRecord): Promise<void> {
  await store.putJson(artifactKeys.validation(record.upgradeId), record);
}

/** The document under `key` when it is what `schema` describes; undefined when absent or not. */
export async function loadValid<T>(
  store: ArtifactStore,
  key: string,
  schema: () => z.ZodType<T>,
): Promise<T | undefined> {
  const parsed = schema().safeParse(await store.getJson(key));
  return parsed.success ? parsed.data : undefined;
}

/** Undefined when validation has not judged this upgrade (or the document is not a verdict). */
export async function loadValidationRecord(
  store: ArtifactStore,
  upgradeId: string,
): Promise<ValidationRecord | undefined> {
  return loadValid(store, artifactKeys.validation(upgradeId), validationRecordSchema);
}

/**
 * An upgrade's failure as HandleFailure published it (upgrade.failed's details). Saved
 * before the event, so a HandleFailure that runs again (a lost response, a resumed run)
 * re-sends this same fact and never a second, different one.
 */
export const failureRecordSchema = lazy(() =>
  z.object({
    failedAt: z.string(),
    phase: z.enum(['perception', 'reasoning', 'execution', 'validation', 'rollback']),
    error: z.object({ name: z.string(), message: z.string() }),
    reason: z.string(),
  }),
);
export type FailureRecord = z.infer<ReturnType<typeof failureRecordSchema>>;

export async function saveFailureRecord(
  store: ArtifactStore,
  upgradeId: string,
  failure: FailureRecord,
): Promise<void> {
  await store.putJson(artifactKeys.failure(upgradeId), failure);
}

/** Undefined when HandleFailure has not failed this upgrade (or the document is not a failure). */
export async function loadFailureRecord(
  store: ArtifactStore,
  upgradeId: string,
): Promise<FailureRecord | undefined> {
  return loadValid(store, artifactKeys.failure(upgradeId), failureRecordSchema);
}

/**
 * A request the trigger refused because its cluster was busy: the refusal is that
 * request id's outcome. A repeat of the request (EventBridge delivers at least once,
 * a requester re-sends) gets this same refusal again and starts nothing, so the
 * upgrade id never has two different terminal events.
 */
export const refusalRecordSchema = lazy(() =>
  z.object({
    refusedAt: z.string(),
    /** The request as refused (a different request under the same id is a reused id). */
    request: z.record(z.string(), z.unknown()),
    error: z.object({ name: z.string(), message: z.string() }),
    reason: z.string(),
  }),
);
export type RefusalRecord = z.infer<ReturnType<typeof refusalRecordSchema>>;

export async function saveRefusalRecord(
  store: ArtifactStore,
  upgradeId: string,
  refusal: RefusalRecord,
): Promise<void> {
  await store.putJson(artifactKeys.refusal(upgradeId), refusal);
}

export async function loadRefusalRecord(
  store: ArtifactStore,
  upgradeId: string,
): Promise<RefusalRecord | undefined> {
  return loadValid(store, artifactKeys.refusal(upgradeId), refusalRecordSchema);
}

export async function loadRecord(
  store: ArtifactStore,
  upgradeId: string,
): Promise<UpgradeRecord | undefined> {
  const raw = await store.getJson(artifactKeys.record(upgradeId));
  return raw === undefined ? undefined : upgradeRecordSchema().parse(raw);
}

export async function saveRecord(store: ArtifactStore, record: UpgradeRecord): Promise<void> {
  await store.putJson(artifactKeys.record(record.upgradeId), record);
}

/** Marks the phase an upgrade is in, so a failure can be attributed even after a timeout. */
export async function enterPhase(
  store: ArtifactStore,
  upgradeId: string,
  phase: PhaseName,
): Promise<UpgradeRecord> {
  const record = await requireRecord(store, upgradeId);
  const updated = { ...record, phase };
  await saveRecord(store, updated);
  return updated;
}

export async function requireRecord(store: ArtifactStore, upgradeId: string): Promise<UpgradeRecord> {
  const record = await loadRecord(store, upgradeId);
  if (!record)
    throw new InvalidRequestError(`no upgrade record for ${upgradeId}: perception has not run for it`);
  return record;
}

export async function loadSnapshot(store: ArtifactStore, key: string): Promise<EnvironmentSnapshot> {
  const raw = await store.getJson(key);
  if (raw === undefined) throw new InvalidRequestError(`no snapshot at ${key}`);
  return parseSnapshot(raw);
}

/** Plans are written by the reasoning phase of this agent, so they are trusted as typed. */
export async function loadPlan(store: ArtifactStore, key: string): Promise<UpgradePlan> {
  const raw = await store.getJson(key);
  if (raw === undefined) throw new InvalidRequestError(`no plan at ${key}`);
  return raw as UpgradePlan;
}
