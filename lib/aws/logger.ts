import { Logger } from '@aws-lambda-powertools/logger';

/** The part of Powertools Logger the adapters use; tests inject a spy. */
export type EdgeLogger = Pick<Logger, 'error' | 'warn' | 'info'>;

let shared: Logger | undefined;

/** One Powertools Logger for the AWS edge, created on first use (structured JSON in Lambda). */
export function defaultLogger(): EdgeLogger {
  shared ??= new Logger({ serviceName: 'eks-upgrade-agent' });
  return shared;
}
