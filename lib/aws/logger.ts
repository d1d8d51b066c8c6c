import { Logger } from '@aws-lambda-powertools/logger';

/** The part of Powertools Logger the adapters use; tests inject a spy. */
export type EdgeLogger = Pick<Logger, 'error' | 'warn' | 'info'>;

let shared: Logger | undefined;

/**
 * The one Powertools Logger of a function (structured JSON in Lambda), created on
 * first use: a cold start that never logs does not build it.
 */
export function sharedLogger(): Logger {
  shared ??= new Logger({ serviceName: 'eks-upgrade-agent' });
  return shared;
}

/** The AWS edge's logger (the shared one). */
export function defaultLogger(): EdgeLogger {
  return sharedLogger();
}
