import { validatePhase } from '../lib/phases/validation';
import {
  awsArtifacts,
  awsClock,
  awsConfig,
  awsEvents,
  awsLocks,
  awsMetricsFor,
  awsSnapshots,
} from '../lib/wiring/aws';
import { lambdaHandler } from '../lib/wiring/lambda';

/** ValidationPhase: at the target, healthy, within the SLOs? Logic: lib/phases/validation.ts. */
export const handler = lambdaHandler(
  'validation',
  (env) => {
    const clock = awsClock();
    return {
      snapshots: awsSnapshots(),
      metricsFor: awsMetricsFor(),
      artifacts: awsArtifacts(env),
      locks: awsLocks(env, clock),
      config: awsConfig(env),
      events: awsEvents(env),
      clock,
    };
  },
  (event, deps) => validatePhase(event, deps),
);
