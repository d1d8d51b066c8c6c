import type { MetricsSourceConfig } from '../domain/config';
import type {
  ArtifactStore,
  Clock,
  ClusterLock,
  ClusterProvisioner,
  ConfigSource,
  ControlPlaneRollback,
  EventPublisher,
  InsightsReader,
  MetricsReader,
  NodegroupLifecycle,
  SnapshotReader,
  TrafficShifter,
  UpdateRunner,
  WorkloadReadiness,
} from '../ports';

/** Everything a phase touches of the world, as ports. `lib/wiring` builds one per backend. */
export interface PhaseDeps {
  readonly snapshots: SnapshotReader;
  readonly updates: UpdateRunner;
  readonly insights: InsightsReader;
  readonly controlPlaneRollback: ControlPlaneRollback;
  /** Create, delete, describe node groups: a node group goes back by replacement. */
  readonly nodegroups: NodegroupLifecycle;
  /** Blue/green: creates and deletes clusters, add-ons and Fargate profiles. */
  readonly provisioner: ClusterProvisioner;
  /** Blue/green: Route 53 weighted records. */
  readonly traffic: TrafficShifter;
  /** Blue/green: green's health check. */
  readonly readiness: WorkloadReadiness;
  readonly events: EventPublisher;
  /** The metrics reader for a configured source; undefined for `type: none`. */
  readonly metricsFor: (source: MetricsSourceConfig) => MetricsReader | undefined;
  readonly artifacts: ArtifactStore;
  readonly locks: ClusterLock;
  readonly config: ConfigSource;
  readonly clock: Clock;
  /**
   * The state machine's TimeoutSeconds (statemachines/upgrade.asl.yml): the time an
   * execution has. Read from that file, never restated (serverless.yml passes it to the
   * execution function as EXECUTION_TIMEOUT_SECONDS; the sandbox reads the file it runs).
   */
  readonly executionTimeoutSeconds: number;
}

/** What each phase touches: a handler's bundle then carries only these adapters' SDK clients. */
export type PerceptionDeps = Pick<PhaseDeps, 'snapshots' | 'artifacts' | 'events' | 'clock'>;
export type ReasoningDeps = Pick<PhaseDeps, 'artifacts' | 'config' | 'events' | 'clock'>;
export type ExecutionDeps = Pick<
  PhaseDeps,
  'updates' | 'insights' | 'artifacts' | 'config' | 'events' | 'clock' | 'executionTimeoutSeconds'
>;
export type ValidationDeps = Pick<
  PhaseDeps,
  'snapshots' | 'metricsFor' | 'artifacts' | 'locks' | 'config' | 'events' | 'clock'
>;
export type RollbackDeps = Pick<
  PhaseDeps,
  | 'snapshots'
  | 'controlPlaneRollback'
  | 'updates'
  | 'nodegroups'
  | 'artifacts'
  | 'locks'
  | 'config'
  | 'events'
  | 'clock'
>;
export type BlueGreenDeps = Pick<
  PhaseDeps,
  | 'snapshots'
  | 'provisioner'
  | 'nodegroups'
  | 'traffic'
  | 'readiness'
  | 'metricsFor'
  | 'artifacts'
  | 'locks'
  | 'config'
  | 'events'
  | 'clock'
>;
/** The trigger's artifacts: only the refusals of requests for a busy cluster. */
export type TriggerDeps = Pick<PhaseDeps, 'locks' | 'config' | 'events' | 'clock' | 'artifacts'>;
