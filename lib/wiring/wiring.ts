import type { Context } from 'aws-lambda';
import type { UpgradeRequester } from '../api/app';
import type { PhaseDeps } from '../phases/deps';
import type { OncePerUpgrade } from '../phases/rollback';
import type { ExecutionStarter } from '../phases/trigger';
import type { ApprovalDecider, EventHistory, ExecutionReader } from '../ports';

/** Every port a handler may need: the phases' ports, rollback's once-guard, the trigger's starter, the API's. */
export type AgentDeps = PhaseDeps & {
  /** Rollback reaches its effect once per upgrade id, whichever path calls it. */
  readonly once: OncePerUpgrade;
  /** Starts the upgrade state machine (the trigger function only). */
  readonly starter: ExecutionStarter;
  /** The upgrade executions (the api function only). */
  readonly executions: ExecutionReader;
  /** Answers AwaitApproval (the api function only). */
  readonly approvals: ApprovalDecider;
  /** Puts upgrade.requested on the stage's bus (the api function only). */
  readonly requests: UpgradeRequester;
  /** An upgrade's events, for its page (the api function only). */
  readonly history: EventHistory;
};

/** What a handler runs with, built once per Lambda container for one backend. */
export interface Wiring<D> {
  readonly backend: 'aws' | 'sandbox';
  readonly deps: D;
  /** Before each invocation (Powertools idempotency needs the invocation's remaining time). */
  readonly beforeInvoke?: (context: Context) => void;
  /**
   * After each invocation: the sandbox delivers what the invocation published to
   * the rules' targets (EventBridge does that on its own in AWS).
   */
  readonly afterInvoke?: () => Promise<void>;
}
