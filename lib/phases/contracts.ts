import * as z from 'zod';
import { MAX_PARALLEL_NODEGROUPS } from '../domain/config';
import { InvalidRequestError } from '../domain/errors';
import { upgradeRequestedDetail } from '../domain/events';
import { describeIssues } from '../domain/snapshot';

/**
 * What each Task state passes to its Lambda (the Parameters blocks of
 * statemachines/upgrade.asl.yml), validated at the edge of every handler.
 */
export const upgradeRequestSchema = upgradeRequestedDetail;
export type UpgradeRequestInput = z.infer<typeof upgradeRequestSchema>;

const base = z.object({
  upgradeId: z.string().min(1),
  correlationId: z.string().min(1),
  request: upgradeRequestSchema,
});

export const perceptionInput = base;
export const reasoningInput = base.extend({ snapshotKey: z.string().min(1) });

export const progressSchema = z.object({
  next: z.number().int().nonnegative(),
  inFlight: z
    .array(
      z.object({
        stepId: z.string(),
        updateId: z.string(),
        startedAt: z.string(),
        polls: z.number().int().nonnegative(),
      }),
    )
    .max(MAX_PARALLEL_NODEGROUPS)
    .default([]),
  done: z.number().int().nonnegative(),
  polls: z.number().int().nonnegative(),
  busyAnswers: z.number().int().nonnegative(),
});
export const executionInput = base.extend({ planKey: z.string().min(1), progress: progressSchema });
export const gateRefSchema = z.object({
  stepId: z.string().min(1),
  stage: z.enum(['control-plane', 'canary', 'nodegroups']),
  hop: z.string().min(1),
});
export const validationInput = base.extend({
  planKey: z.string().min(1),
  soakSeconds: z.number().int().nonnegative(),
  /** A hop's bake gate; null (or absent, for an execution started by hand) for the final validation. */
  gate: gateRefSchema.nullable().default(null),
});

/** The blue/green branch's Tasks: one function, the action says which piece of work (lib/phases/blue-green.ts). */
export const blueGreenInput = base.extend({
  action: z.enum(['provision', 'readiness', 'shift', 'gate', 'revert', 'decommission', 'abandon']),
  planKey: z.string().min(1),
});

/** Step Functions' Catch output: `Cause` is a JSON string for Lambda errors, plain text otherwise. */
export const caughtErrorSchema = z.object({ Error: z.string(), Cause: z.string().optional() });

export const rollbackInput = z.discriminatedUnion('mode', [
  z.object({
    mode: z.literal('rollback'),
    trigger: z.enum(['state-machine', 'event-rule']),
    upgradeId: z.string().min(1),
    correlationId: z.string().min(1),
    clusterName: z.string().min(1),
    targetVersion: z.string().min(1),
    reason: z.string().min(1),
  }),
  z.object({
    mode: z.literal('failure'),
    trigger: z.literal('state-machine'),
    upgradeId: z.string().min(1),
    correlationId: z.string().min(1),
    clusterName: z.string().min(1),
    targetVersion: z.string().min(1),
    error: caughtErrorSchema,
  }),
]);
export type RollbackInput = z.infer<typeof rollbackInput>;

/**
 * Validates a phase input.
 * @throws InvalidRequestError naming every bad path.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new InvalidRequestError(`${what} input is invalid: ${describeIssues(result.error).join('; ')}`);
  }
  return result.data;
}
