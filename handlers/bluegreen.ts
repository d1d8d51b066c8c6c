import { blueGreenPhase } from '../lib/phases/blue-green';
import {
  awsArtifacts,
  awsClock,
  awsConfig,
  awsEvents,
  awsMetricsFor,
  awsNodegroups,
  awsProvisioner,
  awsReadiness,
  awsSnapshots,
  awsTraffic,
} from '../lib/wiring/aws';
import { awsLocks } from '../lib/wiring/aws-locks';
import { lambdaHandler } from '../lib/wiring/lambda';

/** BlueGreenPhase: provision green, shift traffic, judge green, revert or decommission. Logic: lib/phases/blue-green.ts. */
export const handler = lambdaHandler(
  'bluegreen',
  (env) => {
    const clock = awsClock();
    return {
      snapshots: awsSnapshots(),
      provisioner: awsProvisioner(),
      nodegroups: awsNodegroups(),
      traffic: awsTraffic(),
      readiness: awsReadiness(),
      metricsFor: awsMetricsFor(),
      artifacts: awsArtifacts(env),
      locks: awsLocks(env, clock),
      config: awsConfig(env),
      events: awsEvents(env),
      clock,
    };
  },
  (event, deps) => blueGreenPhase(event, deps),
);
