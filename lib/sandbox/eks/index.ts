/**
 * The sandbox EKS: a simulated EKS world behind the same ports as lib/aws.
 * Start with `createSandboxWorld`.
 */
export {
  type RollbackOptions,
  SandboxInsightsReader,
  SandboxSnapshotReader,
  SandboxUpdateRunner,
} from './adapters';
export { type Clock, ManualClock } from './clock';
export * from './errors';
export { SandboxNodegroupLifecycle } from './nodegroup-adapter';
export { SandboxNotInitializedError, SandboxStateConflictError } from './session';
export type { SimulatedEks } from './simulated-eks';
export type { SandboxState, SimUpdate } from './state';
export type { EksUpdate } from './views';
export {
  createSandboxWorld,
  resetSandbox,
  type SandboxWorld,
  type SandboxWorldOptions,
  WORLD_FILE_NAME,
} from './world';
