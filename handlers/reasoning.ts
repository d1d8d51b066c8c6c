import { reasonPhase } from '../lib/phases/reasoning';
import { awsArtifacts, awsClock, awsConfig, awsEvents } from '../lib/wiring/aws';
import { lambdaHandler } from '../lib/wiring/lambda';

/** ReasoningPhase: preflight findings and a plan; a blocked plan throws. Logic: lib/phases/reasoning.ts. */
export const handler = lambdaHandler(
  'reasoning',
  (env) => ({
    artifacts: awsArtifacts(env),
    config: awsConfig(env),
    events: awsEvents(env),
    clock: awsClock(),
  }),
  (event, deps) => reasonPhase(event, deps),
);
