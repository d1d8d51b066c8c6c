import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import { handleApiEvent } from '../lib/api/app';
import { sharedLogger } from '../lib/aws/logger';
import {
  awsApprovals,
  awsArtifacts,
  awsClock,
  awsEventHistory,
  awsExecutionReader,
  awsUpgradeRequests,
} from '../lib/wiring/aws';
import { lambdaHandler } from '../lib/wiring/lambda';

/**
 * The HTTP API (API Gateway HTTP API, IAM authorizer on every route): request an
 * upgrade, read its status (JSON, or one HTML page), list a cluster's recent ones,
 * approve or reject the one waiting at AwaitApproval. Answers every error as RFC
 * 9457 problem details (lib/api). Only the sandbox (stage `local`, serverless-offline,
 * which has no IAM authorizer) takes a request without a principal, as `local-user`.
 */
export const handler = lambdaHandler(
  'api',
  (env) => {
    const clock = awsClock();
    return {
      executions: awsExecutionReader(env),
      approvals: awsApprovals(env, clock),
      artifacts: awsArtifacts(env),
      requests: awsUpgradeRequests(env),
      history: awsEventHistory(env),
    };
  },
  (event, deps) =>
    handleApiEvent(event as APIGatewayProxyEventV2WithIAMAuthorizer, {
      ...deps,
      ...(process.env.EKS_UPGRADE_AGENT_BACKEND === 'sandbox' ? { anonymousCaller: 'local-user' } : {}),
      onInternalError: (error, request) =>
        sharedLogger().error('api request failed', {
          error: error as Error,
          method: request.method,
          path: request.path,
        }),
    }),
);
