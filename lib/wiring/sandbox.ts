import { resolve } from 'node:path';
import type { UpgradeRequester } from '../api/app';
import { InvalidConfigError } from '../domain/config';
import { EVENT_SOURCE } from '../domain/events';
import type { ApprovalDecider, EventHistory, ExecutionReader } from '../ports';
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
  const overrides = configOverridesFromEnv(env);
  const stack = createLocalStack({
    stateDir,
    ...(env.EKS_UPGRADE_AGENT_SCENARIO ? { scenario: env.EKS_UPGRADE_AGENT_SCENARIO } : {}),
    snapshotFile: resolve(base, env.EKS_UPGRADE_AGENT_SNAPSHOT || DEFAULT_SANDBOX_SNAPSHOT),
    ...(overrides ? { config: overrides } : {}),
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

/** The API's ports in the sandbox: the local stack's executions and approvals, and upgrade.requested put on the local bus. */
function operations(stack: LocalStack): {
  executions: ExecutionReader;
  approvals: ApprovalDecider;
  requests: UpgradeRequester;
  history: EventHistory;
} {
  return {
    executions: stack.executionReader,
    approvals: stack.approvals,
    history: stack.eventHistory,
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

/**
 * EKS_UPGRADE_AGENT_CONFIG: configuration overrides as JSON (the shape stored under
 * /eks-upgrade-agent/<stage>/config), e.g. {"approval":{"mode":"required"}} as
 * `npm run offline` sets it. Sandbox only.
 * @throws InvalidConfigError when it is not a JSON object.
 */
export function configOverridesFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> | undefined {
  const text = env.EKS_UPGRADE_AGENT_CONFIG;
  if (text === undefined || text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidConfigError(`EKS_UPGRADE_AGENT_CONFIG is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidConfigError(
      'EKS_UPGRADE_AGENT_CONFIG must be a JSON object, e.g. {"approval":{"mode":"required"}}',
    );
  }
  return parsed as Record<string, unknown>;
}
