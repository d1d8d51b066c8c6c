import { AgentError } from '../../domain/errors';

/**
 * An event pattern that EventBridge would refuse at `PutRule` / `TestEventPattern`.
 *
 * Extends the project's {@link AgentError} (itself an `Error`) so the CLI reports it as bad
 * input (exit 2) without special-casing. The message mirrors AWS's
 * "Event pattern is not valid. Reason: ..." and adds the JSON path of the offending node,
 * which AWS reports only as a line/column of the raw text.
 */
export class InvalidEventPatternError extends AgentError {
  override readonly name = 'InvalidEventPatternError';
  readonly retryable = false;

  /**
   * @param reason - why the pattern is invalid, worded like Event Ruler's reasons where one exists.
   * @param path - JSONPath-style location of the offending node, e.g. `$.detail.state[0]`.
   */
  constructor(
    readonly reason: string,
    readonly path: string,
  ) {
    super(`Event pattern is not valid. Reason: ${reason} (at ${path})`);
  }
}
