import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidSnapshotError } from '../../domain/errors';
import { type EnvironmentSnapshot, parseSnapshot } from '../../domain/snapshot';
import { SandboxMetricsReader } from '../metrics';
import { getScenario, type Scenario } from '../scenarios';
import { defaultStateDir, JsonStateFile } from '../state-store';
import { SandboxInsightsReader, SandboxSnapshotReader, SandboxUpdateRunner } from './adapters';
import {
  SandboxClusterProvisioner,
  SandboxTrafficShifter,
  SandboxWorkloadReadiness,
} from './blue-green-adapters';
import type { Clock } from './clock';
import { SandboxNodegroupLifecycle } from './nodegroup-adapter';
import { WorldSession } from './session';
import type { SimulatedEks } from './simulated-eks';
import { type SandboxState, sandboxStateSchema } from './state';

/** The EKS world's file inside the state directory (other sandbox parts keep their own files). */
export const WORLD_FILE_NAME = 'eks-world.json';

export interface SandboxWorldOptions {
  /** A snapshot to start from (validated with parseSnapshot). */
  readonly snapshot?: unknown;
  /** Several clusters: a small fleet. */
  readonly snapshots?: readonly unknown[];
  /** A snapshot JSON file, read only when the world does not exist yet. */
  readonly snapshotFile?: string;
  /**
   * A scenario name (see scenarios.ts), or a scenario itself (the simulator's generated
   * ones); default: the stored world's, or `happy` for a new one.
   */
  readonly scenario?: string | Scenario;
  /** Default `.eks-upgrade-agent/sandbox` under the current directory. */
  readonly stateDir?: string;
  /** The base of virtual time; by default time stands still until `advance`. */
  readonly clock?: Clock;
  /** Virtual time zero of a new world; default the snapshot's capturedAt, else now. */
  readonly epoch?: Date;
}

/** The sandbox's adapters over one shared world, plus its controls. */
export interface SandboxWorld {
  readonly stateDir: string;
  readonly statePath: string;
  readonly snapshotReader: SandboxSnapshotReader;
  readonly updateRunner: SandboxUpdateRunner;
  readonly insightsReader: SandboxInsightsReader;
  /** CreateNodegroup / DeleteNodegroup / DescribeNodegroup: node groups rolled back by replacement. */
  readonly nodegroups: SandboxNodegroupLifecycle;
  readonly metricsReader: SandboxMetricsReader;
  /** Blue/green: CreateCluster/CreateAddon/CreateFargateProfile and their deletes. */
  readonly provisioner: SandboxClusterProvisioner;
  /** Blue/green: the world's Route 53 weighted records. */
  readonly traffic: SandboxTrafficShifter;
  /** Blue/green: green's health check. */
  readonly readiness: SandboxWorkloadReadiness;
  /** The port's Clock in virtual time: give it to handlers so events and windows follow the world. */
  readonly clock: Clock;
  /** Virtual time now. */
  now(): Date;
  /** Moves virtual time forward by `minutes`; updates that end meanwhile complete. Returns the new time. */
  advance(minutes: number): Date;
  /** The world's scenario (the stored one for an existing world). */
  scenario(): Scenario;
  /** A copy of the whole state: for reports (call counts, updates) and tests. */
  inspect(): SandboxState;
  /** Runs `fn` against the EKS API directly (the state is saved afterwards), for tests and tools. */
  withEks<T>(fn: (eks: SimulatedEks) => T): T;
}

/**
 * Builds the sandbox world's adapters. Touches no file until the first call, so
 * handlers can build it at module scope; the first call creates the world from the
 * snapshot when the state directory has none, and every later call, in any
 * process, uses the stored world.
 * @throws UnknownScenarioError for a scenario name that does not exist.
 * @throws InvalidSnapshotError for an inline snapshot that is not valid.
 */
export function createSandboxWorld(options: SandboxWorldOptions = {}): SandboxWorld {
  const scenario = typeof options.scenario === 'string' ? getScenario(options.scenario) : options.scenario;
  const inline = [
    ...(options.snapshot !== undefined ? [options.snapshot] : []),
    ...(options.snapshots ?? []),
  ].map(parseSnapshot);
  const stateDir = options.stateDir ?? defaultStateDir();
  const file = new JsonStateFile(join(stateDir, WORLD_FILE_NAME), (raw) => sandboxStateSchema.parse(raw));
  const session = new WorldSession({
    file,
    snapshots: () =>
      options.snapshotFile !== undefined ? [...inline, readSnapshotFile(options.snapshotFile)] : inline,
    ...(scenario ? { scenario } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.epoch ? { epoch: options.epoch } : {}),
  });
  const now = () => session.run(undefined, ({ now: current }) => current);
  return {
    stateDir,
    statePath: file.path,
    snapshotReader: new SandboxSnapshotReader(session),
    updateRunner: new SandboxUpdateRunner(session),
    insightsReader: new SandboxInsightsReader(session),
    nodegroups: new SandboxNodegroupLifecycle(session),
    metricsReader: new SandboxMetricsReader(session),
    provisioner: new SandboxClusterProvisioner(session),
    traffic: new SandboxTrafficShifter(session),
    readiness: new SandboxWorkloadReadiness(session),
    clock: { now },
    now,
    advance: (minutes) => session.advance(minutes),
    scenario: () => session.run(undefined, ({ scenario: current }) => current),
    inspect: () => session.run(undefined, ({ state }) => structuredClone(state)),
    withEks: (fn) => session.run(undefined, ({ eks }) => fn(eks)),
  };
}

/** Deletes the EKS world in `stateDir`, so the next call starts a new one from its snapshot. */
export function resetSandbox(stateDir: string = defaultStateDir()): void {
  new JsonStateFile(join(stateDir, WORLD_FILE_NAME), (raw) => raw).remove();
}

/** @throws InvalidSnapshotError when the file cannot be read, is not JSON or not a snapshot. */
function readSnapshotFile(path: string): EnvironmentSnapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidSnapshotError(`cannot read snapshot file ${path}: ${reason}`);
  }
  return parseSnapshot(raw);
}
