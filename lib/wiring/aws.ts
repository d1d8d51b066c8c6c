import type { UpgradeRequester } from '../api/app';
import { AuditLogEventHistory } from '../aws/cloudwatch/audit-log-history';
import { metricsReaderFor } from '../aws/cloudwatch/metrics-reader';
import { EksClusterProvisioner } from '../aws/eks/cluster-provisioner';
import { EksInsightsReader } from '../aws/eks/insights-reader';
import { EksNodegroupLifecycle } from '../aws/eks/nodegroup-lifecycle';
import { EksSnapshotReader } from '../aws/eks/snapshot-reader';
import { EksUpdateRunner } from '../aws/eks/update-runner';
import { createEventBridgeSdkClient } from '../aws/eventbridge/clients';
import { EventBridgeClient } from '../aws/eventbridge/event-bridge-client';
import { requestUpgrade } from '../aws/eventbridge/request-upgrade';
import { HttpWorkloadReadiness } from '../aws/http/health-check';
import { Route53TrafficShifter } from '../aws/route53/traffic-shifter';
import { S3ArtifactStore } from '../aws/s3/artifact-store';
import { createS3Client } from '../aws/s3/clients';
import { SsmConfigSource } from '../aws/ssm/config-source';
import { StepFunctionsApprovalDecider } from '../aws/stepfunctions/approval-decider';
import { createSfnClient } from '../aws/stepfunctions/clients';
import { StepFunctionsExecutionReader } from '../aws/stepfunctions/execution-reader';
import { stepFunctionsStarter } from '../aws/stepfunctions/execution-starter';
import { StepFunctionsClient } from '../aws/stepfunctions/step-functions-client';
import type { MetricsSourceConfig } from '../domain/config';
import type { PhaseDeps } from '../phases/deps';
import type { ExecutionStarter } from '../phases/trigger';
import type {
  ApprovalDecider,
  Clock,
  ClusterProvisioner,
  EventHistory,
  ExecutionReader,
  MetricsReader,
  TrafficShifter,
  WorkloadReadiness,
} from '../ports';
import { type AwsEnv, MissingEnvironmentError } from './env';

/**
 * The production adapters, one exported factory per port. A handler imports the
 * factories it needs (handlers/*.ts), so esbuild leaves every other SDK client out of its
 * bundle: the reasoning function carries no EKS or EC2 client.
 * The agent table's ports are in aws-locks.ts and aws-once.ts: their packages would
 * stay in a bundle through this file's imports alone. Each factory is called once per
 * container; its client is reused by every invocation.
 */
/** The wall clock. */
export const awsClock = (): PhaseDeps['clock'] => ({ now: () => new Date() });

export const awsSnapshots = (): PhaseDeps['snapshots'] => new EksSnapshotReader();

export const awsInsights = (): PhaseDeps['insights'] => new EksInsightsReader();

/** The update runner is also the control-plane rollback (both are EKS UpdateClusterVersion). */
export const awsUpdates = (): EksUpdateRunner => new EksUpdateRunner();

/** CreateNodegroup / DeleteNodegroup / DescribeNodegroup: rollback replaces node groups. */
export const awsNodegroups = (): PhaseDeps['nodegroups'] => new EksNodegroupLifecycle();

export const awsEvents = (env: AwsEnv): PhaseDeps['events'] =>
  new EventBridgeClient({ busName: env.EVENT_BUS_NAME });

export const awsArtifacts = (env: AwsEnv): PhaseDeps['artifacts'] =>
  new S3ArtifactStore({ client: createS3Client(), bucket: env.ARTIFACT_BUCKET });

export const awsConfig = (env: AwsEnv): PhaseDeps['config'] =>
  new SsmConfigSource({ stage: env.EKS_UPGRADE_AGENT_STAGE });

/** One CloudWatch reader per configured source, kept for the container's life. */
export function awsMetricsFor(): PhaseDeps['metricsFor'] {
  const readers = new Map<string, MetricsReader | undefined>();
  return (source: MetricsSourceConfig) => {
    const key = JSON.stringify(source);
    if (!readers.has(key)) readers.set(key, metricsReaderFor(source));
    return readers.get(key);
  };
}

/** A variable only some functions get: there, its absence is a mis-deployment, named. */
function required<K extends 'STATE_MACHINE_ARN' | 'EXECUTION_TIMEOUT_SECONDS' | 'AUDIT_LOG_GROUP'>(
  env: AwsEnv,
  name: K,
  why: string,
): NonNullable<AwsEnv[K]> {
  const value = env[name];
  if (value === undefined) throw new MissingEnvironmentError(`${name} is not set: ${why}`);
  return value as NonNullable<AwsEnv[K]>;
}

/** @throws MissingEnvironmentError when STATE_MACHINE_ARN is not set. */
export function awsStarter(env: AwsEnv): ExecutionStarter {
  const stateMachineArn = required(env, 'STATE_MACHINE_ARN', 'only the trigger function starts upgrades');
  return stepFunctionsStarter(new StepFunctionsClient(), stateMachineArn);
}

/** @throws MissingEnvironmentError when EXECUTION_TIMEOUT_SECONDS is not set. */
export function awsExecutionTimeoutSeconds(env: AwsEnv): number {
  return required(
    env,
    'EXECUTION_TIMEOUT_SECONDS',
    "serverless.yml gives the execution function the state machine's TimeoutSeconds",
  );
}

/** Blue/green: CreateCluster, CreateAddon, CreateFargateProfile, their Describe and Delete. */
export const awsProvisioner = (): ClusterProvisioner => new EksClusterProvisioner();

/** Blue/green: Route 53 weighted records. */
export const awsTraffic = (): TrafficShifter => new Route53TrafficShifter();

/** Blue/green: green's health check over HTTP. */
export const awsReadiness = (): WorkloadReadiness => new HttpWorkloadReadiness();

const API_MACHINE = 'serverless.yml gives the api function the state machine it reads and answers';

/** The API: DescribeExecution and ListExecutions of the upgrade state machine. */
export function awsExecutionReader(env: AwsEnv): ExecutionReader {
  return new StepFunctionsExecutionReader(createSfnClient(), required(env, 'STATE_MACHINE_ARN', API_MACHINE));
}

/** The API: the AwaitApproval task token from the history, SendTaskSuccess / SendTaskFailure. */
export function awsApprovals(env: AwsEnv, clock: Clock): ApprovalDecider {
  return new StepFunctionsApprovalDecider(
    createSfnClient(),
    required(env, 'STATE_MACHINE_ARN', API_MACHINE),
    clock,
  );
}

/** The API's upgrade page: an upgrade's events from the audit log group (FilterLogEvents). */
export function awsEventHistory(env: AwsEnv): EventHistory {
  return new AuditLogEventHistory(
    required(env, 'AUDIT_LOG_GROUP', 'serverless.yml gives the api function the audit log group it reads'),
  );
}

/** The API: upgrade.requested on the stage's bus, as `eks-upgrade-agent request` puts it. */
export function awsUpgradeRequests(env: AwsEnv): UpgradeRequester {
  const client = createEventBridgeSdkClient();
  return {
    request: async (detail) => {
      await requestUpgrade(client, env.EVENT_BUS_NAME, detail);
    },
  };
}
