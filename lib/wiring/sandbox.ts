import { resolve } from 'node:path';
import { createLocalStack } from '../sandbox/local-stack';
import { markStateDirIfNew } from '../sandbox/state-dir';
import type { AgentDeps, Wiring } from './wiring';

/** The demo cluster `npm start` and the sample events under events/samples use. */
export const DEFAULT_SANDBOX_SNAPSHOT = 'demo/snapshots/payments-prod-1.30.json';

/**
 * The handlers' sandbox wiring, for `sls invoke local --stage local` and
 * serverless-offline: the local stack in the state directory named by
 * EKS_UPGRADE_AGENT_STATE_DIR (default .eks-upgrade-agent/sandbox), so separate
 * invocations share one simulated cluster. After each invocation the events it
 * published are delivered to the rules' targets, as EventBridge would.
 */
export function sandboxWiringFromEnv(env: NodeJS.ProcessEnv): Wiring<AgentDeps> {
  const base = projectDir(env);
  const stateDir = resolve(base, env.EKS_UPGRADE_AGENT_STATE_DIR || '.eks-upgrade-agent/sandbox');
  // Marked, so that a later `run --sandbox` may start it afresh.
  markStateDirIfNew(stateDir);
  const stack = createLocalStack({
    stateDir,
    ...(env.EKS_UPGRADE_AGENT_SCENARIO ? { scenario: env.EKS_UPGRADE_AGENT_SCENARIO } : {}),
    snapshotFile: resolve(base, env.EKS_UPGRADE_AGENT_SNAPSHOT || DEFAULT_SANDBOX_SNAPSHOT),
  });
  return {
    backend: 'sandbox',
    deps: { ...stack.deps, once: stack.once, starter: stack.starter },
    afterInvoke: async () => {
      await stack.bus.drain();
    },
  };
}

/**
 * Relative paths are the project's: `sls invoke local` runs the bundle with the
 * build directory (.esbuild/.build) as its working directory, but leaves PWD, the
 * shell's directory, alone.
 */
function projectDir(env: NodeJS.ProcessEnv): string {
  return env.EKS_UPGRADE_AGENT_HOME || env.PWD || process.cwd();
}
