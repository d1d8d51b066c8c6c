import { resolve } from 'node:path';
import type { UpgradeRequester } from '../api/app';
import { EVENT_SOURCE } from '../domain/events';
import type { ApprovalDecider, ExecutionReader } from '../ports';
import { createLocalStack, type LocalStack } from '../sandbox/local-stack';
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
    deps: { ...stack.deps, once: stack.once, starter: stack.starter, ...operations(stack) },
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

/**
 * The API's ports in the sandbox: the local stack's executions and approvals, and
 * upgrade.requested put on the local bus (the trigger rule takes it from there).
 * `executionReader` and `approvals` are members the approval work adds to LocalStack;
 * until it is merged they may be absent, and the API then says so instead of failing
 * to build (the one place that reads them).
 */
function operations(stack: LocalStack): {
  executions: ExecutionReader;
  approvals: ApprovalDecider;
  requests: UpgradeRequester;
} {
  const members = stack as LocalStack & { executionReader?: ExecutionReader; approvals?: ApprovalDecider };
  const missing = (what: string) => async (): Promise<never> => {
    throw new Error(`the sandbox's local stack has no ${what} yet`);
  };
  return {
    executions: members.executionReader ?? {
      describe: missing('executionReader'),
      list: missing('executionReader'),
    },
    approvals: members.approvals ?? { decide: missing('approvals') },
    requests: {
      request: async (detail) => {
        await stack.put({
          detailType: 'upgrade.requested',
          source: EVENT_SOURCE,
          detail,
        } as unknown as Parameters<LocalStack['put']>[0]);
      },
    },
  };
}
