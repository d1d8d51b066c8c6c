import { AgentError } from '../../domain/errors';
import type { EnvironmentSnapshot } from '../../domain/snapshot';
import { getScenario, type SandboxOperation, type Scenario } from '../scenarios';
import type { JsonStateFile } from '../state-store';
import { type Clock, virtualNow } from './clock';
import { ThrottlingException } from './errors';
import { addCluster, emptyState } from './seed';
import { SimulatedEks } from './simulated-eks';
import type { SandboxState } from './state';

/** The world has no state yet and was given no snapshot to start from. */
export class SandboxNotInitializedError extends AgentError {
  override readonly name = 'SandboxNotInitializedError';
  readonly retryable = false;
  constructor(path: string) {
    super(
      `no sandbox world at ${path} and no snapshot to create one from; pass a snapshot (or snapshot file)`,
    );
  }
}

/** The state directory holds a world of another scenario than the one asked for. */
export class SandboxStateConflictError extends AgentError {
  override readonly name = 'SandboxStateConflictError';
  readonly retryable = false;
  constructor(path: string, stored: string, requested: string) {
    super(
      `the sandbox world at ${path} runs scenario "${stored}", not "${requested}"; reset the sandbox (resetSandbox) to start a new world`,
    );
  }
}

export interface WorldSessionOptions {
  readonly file: JsonStateFile<SandboxState>;
  /** Read only when there is no state yet, so later processes never re-read the snapshot. */
  readonly snapshots: () => readonly EnvironmentSnapshot[];
  /** The scenario asked for; undefined accepts whatever the state holds (happy for a new world). */
  readonly scenario?: Scenario;
  /** The base of virtual time; when absent, time stands still at the world's epoch until advanced. */
  readonly clock?: Clock;
  /** Virtual time zero of a new world; default the snapshot's capturedAt, else the real time now. */
  readonly epoch?: Date;
}

/** What an operation sees: the state (to change in place), virtual now, the scenario and EKS. */
export interface OperationContext {
  readonly state: SandboxState;
  readonly now: Date;
  readonly scenario: Scenario;
  readonly eks: SimulatedEks;
}

/**
 * One operation on the world at a time: load the state file (or create the world),
 * settle what virtual time has finished, apply the scenario's throttling, run the
 * operation, save. All synchronous, so operations of one process never interleave
 * (see state-store.ts), and holding the world file's lock, so neither do operations
 * of two processes.
 */
export class WorldSession {
  constructor(private readonly options: WorldSessionOptions) {}

  /**
   * Runs `fn` against the world; `operation` names the call for counting and throttling.
   * @throws ThrottlingException when the scenario throttles this call.
   */
  run<T>(operation: SandboxOperation | undefined, fn: (context: OperationContext) => T): T {
    return this.options.file.locked(() => this.runLocked(operation, fn));
  }

  private runLocked<T>(operation: SandboxOperation | undefined, fn: (context: OperationContext) => T): T {
    const state = this.load();
    const scenario = this.scenarioOf(state);
    const now = virtualNow(state.clock, this.options.clock);
    const eks = SimulatedEks.at(state, now, scenario);
    try {
      if (operation !== undefined) {
        const calls = (state.calls[operation] ?? 0) + 1;
        state.calls[operation] = calls;
        const throttle = scenario.throttle;
        if (
          calls <= (throttle?.firstCalls[operation] ?? 0) ||
          throttle?.calls?.[operation]?.includes(calls)
        ) {
          throw new ThrottlingException('Rate exceeded');
        }
      }
      return fn({ state, now, scenario, eks });
    } finally {
      this.options.file.save(state);
    }
  }

  /** Moves virtual time forward (a runner compressing a Wait state calls this). */
  advance(minutes: number): Date {
    if (!Number.isFinite(minutes) || minutes < 0) {
      throw new RangeError(`virtual time only moves forward: ${minutes} minutes`);
    }
    return this.run(undefined, ({ state }) => {
      state.clock = { ...state.clock, offsetMinutes: state.clock.offsetMinutes + minutes };
      const now = virtualNow(state.clock, this.options.clock);
      // Settle at the new time now, so the saved state already shows what finished.
      SimulatedEks.at(state, now, this.scenarioOf(state));
      return now;
    });
  }

  /** The scenario given (a generated one is not among the named ones), else the stored world's by name. */
  private scenarioOf(state: SandboxState): Scenario {
    const given = this.options.scenario;
    return given !== undefined && given.name === state.scenario ? given : getScenario(state.scenario);
  }

  private load(): SandboxState {
    const { file, scenario } = this.options;
    const stored = file.load();
    if (stored) {
      if (scenario && stored.scenario !== scenario.name) {
        throw new SandboxStateConflictError(file.path, stored.scenario, scenario.name);
      }
      return stored;
    }
    const snapshots = this.options.snapshots();
    const first = snapshots[0];
    if (!first) throw new SandboxNotInitializedError(file.path);
    const epoch = this.options.epoch ?? (first.capturedAt ? new Date(first.capturedAt) : new Date());
    const chosen = scenario ?? getScenario('happy');
    const state = emptyState(chosen, epoch);
    const now = virtualNow(state.clock, this.options.clock);
    for (const snapshot of snapshots) addCluster(state, snapshot, chosen, now);
    return state;
  }
}
