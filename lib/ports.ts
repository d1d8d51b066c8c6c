import type {
  CreateAddonInput,
  CreateClusterInput,
  CreateFargateProfileInput,
  WeightedTarget,
} from './domain/blue-green';
import type { AgentConfig } from './domain/config';
import type { DomainEvent } from './domain/events';
import type { CreateNodegroupInput } from './domain/nodegroup-replacement';
import type { UpgradeStep } from './domain/plan-types';
import type { EnvironmentSnapshot, Insight, Nodegroup } from './domain/snapshot';

/**
 * Ports: the narrow interfaces handlers need from the outside world.
 * `lib/aws` implements them with AWS SDK v3; `lib/sandbox` implements them locally.
 */

/** Reads a cluster into an environment snapshot. */
export interface SnapshotReader {
  /**
   * @param targetVersion when given, add-on compatibility data is trimmed to the
   *   versions between the cluster's current version and this one.
   */
  readSnapshot(clusterName: string, options?: { targetVersion?: string }): Promise<EnvironmentSnapshot>;
}

/**
 * A cluster's upgrade-readiness insights, read again between hops: an insight that
 * warned about a later version turns to ERROR once the cluster is one minor below it.
 */
export interface InsightsReader {
  /** ListInsights + DescribeInsight (UPGRADE_READINESS), as AWS reports them now. */
  readInsights(clusterName: string): Promise<Insight[]>;
  /**
   * StartInsightsRefresh: EKS re-runs its checks now instead of 24 h after the last
   * refresh. Asynchronous: the results show in a later read.
   */
  refreshInsights(clusterName: string): Promise<void>;
}

/** EKS update statuses, as DescribeUpdate reports them. */
export type UpdateState = 'InProgress' | 'Successful' | 'Failed' | 'Cancelled';

export interface UpdateError {
  /** EKS's error code: PodEvictionFailure, InsufficientFreeAddresses, ... */
  readonly code: string;
  readonly message: string;
  readonly resourceIds: readonly string[];
}

export interface UpdateStatus {
  readonly updateId: string;
  readonly state: UpdateState;
  readonly type?: string;
  readonly errors: readonly UpdateError[];
}

/** Identifies an update in flight: DescribeUpdate needs the node group or add-on name too. */
export interface UpdateRef {
  readonly clusterName: string;
  readonly updateId: string;
  readonly nodegroupName?: string;
  readonly addonName?: string;
}

/** The result of asking EKS to start a step. Busy is not a failure: wait and ask again. */
export type StartStepOutcome =
  | { readonly kind: 'started'; readonly update: UpdateRef }
  | { readonly kind: 'busy'; readonly message: string };

export interface StartStepOptions {
  /** Derived from the upgrade id and the step id, so a retried call never starts a second update. */
  readonly clientRequestToken: string;
  /** Passed to EKS as `force` (control plane: failing insights; node group: PDB eviction failures). */
  readonly force: boolean;
  /** Add-on steps: UpdateAddon `resolveConflicts` (configuration); the runner's default otherwise. */
  readonly resolveConflicts?: 'NONE' | 'OVERWRITE' | 'PRESERVE';
}

/** Starts and follows EKS updates (in-place step kinds only). */
export interface UpdateRunner {
  /**
   * @throws ReadinessCheckFailedError when EKS refuses for failing readiness insights.
   * @throws UnsupportedStepError for step kinds this runner cannot start.
   */
  startStep(clusterName: string, step: UpgradeStep, options: StartStepOptions): Promise<StartStepOutcome>;
  describeUpdate(ref: UpdateRef): Promise<UpdateStatus>;
}

/** Publishes domain events to the bus. */
export interface EventPublisher {
  /** @throws EventDeliveryError when an event still cannot be delivered after re-sending. */
  publish(events: readonly DomainEvent[]): Promise<void>;
}

/** A metric reading: no samples means unknown, never healthy. */
export interface MetricReading {
  readonly value: number | null;
  readonly sampleCount: number;
}

export interface ValidationMetrics {
  readonly errorRate: MetricReading;
  readonly latencyP99: MetricReading;
}

/** Reads the service-level metrics that validation judges. */
export interface MetricsReader {
  readValidationMetrics(query: {
    readonly clusterName: string;
    readonly start: Date;
    readonly end: Date;
  }): Promise<ValidationMetrics>;
}

export interface ControlPlaneRollbackOptions {
  readonly clientRequestToken: string;
  /**
   * EKS's RollbackConfig.timeoutMinutes: how long EKS keeps trying before it
   * cancels the rollback (120-10080; EKS's default 720 when absent).
   */
  readonly timeoutMinutes?: number;
}

/**
 * Starts EKS's control-plane version rollback: UpdateClusterVersion to the previous
 * minor, which EKS records as a `VersionRollback` update (follow it with describeUpdate).
 */
export interface ControlPlaneRollback {
  /**
   * @throws ReadinessCheckFailedError when EKS's rollback-readiness checks refuse it.
   * @throws RollbackUnavailableError when EKS offers no rollback (no in-place upgrade, 7 days passed).
   */
  startControlPlaneRollback(
    clusterName: string,
    toVersion: string,
    options: ControlPlaneRollbackOptions,
  ): Promise<StartStepOutcome>;
}

/** CreateNodegroup's answer: `exists` when a retry finds the group its first call created. */
export type CreateNodegroupOutcome = { readonly kind: 'created' } | { readonly kind: 'exists' };

/** DeleteNodegroup's answer: EKS is draining it, it is gone already, or another update holds it. */
export type DeleteNodegroupOutcome =
  | { readonly kind: 'deleting' }
  | { readonly kind: 'gone' }
  | { readonly kind: 'busy'; readonly message: string };

/**
 * Creates, deletes and reads managed node groups: how a node group goes back to a
 * previous version (EKS does not downgrade one in place).
 */
export interface NodegroupLifecycle {
  /** Idempotent: the same name and client request token a second time is `exists`, never a second group. */
  createNodegroup(input: CreateNodegroupInput): Promise<CreateNodegroupOutcome>;
  deleteNodegroup(clusterName: string, nodegroupName: string): Promise<DeleteNodegroupOutcome>;
  /** The node group now (DescribeNodegroup), or undefined when EKS does not know it (deleted). */
  describeNodegroup(clusterName: string, nodegroupName: string): Promise<Nodegroup | undefined>;
}

/** A created resource's answer: `exists` when a retry finds what its first call created. */
export type CreateOutcome = CreateNodegroupOutcome;
/** A delete's answer: under way, gone already, or held by another operation. */
export type DeleteOutcome = DeleteNodegroupOutcome;

/** A cluster, add-on or Fargate profile as EKS describes it while it is created or deleted. */
export interface ResourceState {
  /** EKS's status: CREATING, ACTIVE, CREATE_FAILED, FAILED, DELETING, ... */
  readonly status: string;
  /** The cluster's Kubernetes version, or the add-on's version. */
  readonly version?: string;
  /** What EKS says is wrong (health issues), when anything. */
  readonly issues: readonly string[];
}

/**
 * Creates and deletes whole clusters and their parts (blue/green): CreateCluster,
 * CreateAddon, CreateFargateProfile, their Describe and Delete. Node groups go
 * through NodegroupLifecycle. Every create is idempotent by name and client request
 * token; every describe answers undefined for what EKS does not know (deleted).
 */
export interface ClusterProvisioner {
  createCluster(input: CreateClusterInput): Promise<CreateOutcome>;
  describeCluster(name: string): Promise<ResourceState | undefined>;
  /** EKS refuses while node groups or Fargate profiles remain: `busy`. */
  deleteCluster(name: string): Promise<DeleteOutcome>;
  createAddon(input: CreateAddonInput): Promise<CreateOutcome>;
  describeAddon(clusterName: string, addonName: string): Promise<ResourceState | undefined>;
  deleteAddon(clusterName: string, addonName: string): Promise<DeleteOutcome>;
  createFargateProfile(input: CreateFargateProfileInput): Promise<CreateOutcome>;
  describeFargateProfile(clusterName: string, profileName: string): Promise<ResourceState | undefined>;
  deleteFargateProfile(clusterName: string, profileName: string): Promise<DeleteOutcome>;
}

/** The weighted record pair of one service name in one hosted zone. */
export interface WeightedRecord {
  readonly hostedZoneId: string;
  readonly recordName: string;
}

/** Moves traffic between blue and green: Route 53 weighted records. */
export interface TrafficShifter {
  /** Sets every listed record's weight in one change (UPSERT), so the two never disagree. */
  setWeights(
    record: WeightedRecord,
    targets: readonly WeightedTarget[],
    options: { readonly ttlSeconds: number },
  ): Promise<void>;
  /** The weighted records of that name now, by set identifier. */
  readWeights(record: WeightedRecord): Promise<WeightedTarget[]>;
}

/** Whether green serves: its workloads deployed (by GitOps or a pipeline) and healthy. */
export interface WorkloadReadiness {
  /** `url` is the configured health check with the cluster's name in it. */
  check(target: { readonly clusterName: string; readonly url: string }): Promise<{
    readonly ready: boolean;
    readonly detail: string;
  }>;
}

/**
 * Keeps the large documents of an upgrade (snapshot, plan, progress record) out
 * of the state machine's state: S3 in AWS, files in the sandbox.
 */
export interface ArtifactStore {
  putJson(key: string, value: unknown): Promise<void>;
  /** Undefined when there is no such artifact. */
  getJson(key: string): Promise<unknown>;
}

export type LockOutcome = { readonly acquired: true } | { readonly acquired: false; readonly heldBy: string };

/** One upgrade per cluster: a lock with an owner and an expiry, taken before an execution starts. */
export interface ClusterLock {
  /** Acquires, or re-acquires when `holder` already holds it (a duplicate request). */
  acquire(clusterName: string, holder: string, ttlSeconds: number): Promise<LockOutcome>;
  /** Releases the lock if `holder` holds it; otherwise does nothing. */
  release(clusterName: string, holder: string): Promise<void>;
}

/** Step Functions' execution statuses (PENDING_REDRIVE: a failed execution being redriven). */
export type ExecutionStatus =
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'TIMED_OUT'
  | 'ABORTED'
  | 'PENDING_REDRIVE';

/** An execution found under a name: its status, and whether it was started with the same input. */
export interface ExistingExecution {
  readonly executionArn: string;
  readonly status: ExecutionStatus;
  readonly sameInput: boolean;
}

/**
 * What a start of a named execution did. Execution names are unique (90 days in
 * AWS): the same name and input returns the execution that exists, another input is
 * a conflict (Step Functions' ExecutionAlreadyExists) and starts nothing.
 */
export type StartOutcome =
  | { readonly kind: 'started'; readonly executionArn: string }
  | { readonly kind: 'existing'; readonly executionArn: string; readonly status: ExecutionStatus }
  | { readonly kind: 'conflict'; readonly executionArn: string; readonly status: ExecutionStatus };

/** Starts and finds executions of the upgrade state machine by name. */
export interface ExecutionStarter {
  /** The execution named `name`, compared with `input`; undefined when there is none. */
  find(name: string, input: Record<string, unknown>): Promise<ExistingExecution | undefined>;
  start(name: string, input: Record<string, unknown>): Promise<StartOutcome>;
}

/** One execution of the upgrade state machine, as Step Functions reports it. */
export interface UpgradeExecution {
  /** The execution's name, which is the upgrade id. */
  readonly upgradeId: string;
  readonly executionArn: string;
  readonly status: ExecutionStatus;
  readonly startedAt: string;
  readonly stoppedAt?: string;
  /** The execution's input (`{ upgradeId, request }`), when it could be read. */
  readonly input?: Record<string, unknown>;
}

/** Reads executions of the upgrade state machine (the API's and the CLI's `status`). */
export interface ExecutionReader {
  /** The execution named `upgradeId`; undefined when there is none. */
  describe(upgradeId: string): Promise<UpgradeExecution | undefined>;
  /** The most recent executions, newest first, at most `limit`; only one cluster's when named. */
  list(options: { readonly clusterName?: string; readonly limit: number }): Promise<UpgradeExecution[]>;
}

/** An agent event as the bus delivered it (the EventBridge envelope's fields a reader needs). */
export interface RecordedEvent {
  readonly 'detail-type': string;
  readonly time: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** The events one upgrade published, from where the audit rule keeps them (the upgrade page's timeline). */
export interface EventHistory {
  /** Oldest first, at most a bounded number; empty when none are kept. */
  eventsOf(upgradeId: string): Promise<RecordedEvent[]>;
}

/** A person's answer to an upgrade that waits for approval. */
export interface ApprovalDecision {
  readonly approve: boolean;
  /** Who gave it: an IAM principal's ARN in AWS, the local user in the sandbox. */
  readonly by: string;
  readonly comment?: string;
}

/**
 * Answers the approval an upgrade waits for (the state machine's AwaitApproval task
 * token): approve lets it go on, reject ends it.
 * @throws NotAwaitingApprovalError when the upgrade does not wait for an approval
 *   (unknown, ended, not at AwaitApproval, already answered or timed out).
 */
export interface ApprovalDecider {
  decide(upgradeId: string, decision: ApprovalDecision): Promise<void>;
}

/** Loads the agent configuration (cached inside Lambdas). */
export interface ConfigSource {
  /** @throws InvalidConfigError naming the bad key. */
  load(): Promise<AgentConfig>;
}

/** The only clock handlers use, so the sandbox can run in virtual time. */
export interface Clock {
  now(): Date;
}
