import type { MetricsSourceConfig } from '../domain/config';
import type {
  ArtifactStore,
  Clock,
  ClusterLock,
  ConfigSource,
  ControlPlaneRollback,
  EventPublisher,
  MetricsReader,
  SnapshotReader,
  UpdateRunner,
} from '../ports';

/** Everything a phase touches of the world, as ports. `lib/wiring` builds one per backend. */
export interface PhaseDeps {
  readonly snapshots: SnapshotReader;
  readonly updates: UpdateRunner;
  readonly controlPlaneRollback: ControlPlaneRollback;
  readonly events: EventPublisher;
  /** The metrics reader for a configured source; undefined for `type: none`. */
  readonly metricsFor: (source: MetricsSourceConfig) => MetricsReader | undefined;
  readonly artifacts: ArtifactStore;
  readonly locks: ClusterLock;
  readonly config: ConfigSource;
  readonly clock: Clock;
}
