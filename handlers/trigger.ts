import { triggerUpgrade } from '../lib/phases/trigger';
import { awsArtifacts, awsClock, awsConfig, awsEvents, awsStarter } from '../lib/wiring/aws';
import { awsLocks } from '../lib/wiring/aws-locks';
import { lambdaHandler } from '../lib/wiring/lambda';

/**
 * The trigger Lambda, target of the upgrade-trigger rule: one upgrade.requested
 * event becomes one execution with a deterministic name, after the cluster lock
 * is taken (a busy cluster gets upgrade.failed, never a second execution; the
 * refusal is written to the artifact bucket, so a repeat of it is refused alike).
 */
export const handler = lambdaHandler(
  'trigger',
  (env) => {
    const clock = awsClock();
    return {
      locks: awsLocks(env, clock),
      config: awsConfig(env),
      events: awsEvents(env),
      clock,
      artifacts: awsArtifacts(env),
      starter: awsStarter(env),
    };
  },
  (event, deps) => triggerUpgrade(event, deps),
);
