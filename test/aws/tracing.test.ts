import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import {
  isTracedInvocation,
  type LoadedTracer,
  lazyTracing,
  loadPowertoolsTracer,
  traceAnnotations,
} from '../../lib/aws/tracing';

/** A stand-in for Powertools Tracer that records what the middleware asks of it. */
function fakeTracer(enabled = true) {
  const calls: string[] = [];
  const loaded: LoadedTracer = {
    tracer: {
      isTracingEnabled: () => enabled,
      putAnnotation: (key, value) => calls.push(`annotate ${key}=${value}`),
    },
    middleware: {
      before: () => {
        calls.push('open');
      },
      after: () => {
        calls.push('close');
      },
      onError: (request) => {
        calls.push(`error ${(request.error as Error).name}`);
      },
    },
  };
  return { loaded, calls };
}

const context = {} as Context;

describe('lazyTracing', () => {
  test('an untraced invocation never loads the Tracer', async () => {
    const load = jest.fn(async () => fakeTracer().loaded);
    const handler = middy(async () => 'ok').use(lazyTracing('execution', load, () => false));
    await expect(handler({ upgradeId: 'u-1' }, context)).resolves.toBe('ok');
    expect(load).not.toHaveBeenCalled();
  });

  test('a traced invocation opens and closes the subsegment, with the upgrade as annotations; loaded once', async () => {
    const { loaded, calls } = fakeTracer();
    const load = jest.fn(async () => loaded);
    const handler = middy(async () => 'ok').use(lazyTracing('execution', load, () => true));
    await handler({ upgradeId: 'u-1', clusterName: 'payments-prod' }, context);
    await handler({ upgradeId: 'u-2' }, context);
    expect(load).toHaveBeenCalledTimes(1);
    expect(calls).toEqual([
      'open',
      'annotate phase=execution',
      'annotate upgradeId=u-1',
      'annotate clusterName=payments-prod',
      'close',
      'open',
      'annotate phase=execution',
      'annotate upgradeId=u-2',
      'close',
    ]);
  });

  test('an error is recorded on the trace and rethrown unchanged (the state machine matches its name)', async () => {
    const { loaded, calls } = fakeTracer();
    class ThrottlingException extends Error {
      override readonly name = 'ThrottlingException';
    }
    const handler = middy(async () => {
      throw new ThrottlingException('slow down');
    }).use(
      lazyTracing(
        'perception',
        async () => loaded,
        () => true,
      ),
    );
    await expect(handler({}, context)).rejects.toThrow(ThrottlingException);
    expect(calls).toEqual(['open', 'annotate phase=perception', 'error ThrottlingException']);
  });

  test('a Tracer that cannot be loaded turns tracing off, and the invocation still runs', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const load = jest.fn(async (): Promise<LoadedTracer> => {
      throw new Error('no module');
    });
    const handler = middy(async () => 'ok').use(lazyTracing('validation', load, () => true));
    await expect(handler({}, context)).resolves.toBe('ok');
    await expect(handler({}, context)).resolves.toBe('ok');
    expect(load).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });

  test('no annotation when the Tracer says tracing is disabled', async () => {
    const { loaded, calls } = fakeTracer(false);
    const handler = middy(async () => 'ok').use(
      lazyTracing(
        'rollback',
        async () => loaded,
        () => true,
      ),
    );
    await handler({ upgradeId: 'u' }, context);
    expect(calls).toEqual(['open', 'close']);
  });

  test('with the real Powertools Tracer outside Lambda: loaded, disabled, the handler unchanged', async () => {
    const loaded = await loadPowertoolsTracer();
    expect(loaded.tracer.isTracingEnabled()).toBe(false);
    const handler = middy(async () => 'ok').use(
      lazyTracing(
        'reasoning',
        async () => loaded,
        () => true,
      ),
    );
    await expect(handler({ upgradeId: 'u' }, context)).resolves.toBe('ok');
  });
});

describe('what is traced', () => {
  test.each([
    [{ _X_AMZN_TRACE_ID: 'Root=1-abc' }, true],
    [{ _X_AMZN_TRACE_ID: 'Root=1-abc', POWERTOOLS_TRACE_ENABLED: 'false' }, false],
    [{ _X_AMZN_TRACE_ID: '' }, false],
    [{}, false],
  ])('%j: traced %s', (env, expected) => {
    expect(isTracedInvocation(env as NodeJS.ProcessEnv)).toBe(expected);
  });

  test('annotations from a phase input or an EventBridge event; nothing else', () => {
    expect(traceAnnotations('execution', { upgradeId: 'u', clusterName: 'c', other: 'x' })).toEqual({
      phase: 'execution',
      upgradeId: 'u',
      clusterName: 'c',
    });
    expect(traceAnnotations('trigger', { detail: { clusterName: 'c', requestId: 'r' } })).toEqual({
      phase: 'trigger',
      clusterName: 'c',
    });
    expect(traceAnnotations('rollback', null)).toEqual({ phase: 'rollback' });
    expect(traceAnnotations('rollback', { upgradeId: 42, clusterName: '' })).toEqual({ phase: 'rollback' });
  });
});
