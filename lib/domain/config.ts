import * as z from 'zod';
import { AgentError } from './errors';
import { lazy } from './lazy';
import {
  InvalidMaintenanceWindowError,
  type MaintenanceWindow,
  parseMaintenanceWindow,
} from './maintenance-window';
import { describeIssues } from './snapshot';

/**
 * The agent's run-time configuration. Stored in SSM Parameter Store as a tree
 * under /eks-upgrade-agent/<stage>/config/ (values are strings there, hence the
 * coercion); defaults ship with the stack and are repeated here so a missing
 * optional key never changes behaviour silently.
 */
/** The highest `execution/maxParallelNodegroups` accepted: it bounds the execution's state. */
export const MAX_PARALLEL_NODEGROUPS = 50;
/** The longest an upgrade waits for its approval: a day of the state machine's 48 h. */
export const MAX_APPROVAL_TIMEOUT_SECONDS = 86_400;
/** The longest final bake: the state machine's own timeout is 48 h. */
export const MAX_FINAL_BAKE_SECONDS = 86_400;

/** The configuration's schema, built on first use (lib/domain/lazy.ts). */
export const agentConfigSchema = lazy(() => {
  const num = z.coerce.number();

  const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

  /** "10,25,50,100" (SSM) or [10, 25, 50, 100]: strictly ascending percentages ending at 100. */
  const trafficWeights = z
    .union([z.string().transform((v) => v.split(',').map(Number)), z.array(z.number())])
    .pipe(
      z
        .array(z.number().int().min(1).max(100))
        .min(1)
        .max(20)
        .refine(
          // The first has none before it: 0, below every weight (min 1).
          (w) => w.every((p, i) => p > (w[i - 1] ?? 0)),
          'weights must be strictly ascending',
        )
        .refine((w) => w.at(-1) === 100, 'the last weight must be 100 (all traffic on green)'),
    );

  const metricsSource = z.discriminatedUnion('type', [
    z.object({
      type: z.literal('alb'),
      /** The ALB's CloudWatch dimension, "app/NAME/ID". */
      loadBalancer: z.string().min(1),
      /** The target group's dimension, "targetgroup/NAME/ID". */
      targetGroup: z.string().min(1),
    }),
    z.object({
      type: z.literal('custom'),
      namespace: z.string().min(1),
      errorRateMetric: z.string().min(1),
      latencyP99Metric: z.string().min(1),
      dimensions: z.record(z.string(), z.string()).default({}),
    }),
    /** An explicit opt-out: validation then judges the cluster only, and says so. */
    z.object({ type: z.literal('none') }),
  ]);

  return z.object({
    validation: z
      .object({
        maxErrorRate: num.pipe(z.number().min(0).max(1)).default(0.01),
        maxLatencyP99Ms: num.pipe(z.number().positive()).default(500),
        minSampleCount: num.pipe(z.number().int().min(1)).default(1),
        soakSeconds: num.pipe(z.number().int().min(0).max(86_400)).default(300),
        metrics: metricsSource.default({ type: 'none' }),
        /** The bake gates of each hop: how long the cluster serves before each gate judges it. */
        gates: z
          .object({
            controlPlaneSoakSeconds: num.pipe(z.number().int().min(0).max(86_400)).default(300),
            canarySoakSeconds: num.pipe(z.number().int().min(0).max(86_400)).default(120),
            nodegroupsSoakSeconds: num.pipe(z.number().int().min(0).max(86_400)).default(300),
          })
          .prefault({}),
      })
      .prefault({}),
    execution: z
      .object({
        /** UpdateAddon resolveConflicts: PRESERVE keeps the operator's configuration changes. */
        addonResolveConflicts: z.enum(['NONE', 'OVERWRITE', 'PRESERVE']).default('PRESERVE'),
        minPollSeconds: num.pipe(z.number().int().min(5)).default(15),
        maxPollSeconds: num.pipe(z.number().int().min(5)).default(900),
        busyRetrySeconds: num.pipe(z.number().int().min(5)).default(60),
        /**
         * Node-group updates of one hop in flight at once (EKS takes one update per node
         * group, several node groups at a time). 1 moves them one by one.
         */
        maxParallelNodegroups: num.pipe(z.number().int().min(1).max(MAX_PARALLEL_NODEGROUPS)).default(5),
        /** Pass EKS's force on node-group updates (ignores PodDisruptionBudgets). Off by default. */
        forceNodegroupUpdates: bool.default(false),
      })
      .prefault({}),
    rollback: z
      .object({
        /** Start EKS's control-plane version rollback when it is possible and safe. */
        revertControlPlane: bool.default(true),
      })
      .prefault({}),
    /** Blue/green upgrades (strategy blue_green): lib/domain/blue-green.ts. */
    blueGreen: z
      .object({
        /** The Route 53 hosted zone of the weighted record; required to run blue_green. */
        hostedZoneId: z
          .string()
          .regex(/^[A-Z0-9]{1,32}$/, 'a Route 53 hosted zone id such as Z0123456789ABC')
          .optional(),
        /** The weighted record's name (e.g. api.example.com); required to run blue_green. */
        recordName: z.string().min(1).max(255).optional(),
        /**
         * What each cluster's weighted record (CNAME, set identifier = cluster name) points at:
         * `{cluster}` is replaced by the cluster's name, e.g. `{cluster}.ingress.example.com`
         * (kept by external-dns in each cluster). Required to run blue_green.
         */
        recordTargetPattern: z.string().includes('{cluster}').optional(),
        recordTtlSeconds: num.pipe(z.number().int().min(0).max(86_400)).default(60),
        /** Percent of traffic sent to green at each step, ascending, ending at 100. */
        weights: trafficWeights.default([10, 25, 50, 100]),
        /** How long each step serves before green's metrics are judged. */
        soakSeconds: num.pipe(z.number().int().min(0).max(86_400)).default(600),
        /** After the last step, how long blue stays (idle) before it is decommissioned; within the 48 h execution. */
        finalBakeSeconds: num.pipe(z.number().int().min(0).max(MAX_FINAL_BAKE_SECONDS)).default(3600),
        /** Keep the green cluster (for inspection) when the upgrade fails or traffic is shifted back. */
        keepGreenOnFailure: bool.default(false),
        /** Keep blue after the last step instead of deleting it. */
        keepBlue: bool.default(false),
        /** The green cluster's name: `{blue}` and `{target}` (dots as hyphens) are replaced. */
        namePattern: z.string().includes('{blue}').default('{blue}-{target}'),
        /** Poll interval while clusters, node groups and add-ons are created or deleted. */
        pollSeconds: num.pipe(z.number().int().min(5).max(3600)).default(60),
        /** Workloads ready: an HTTP GET on green (`{cluster}` replaced) answers 2xx. Required to run blue_green. */
        healthCheckUrl: z.string().url().includes('{cluster}').optional(),
        /** How long green may take to be ACTIVE (cluster, node groups, add-ons, Fargate) before the upgrade fails. */
        provisionTimeoutSeconds: num.pipe(z.number().int().min(600).max(86_400)).default(7200),
        /** How long to wait for green's workloads after it is ACTIVE before the upgrade fails. */
        readinessTimeoutSeconds: num.pipe(z.number().int().min(60).max(86_400)).default(3600),
      })
      .prefault({}),
    /**
     * Change management: `required` stops every upgrade after its plan until a person
     * approves or rejects it (README "Approval"); the stack sets it per stage (prod:
     * required). No answer within timeoutSeconds ends the upgrade, touching nothing.
     */
    approval: z
      .object({
        mode: z.enum(['none', 'required']).default('none'),
        /** Within the 48 h execution: the upgrade itself needs the rest (the schedule guard counts it). */
        timeoutSeconds: num.pipe(z.number().int().min(300).max(MAX_APPROVAL_TIMEOUT_SECONDS)).default(43_200),
      })
      .prefault({}),
    /**
     * When new hops may start (lib/domain/maintenance-window.ts): days (MON-FRI, or
     * MON,WED; default every day), hours (02:00-06:00 local; 22:00-04:00 closes the next
     * day) and timeZone (IANA, default UTC). Absent, or enabled false: no window, any time
     * (`activeWindow`). Parsed, it keeps every key it was given, so `config set` knows them.
     */
    maintenanceWindow: z
      .object({
        enabled: bool.default(true),
        days: z.union([z.string(), z.array(z.string())]).default('MON-SUN'),
        hours: z.string({
          error: 'required for a maintenance window: local start and end as HH:MM-HH:MM, e.g. 02:00-06:00',
        }),
        timeZone: z.string().default('UTC'),
      })
      .transform((raw, ctx): MaintenanceWindow & { readonly enabled: boolean } => {
        try {
          return { enabled: raw.enabled, ...parseMaintenanceWindow(raw) };
        } catch (error) {
          // Stryker disable next-line ConditionalExpression: parseMaintenanceWindow throws only InvalidMaintenanceWindowError; this keeps a bug from passing as bad input (equivalent)
          if (!(error instanceof InvalidMaintenanceWindowError)) throw error;
          ctx.addIssue({ code: 'custom', message: error.message, path: [error.key] });
          return z.NEVER;
        }
      })
      .optional(),
    /** How long a cluster lock lives if an execution never releases it (timed out, aborted). */
    lockTtlSeconds: num.pipe(z.number().int().min(60)).default(172_800),
  });
});

export type AgentConfig = z.infer<ReturnType<typeof agentConfigSchema>>;
export type MetricsSourceConfig = AgentConfig['validation']['metrics'];

/** The maintenance window new hops wait for; undefined when none is configured or it is turned off. */
export function activeWindow(config: Pick<AgentConfig, 'maintenanceWindow'>): MaintenanceWindow | undefined {
  const window = config.maintenanceWindow;
  return window?.enabled ? { days: window.days, hours: window.hours, timeZone: window.timeZone } : undefined;
}

/** The configuration in SSM (or a file) is malformed: fix the named key. */
export class InvalidConfigError extends AgentError {
  override readonly name = 'InvalidConfigError';
  readonly retryable = false;
}

/**
 * Validates configuration read from SSM (or a file), filling defaults.
 * @throws InvalidConfigError naming each bad key.
 */
export function parseAgentConfig(input: unknown): AgentConfig {
  const result = agentConfigSchema().safeParse(input ?? {});
  if (!result.success) {
    throw new InvalidConfigError(
      `agent configuration is invalid: ${describeIssues(result.error).join('; ')}`,
    );
  }
  return result.data;
}

/** The defaults (every key missing), parsed on first use: not at cold start. */
export const defaultConfig: () => AgentConfig = lazy(() => parseAgentConfig({}));
