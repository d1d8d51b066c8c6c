import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { sharedLogger } from '../aws/logger';
import { lazyTracing } from '../aws/tracing';
import { type AwsEnv, backendFrom, readAwsEnv } from './env';
import type { AgentDeps, Wiring } from './wiring';

/**
 * Picks the adapters once per container. The comparison is written out against
 * `process.env.EKS_UPGRADE_AGENT_BACKEND` on purpose: serverless.yml defines that
 * expression as a constant at bundle time, so esbuild drops the other branch and
 * an AWS bundle carries no sandbox code (bench/bundle.ts checks the metafile).
 */
async function loadWiring<D>(
  awsDeps: (env: AwsEnv) => D,
  beforeInvoke: ((context: Context) => void) | undefined,
): Promise<Wiring<D>> {
  if (process.env.EKS_UPGRADE_AGENT_BACKEND === 'sandbox') {
    const { sandboxWiringFromEnv } = await import('./sandbox');
    // The sandbox builds every port; a handler uses the ones it names.
    return sandboxWiringFromEnv(process.env) as Wiring<AgentDeps> as unknown as Wiring<D>;
  }
  backendFrom(process.env.EKS_UPGRADE_AGENT_BACKEND);
  return {
    backend: 'aws',
    deps: awsDeps(readAwsEnv(process.env)),
    ...(beforeInvoke ? { beforeInvoke } : {}),
  };
}

/**
 * A Lambda handler around a phase: wiring (built on the first invocation and kept
 * for the container's life; a failed build is retried on the next one), Lambda
 * context, structured logging. Errors are logged and rethrown unchanged: their
 * `name` is what the state machine's Retry and Catch match on, so nothing here
 * turns them into a result.
 * @param awsDeps builds, from the deployed environment, exactly the ports `work` uses.
 * @param options.beforeInvoke (AWS only) runs with the Lambda context before each invocation.
 */
export function lambdaHandler<K extends keyof AgentDeps, R>(
  name: string,
  awsDeps: (env: AwsEnv) => Pick<AgentDeps, K>,
  work: (event: unknown, deps: Pick<AgentDeps, K>) => Promise<R>,
  options: { beforeInvoke?: (context: Context) => void } = {},
) {
  let pending: Promise<Wiring<Pick<AgentDeps, K>>> | undefined;
  const wiring = () => {
    pending ??= loadWiring(awsDeps, options.beforeInvoke).catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
  // Built on the first invocation, with the logger: neither is needed at cold start.
  let handler: ((event: unknown, context: Context) => Promise<R>) | undefined;
  const build = () => {
    const logger = sharedLogger();
    return middy(async (event: unknown, context: Context): Promise<R> => {
      const { deps, beforeInvoke, afterInvoke } = await wiring();
      beforeInvoke?.(context);
      try {
        const result = await work(event, deps);
        logger.info(`${name} finished`, { result: summarize(result) });
        return result;
      } catch (error) {
        logger.error(`${name} failed`, error as Error);
        throw error;
      } finally {
        await afterInvoke?.();
      }
    })
      .use(injectLambdaContext(logger))
      .use(lazyTracing(name));
  };
  return (event: unknown, context: Context): Promise<R> => {
    handler ??= build();
    return handler(event, context);
  };
}

/** Results are small by design (the state machine carries them); still, never log more than 2 KB. */
function summarize(result: unknown): unknown {
  const text = JSON.stringify(result) ?? '';
  return text.length <= 2048 ? result : `${text.slice(0, 2048)}…`;
}
