/**
 * When to look again at an EKS update. EKS sends no progress events, so the end of
 * an update is seen only by polling DescribeUpdate, and every poll costs state
 * transitions and history events. The plan already says how long each step should
 * take (for a node group: minutes per node times its batches of `maxUnavailable`
 * nodes), and real updates end around that estimate, sometimes a little before it.
 * So nothing is looked at before EARLIEST_LOOK of the estimate; from there on, the
 * next look is after a small fraction of the time the update has taken so far. The
 * detection latency stays a bounded share of the step's duration however early or
 * late it ends, and the number of looks grows only with the logarithm of its length.
 * Goal (issue 11, `npm run bench:detection`): a mean latency under 2 % of the step's
 * duration with at most half the polls of a fixed 30 s interval. A step so short that
 * OVERDUE_FRACTION of it is below `minPollSeconds` (an add-on, 3 min) is seen at most
 * `minPollSeconds` late instead.
 */

export interface DetectionTuning {
  /** The shortest wait once looking (configuration `execution/minPollSeconds`). */
  readonly minPollSeconds: number;
  /** The longest (configuration `execution/maxPollSeconds`): a bound on any single wait. */
  readonly maxPollSeconds: number;
}

/** Share of the step's estimate before which an update is not looked at. */
export const EARLIEST_LOOK = 0.8;

/**
 * Share of the elapsed time waited between looks once looking. At 3 % the latency
 * averages about 1.5 % of the duration (half an interval) and is at most 3 %.
 */
export const OVERDUE_FRACTION = 0.03;

/**
 * Seconds to wait before the next look at an update started `elapsedSeconds` ago
 * whose step is estimated at `estimateSeconds`: the rest of the way to EARLIEST_LOOK
 * of the estimate while there is one (at most maxPollSeconds at a time), then
 * OVERDUE_FRACTION of the time taken so far, within [minPollSeconds, maxPollSeconds].
 * Always a whole number of seconds >= 1 (the state machine's Wait takes whole seconds).
 */
export function nextCheckSeconds(
  estimateSeconds: number,
  elapsedSeconds: number,
  tuning: DetectionTuning,
): number {
  const low = Math.max(1, Math.min(tuning.minPollSeconds, tuning.maxPollSeconds));
  const high = Math.max(low, tuning.maxPollSeconds);
  const remaining = Math.ceil(estimateSeconds * EARLIEST_LOOK - elapsedSeconds);
  // A rest shorter than the minimum is still waited exactly: the first look is due then.
  if (remaining >= 1) return Math.min(high, remaining);
  return Math.min(high, Math.max(low, Math.round(elapsedSeconds * OVERDUE_FRACTION)));
}
