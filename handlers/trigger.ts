import { triggerUpgrade } from '../lib/phases/trigger';
import { awsClock, awsConfig, awsEvents, awsStarter } from '../lib/wiring/aws';
import { awsLocks } from '../lib/wiring/aws-locks';
import { lambdaHandler } from '../lib/wiring/lambda';

/**
 * The trigger Lambda, target of the upgrade-trigger rule: one upgrade.requested
 * event becomes one execution with a deterministic name, after the cluster lock
 * is taken (a busy cluster gets upgrade.failed, never a second execution).
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
      starter: awsStarter(env),
    };
  },
  (event, deps) => triggerUpgrade(event, deps),
);
