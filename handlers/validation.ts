import { validatePhase } from '../lib/phases/validation';
import { awsArtifacts, awsClock, awsConfig, awsEvents, awsMetricsFor, awsSnapshots } from '../lib/wiring/aws';
import { awsLocks } from '../lib/wiring/aws-locks';
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
