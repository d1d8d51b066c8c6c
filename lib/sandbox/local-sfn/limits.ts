/**
 * Step Functions' and EventBridge's limits, as the sandbox enforces them (Step
 * Functions service quotas; EventBridge "Calculating PutEvents event entry size").
 */

/** Step Functions' quota for an execution's input and for any state's input or output. */
export const MAX_PAYLOAD_BYTES = 262_144;

/** Events in one execution's history: at this count Step Functions fails the execution. */
export const MAX_HISTORY_EVENTS = 25_000;

/** An EventBridge PutEvents entry, sized as EventBridge sizes it (lib/aws/eventbridge/entries.ts). */
export const MAX_EVENT_ENTRY_BYTES = 262_144;

/** The state machine's own TimeoutSeconds when its definition sets none: Step Functions' one year. */
export const DEFAULT_EXECUTION_TIMEOUT_SECONDS = 31_536_000;

/**
 * History events a state adds, by what happens in it, as Step Functions writes them
 * (HistoryEvent types in the API reference):
 * - the execution: ExecutionStarted, and one of ExecutionSucceeded/Failed/TimedOut/Aborted;
 * - every state entered: <Type>StateEntered; every state left: <Type>StateExited
 *   (a Fail state is entered and never left; a Task whose error is caught is not exited
 *   either: its StateExited is what the local library reports, counted as it comes);
 * - every Lambda call of a Task, retries included: LambdaFunctionScheduled,
 *   LambdaFunctionStarted and LambdaFunctionSucceeded or LambdaFunctionFailed.
 */
export const HISTORY_EVENTS = {
  executionStarted: 1,
  executionEnded: 1,
  stateEntered: 1,
  stateExited: 1,
  lambdaCall: 3,
} as const;
