import type { UpgradeStep } from './plan-types';

/**
 * Which steps of a plan may be in flight together. EKS accepts UpdateNodegroupVersion
 * on different node groups at the same time, but only one update per resource, and
 * none while the control plane is updating. So only node-group steps run together,
 * and only a run of consecutive ones in the plan: the plan's order already keeps a
 * node group from moving past the control plane (the control-plane step sits between
 * the node groups at N and those at N+1), keeps add-ons and the control plane one at a
 * time, and puts a gate after the canary, so the canary always moves alone.
 */

/** The step kinds that may run together (with others of the same kind). */
export function runsInParallel(step: UpgradeStep): boolean {
  return step.kind === 'nodegroup';
}

/** A step already started and not yet finished, by its index in the plan. */
export interface StepInFlight {
  readonly index: number;
  readonly step: UpgradeStep;
}

/**
 * Whether the step at `index` may start now, with `inFlight` running and at most
 * `limit` node-group updates at a time. Nothing starts beside a step that does not
 * run in parallel; a parallel step joins only the run of consecutive parallel steps
 * it belongs to (no other kind between it and every step in flight), never a second
 * update on the same resource, and only below the limit.
 */
export function mayStart(
  steps: readonly UpgradeStep[],
  index: number,
  inFlight: readonly StepInFlight[],
  limit: number,
): boolean {
  const step = steps[index];
  if (step === undefined || step.kind === 'gate') return false;
  if (inFlight.length === 0) return true;
  if (!runsInParallel(step) || inFlight.length >= Math.max(1, limit)) return false;
  return inFlight.every(
    (f) =>
      runsInParallel(f.step) &&
      resourceOf(f.step) !== resourceOf(step) &&
      steps.slice(Math.min(f.index, index), Math.max(f.index, index) + 1).every(runsInParallel),
  );
}

function resourceOf(step: UpgradeStep): string {
  return 'name' in step ? `${step.kind}:${step.name}` : step.kind;
}
