import * as z from 'zod';
import { MAX_PARALLEL_NODEGROUPS } from '../domain/config';
import { InvalidRequestError } from '../domain/errors';
import { upgradeRequestedDetail } from '../domain/events';
import { lazy } from '../domain/lazy';
import { describeIssues } from '../domain/snapshot';

/**
 * What each Task state passes to its Lambda (the Parameters blocks of
 * statemachines/upgrade.asl.yml), validated at the edge of every handler.
 */
export const upgradeRequestSchema = upgradeRequestedDetail;
export type UpgradeRequestInput = z.infer<ReturnType<typeof upgradeRequestSchema>>;

/** The inputs' schemas, built together on first use (lib/domain/lazy.ts). */
const schemas = lazy(() => {
  const base = z.object({
    upgradeId: z.string().min(1),
    correlationId: z.string().min(1),
    request: upgradeRequestedDetail(),
  });

  const perceptionInput = base;
  const reasoningInput = base.extend({ snapshotKey: z.string().min(1) });

  const progressSchema = z.object({
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
  const executionInput = base.extend({ planKey: z.string().min(1), progress: progressSchema });
  const gateRefSchema = z.object({
    stepId: z.string().min(1),
    stage: z.enum(['control-plane', 'canary', 'nodegroups']),
    hop: z.string().min(1),
  });
  const validationInput = base.extend({
    planKey: z.string().min(1),
    soakSeconds: z.number().int().nonnegative(),
    /** A hop's bake gate; null (or absent, for an execution started by hand) for the final validation. */
    gate: gateRefSchema.nullable().default(null),
  });

  /** The blue/green branch's Tasks: one function, the action says which piece of work (lib/phases/blue-green.ts). */
  const blueGreenInput = base.extend({
    action: z.enum(['provision', 'readiness', 'shift', 'gate', 'revert', 'decommission', 'abandon']),
    planKey: z.string().min(1),
  });

  /** Step Functions' Catch output: `Cause` is a JSON string for Lambda errors, plain text otherwise. */
  const caughtErrorSchema = z.object({ Error: z.string(), Cause: z.string().optional() });

  const rollbackInput = z.discriminatedUnion('mode', [
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
  return {
    perceptionInput,
    reasoningInput,
    executionInput,
    validationInput,
    blueGreenInput,
    caughtErrorSchema,
    rollbackInput,
  };
});

export const perceptionInput = () => schemas().perceptionInput;
export const reasoningInput = () => schemas().reasoningInput;
export const executionInput = () => schemas().executionInput;
export const validationInput = () => schemas().validationInput;
export const blueGreenInput = () => schemas().blueGreenInput;
export const caughtErrorSchema = () => schemas().caughtErrorSchema;
export const rollbackInput = () => schemas().rollbackInput;

export type RollbackInput = z.infer<ReturnType<typeof rollbackInput>>;

/**
 * Validates a phase input against a schema's getter (built on first use).
 * @throws InvalidRequestError naming every bad path.
 */
export function parseInput<S extends z.ZodType>(schema: () => S, input: unknown, what: string): z.infer<S> {
  const result = schema().safeParse(input);
  if (!result.success) {
    throw new InvalidRequestError(`${what} input is invalid: ${describeIssues(result.error).join('; ')}`);
  }
  return result.data;
}
