import { AgentError } from '../domain/errors';

/** The command line itself is wrong: a missing file, an unknown option value. Exit code 2. */
export class CliUsageError extends AgentError {
  override readonly name = 'CliUsageError';
  readonly retryable = false;
}

/** Exit codes, the CLI's contract with scripts and CI jobs. */
export const EXIT = {
  ok: 0,
  failed: 1,
  badInput: 2,
  blocked: 3,
  /** `run`: the request id had started an upgrade already; it is reported and nothing starts. */
  duplicate: 4,
  /** `run`: the upgrade waits for a person's approval (approval/mode required). */
  awaitingApproval: 5,
} as const;
