import { perceive } from '../lib/phases/perception';
import { awsArtifacts, awsClock, awsEvents, awsSnapshots } from '../lib/wiring/aws';
import { lambdaHandler } from '../lib/wiring/lambda';

/** PerceptionPhase: reads the cluster into an environment snapshot. Logic: lib/phases/perception.ts. */
export const handler = lambdaHandler(
  'perception',
  (env) => ({
    snapshots: awsSnapshots(),
    artifacts: awsArtifacts(env),
    events: awsEvents(env),
    clock: awsClock(),
  }),
  (event, deps) => perceive(event, deps),
);
