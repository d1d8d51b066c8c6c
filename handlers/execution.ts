import { executePhase } from '../lib/phases/execution';
import {
  awsArtifacts,
  awsClock,
  awsConfig,
  awsEvents,
  awsExecutionTimeoutSeconds,
  awsInsights,
  awsUpdates,
} from '../lib/wiring/aws';
import { lambdaHandler } from '../lib/wiring/lambda';

/** ExecutionPhase: starts the next EKS update or polls the one in flight. Logic: lib/phases/execution.ts. */
export const handler = lambdaHandler(
  'execution',
  (env) => ({
    updates: awsUpdates(),
    insights: awsInsights(),
    artifacts: awsArtifacts(env),
    config: awsConfig(env),
    events: awsEvents(env),
    clock: awsClock(),
    executionTimeoutSeconds: awsExecutionTimeoutSeconds(env),
  }),
  (event, deps) => executePhase(event, deps),
);
