/**
 * When to look again at an EKS update. EKS sends no progress events, so the end of
 * an update is seen only by polling DescribeUpdate, and every poll costs state
 * transitions and history events. The plan already says how long each step should
 * take (for a node group: minutes per node times its batches of `maxUnavailable`
 * nodes), so the first look is at that estimate, not before it. An update that
 * overruns is looked at again after a small fraction of the time it has already
 * taken: the detection latency stays a bounded share of the step's duration
 * however long the tail, and the number of looks grows only with its logarithm.
 */

export interface DetectionTuning {
  /** The shortest wait the state machine is asked for (configuration `execution/minPollSeconds`). */
  readonly minPollSeconds: number;
  /** The longest (configuration `execution/maxPollSeconds`): a bound on the latency of a step that ends early. */
  readonly maxPollSeconds: number;
}

/**
 * Share of the elapsed time waited between looks at an overdue update. At 3 % the
 * latency averages about 1.5 % of the duration (half an interval) and is at most 3 %.
 */
export const OVERDUE_FRACTION = 0.03;

/**
 * Seconds to wait before the next look at an update started `elapsedSeconds` ago
 * whose step is estimated at `estimateSeconds`: the rest of the estimate while
 * there is one (at most maxPollSeconds at a time), then OVERDUE_FRACTION of the
 * time taken so far, within [minPollSeconds, maxPollSeconds]. Always a whole
 * number of seconds >= 1 (the state machine's Wait takes whole seconds).
 */
export function nextCheckSeconds(
  estimateSeconds: number,
  elapsedSeconds: number,
  tuning: DetectionTuning,
): number {
  const low = Math.max(1, Math.min(tuning.minPollSeconds, tuning.maxPollSeconds));
  const high = Math.max(low, tuning.maxPollSeconds);
  const remaining = Math.ceil(estimateSeconds - elapsedSeconds);
  // A rest shorter than the minimum is still waited exactly: it is the most likely end.
  if (remaining >= 1) return Math.min(high, remaining);
  return Math.min(high, Math.max(low, Math.round(elapsedSeconds * OVERDUE_FRACTION)));
}
