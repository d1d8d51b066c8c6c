import type { Sleep } from '../backoff';
import { ExecutionWaitTimeoutError } from '../errors';
import { type ExecutionDescription, type ExecutionStatus, TERMINAL_STATUSES } from './execution-description';

export interface WaitOptions {
  /** Give up after this long. Default 2 hours: an upgrade of several hops takes that. */
  readonly timeoutMs?: number;
  /** First pause between polls. Default 5 s. */
  readonly initialDelayMs?: number;
  /** Longest pause between polls. Default 60 s. */
  readonly maxDelayMs?: number;
  /** Growth of the pause per poll. Default 1.5. */
  readonly factor?: number;
}

/** The seed's wait_for_execution result. */
export interface ExecutionResult {
  readonly status: ExecutionStatus;
  readonly output?: unknown;
  readonly error?: { readonly error?: string; readonly cause?: string };
}

/**
 * Polls `describe` until the execution reaches a terminal status. Pauses grow
 * from initialDelayMs by `factor` up to maxDelayMs and never overshoot the
 * deadline; this is for CLIs and scripts (inside the agent the state machine
 * waits, never a Lambda).
 * @throws ExecutionWaitTimeoutError when the deadline passes first.
 */
export async function waitForTerminal(
  describe: () => Promise<ExecutionDescription>,
  executionArn: string,
  options: WaitOptions,
  clock: { sleep: Sleep; now: () => number },
): Promise<ExecutionResult> {
  const timeoutMs = options.timeoutMs ?? 2 * 60 * 60 * 1000;
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  const factor = options.factor ?? 1.5;
  const start = clock.now();
  let delay = options.initialDelayMs ?? 5_000;
  for (;;) {
    const d = await describe();
    if (TERMINAL_STATUSES.has(d.status)) {
      const failed = d.error !== undefined || d.cause !== undefined;
      return {
        status: d.status,
        ...(d.output !== undefined ? { output: d.output } : {}),
        ...(failed
          ? { error: { ...(d.error ? { error: d.error } : {}), ...(d.cause ? { cause: d.cause } : {}) } }
          : {}),
      };
    }
    const remaining = timeoutMs - (clock.now() - start);
    if (remaining <= 0) throw new ExecutionWaitTimeoutError(executionArn, clock.now() - start);
    await clock.sleep(Math.min(delay, remaining));
    delay = Math.min(maxDelayMs, delay * factor);
  }
}
