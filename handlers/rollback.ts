import { registerLambdaContext } from '../lib/aws/idempotency';
import { rollbackPhase } from '../lib/phases/rollback';
import {
  awsArtifacts,
  awsClock,
  awsConfig,
  awsEvents,
  awsNodegroups,
  awsSnapshots,
  awsUpdates,
} from '../lib/wiring/aws';
import { awsLocks } from '../lib/wiring/aws-locks';
import { awsOnce } from '../lib/wiring/aws-once';
import { lambdaHandler } from '../lib/wiring/lambda';

/**
 * The rollback Lambda: called by the state machine (TriggerRollback, HandleFailure)
 * and by the rollback-automation rule (validation.failure). Its effect happens once
 * per upgrade (Powertools idempotency on the agent table). Logic: lib/phases/rollback.ts.
 */
export const handler = lambdaHandler(
  'rollback',
  (env) => {
    const clock = awsClock();
    const updates = awsUpdates();
    return {
      snapshots: awsSnapshots(),
      controlPlaneRollback: updates,
      updates,
      nodegroups: awsNodegroups(),
      artifacts: awsArtifacts(env),
      locks: awsLocks(env, clock),
      config: awsConfig(env),
      events: awsEvents(env),
      clock,
      once: awsOnce(env),
    };
  },
  (event, deps) => rollbackPhase(event, deps, deps.once),
  { beforeInvoke: registerLambdaContext },
);
