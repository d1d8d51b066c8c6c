import { createRequire } from 'node:module';
import type { MiddlewareObj, Request } from '@middy/core';

/**
 * X-Ray tracing of a phase function with Powertools Tracer, loaded only when the
 * invocation is traced: loaded eagerly, the Tracer and the X-Ray SDK under it cost
 * every cold start about 40 ms of INIT, traced or not. On the first traced
 * invocation the module is loaded (in a deployed zip from `handlers/tracer.js`, a
 * file of its own: see importTracerModule), and Powertools' own middleware handles
 * the handler's subsegment, the ColdStart and Service annotations and the error as
 * metadata. The phase, the upgrade id and the cluster are annotations, so X-Ray can
 * find an upgrade's traces (`annotation.upgradeId = "..."`). Tracing never fails an
 * invocation.
 */

/** What this file uses of Powertools Tracer and its middleware. */
export interface LoadedTracer {
  readonly tracer: { isTracingEnabled(): boolean; putAnnotation(key: string, value: string): void };
  readonly middleware: Required<Pick<MiddlewareObj, 'before' | 'after' | 'onError'>>;
}

/** Imports Powertools Tracer (its module is evaluated here, not at INIT). */
export async function loadPowertoolsTracer(): Promise<LoadedTracer> {
  const { Tracer, captureLambdaHandler } = await importTracerModule();
  const tracer = new Tracer({ serviceName: 'eks-upgrade-agent', captureHTTPsRequests: false });
  // Results and errors are logged already; a trace keeps the error, not the response.
  const middleware = captureLambdaHandler(tracer, { captureResponse: false });
  return {
    tracer,
    middleware: middleware as LoadedTracer['middleware'],
  };
}

type TracerModule = typeof import('./tracer-chunk');

/**
 * lib/aws/tracer-chunk.ts. A bundle (serverless.yml's esbuild `define` sets
 * EKS_UPGRADE_AGENT_TRACER_FILE to "beside") requires it from `tracer.js` beside the
 * handler, which plugins/esbuild-plugins.js builds into every zip: inside the
 * handler's bundle its 134 KB, though evaluated only here, would still be parsed at
 * every cold start (about 14 ms, a tenth of the approval function's INIT). The
 * comparison is written out so that esbuild drops the import branch from a bundle;
 * unbundled (tsx, jest) the module is imported.
 */
function importTracerModule(): Promise<TracerModule> {
  if (process.env.EKS_UPGRADE_AGENT_TRACER_FILE !== 'beside') return import('./tracer-chunk');
  return Promise.resolve(createRequire(__filename)('./tracer.js') as TracerModule);
}

/** Lambda sets `_X_AMZN_TRACE_ID` for an invocation it traces; elsewhere nothing is loaded. */
export function isTracedInvocation(env: NodeJS.ProcessEnv = process.env): boolean {
  return (
    env._X_AMZN_TRACE_ID !== undefined &&
    env._X_AMZN_TRACE_ID !== '' &&
    env.POWERTOOLS_TRACE_ENABLED !== 'false'
  );
}

/** upgradeId and clusterName of a phase's input or of an EventBridge event's detail. */
export function traceAnnotations(phase: string, event: unknown): Record<string, string> {
  const top = (event ?? {}) as Record<string, unknown>;
  const detail = (typeof top.detail === 'object' && top.detail !== null ? top.detail : {}) as Record<
    string,
    unknown
  >;
  const out: Record<string, string> = { phase };
  for (const key of ['upgradeId', 'clusterName'] as const) {
    const value = top[key] ?? detail[key];
    if (typeof value === 'string' && value !== '') out[key] = value;
  }
  return out;
}

/**
 * A middy middleware that traces the handler when the invocation is traced.
 * @param load how the Tracer is loaded (the real one unless a test says otherwise).
 */
export function lazyTracing(
  phase: string,
  load: () => Promise<LoadedTracer> = loadPowertoolsTracer,
  traced: () => boolean = () => isTracedInvocation(),
): MiddlewareObj {
  let loading: Promise<LoadedTracer | undefined> | undefined;
  const key = 'eksUpgradeAgentTraced';
  const loaded = () => {
    loading ??= load().catch((error: unknown) => {
      console.warn('tracing is off for this container: Powertools Tracer could not be loaded', error);
      return undefined;
    });
    return loading;
  };
  const active = (request: Request) =>
    (request.internal as Record<string, unknown>)[key] as LoadedTracer | undefined;
  return {
    before: async (request) => {
      if (!traced()) return;
      const t = await loaded();
      if (t === undefined) return;
      (request.internal as Record<string, unknown>)[key] = t;
      await t.middleware.before(request);
      if (!t.tracer.isTracingEnabled()) return;
      for (const [name, value] of Object.entries(traceAnnotations(phase, request.event))) {
        t.tracer.putAnnotation(name, value);
      }
    },
    after: async (request) => {
      await active(request)?.middleware.after(request);
    },
    onError: async (request) => {
      await active(request)?.middleware.onError(request);
    },
  };
}
