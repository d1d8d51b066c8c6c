import { withBlueGreenConfig } from '../domain/blue-green';
import { boundText, formatCounts, summarise } from '../domain/bounded';
import { PlanBlockedError } from '../domain/errors';
import { gatePlan } from '../domain/gated-plan';
import type { Finding } from '../domain/plan-types';
import { DEFAULT_POLICY, type Verdict } from '../domain/plan-types';
import { reason } from '../domain/reason';
import { parseInput, reasoningInput } from './contracts';
import type { ReasoningDeps } from './deps';
import { UpgradeEvents } from './emit';
import { artifactKeys, enterPhase, loadSnapshot } from './records';

export interface ReasoningResult {
  readonly planKey: string;
  readonly verdict: Verdict;
  readonly stepCount: number;
  readonly estimatedMinutes: number;
  /** Whether a person must approve before anything changes (approval/mode), and for how long the upgrade waits. */
  readonly approval: { readonly required: boolean; readonly timeoutSeconds: number };
}

/**
 * Reasoning: findings and a plan from the stored snapshot. A blocked plan is
 * stored (it explains itself) and then raised as PlanBlockedError, so the state
 * machine ends in UpgradeFailure without touching the cluster.
 * @throws PlanBlockedError when any finding blocks.
 */
export async function reasonPhase(raw: unknown, deps: ReasoningDeps): Promise<ReasoningResult> {
  const input = parseInput(reasoningInput, raw, 'reasoning');
  const { request, upgradeId } = input;
  const events = UpgradeEvents.forInput('reasoning', deps, input);
  return events.phase(
    'reasoning',
    async () => {
      await enterPhase(deps.artifacts, upgradeId, 'reasoning');
      const [snapshot, config] = await Promise.all([
        loadSnapshot(deps.artifacts, input.snapshotKey),
        deps.config.load(),
      ]);
      const policy = withBlueGreenConfig(DEFAULT_POLICY, config.blueGreen);
      const plan = gatePlan(
        reason(
          snapshot,
          {
            targetVersion: request.targetVersion,
            strategy: request.strategy,
            force: request.force,
            now: deps.clock.now().toISOString(),
          },
          policy,
        ),
        snapshot,
        policy,
      );
      const planKey = artifactKeys.plan(upgradeId);
      await deps.artifacts.putJson(planKey, plan);
      if (plan.verdict === 'blocked') {
        throw blockedPlanError(plan.findings, planKey);
      }
      if (!request.dryRun) {
        await events.emit('upgrade.started', {
          currentVersion: plan.currentVersion,
          targetVersion: plan.targetVersion,
          strategy: plan.strategy,
          stepCount: plan.steps.length,
          estimatedMinutes: plan.estimatedMinutes,
        });
      }
      return {
        planKey,
        verdict: plan.verdict,
        stepCount: plan.steps.length,
        estimatedMinutes: plan.estimatedMinutes,
        approval: {
          required: config.approval.mode === 'required',
          timeoutSeconds: config.approval.timeoutSeconds,
        },
      };
    },
    {
      summarize: (r) =>
        `${request.dryRun ? 'dry run: ' : ''}plan ${r.verdict}: ${r.stepCount} step(s), about ${r.estimatedMinutes} min`,
    },
  );
}

/**
 * The error of a blocked plan, whatever the number of findings: it travels in the
 * state machine's state and in upgrade.failed, so it lists the first few blocking
 * findings, counts them by code, and names the stored plan that holds them all.
 */
export function blockedPlanError(findings: readonly Finding[], planKey: string): PlanBlockedError {
  const blocking = summarise(
    findings.filter((f) => f.severity === 'block'),
    (f) => f.code,
  );
  const listed = blocking.first.map((f) => `${f.code}: ${f.message}`).join(' | ');
  const rest =
    blocking.omitted > 0
      ? ` | … and ${blocking.omitted} more (by code: ${formatCounts(blocking.counts)}); every finding is in ${planKey}`
      : '';
  return new PlanBlockedError(
    boundText(`plan blocked by ${blocking.total} finding(s): ${listed}${rest}`, planKey),
    Object.keys(blocking.counts),
  );
}
