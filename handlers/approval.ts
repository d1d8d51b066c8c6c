import { approvalPhase } from '../lib/phases/approval';
import { awsArtifacts, awsClock, awsEvents } from '../lib/wiring/aws';
import { lambdaHandler } from '../lib/wiring/lambda';

/**
 * AwaitApproval (with a task token), RecordApproval and RecordRejection: asks for a
 * person's approval and records the answer. Logic: lib/phases/approval.ts.
 */
export const handler = lambdaHandler(
  'approval',
  (env) => ({ artifacts: awsArtifacts(env), events: awsEvents(env), clock: awsClock() }),
  (event, deps) => approvalPhase(event, deps, { stage: process.env.EKS_UPGRADE_AGENT_STAGE || 'local' }),
);
