import { upgradeRequestSchema } from '../../lib/phases/contracts';
import {
  HISTORY_EVENTS,
  MAX_HISTORY_EVENTS,
  runUpgradeStateMachine,
  type TaskHandler,
} from '../../lib/sandbox/local-sfn/runner';

/**
 * Step Functions' execution limits on the real ASL: the execution timeout (the
 * definition's TimeoutSeconds, 48 h, in virtual time) and the 25,000-event history.
 * The stub functions answer what the phases' contracts allow.
 */
const NAME = 'payments-prod-1-31-limits';
const input = {
  upgradeId: NAME,
  request: upgradeRequestSchema().parse({
    clusterName: 'payments-prod',
    targetVersion: '1.31',
    requestId: 'req-1',
  }),
};

function handlers(
  waitSeconds: number,
  polls: number,
): { handlers: Record<string, TaskHandler>; calls: string[] } {
  const calls: string[] = [];
  let n = 0;
  const logged =
    (fn: string, answer: (raw: unknown) => unknown): TaskHandler =>
    async (raw) => {
      calls.push(fn);
      return answer(raw);
    };
  return {
    calls,
    handlers: {
      perception: logged('perception', () => ({
        snapshotKey: 's',
        currentVersion: '1.30',
        nodegroupCount: 1,
        addonCount: 1,
      })),
      reasoning: logged('reasoning', () => ({
        planKey: 'p',
        verdict: 'ready',
        stepCount: 1,
        estimatedMinutes: 1,
        approval: { required: false, timeoutSeconds: 3600 },
      })),
      execution: logged('execution', (raw) => {
        const progress = (raw as { progress: Record<string, unknown> }).progress;
        n += 1;
        return {
          status: n > polls ? 'done' : 'waiting',
          waitSeconds,
          soakSeconds: 0,
          progress,
          gate: null,
          waitUntil: null,
        };
      }),
      validation: logged('validation', () => ({ passed: true, failedChecks: [], final: true })),
      rollback: logged('rollback', () => ({ outcome: 'stopped' })),
      bluegreen: logged('bluegreen', () => {
        throw new Error('an in_place run never reaches the blue/green branch');
      }),
      approval: logged('approval', () => {
        throw new Error('no approval is required here');
      }),
    },
  };
}

describe('Step Functions limits in the local runner', () => {
  it('given polls that would wait past 48 h, then the execution times out at 48 h of virtual time and no Catch runs', async () => {
    const { handlers: fns, calls } = handlers(3600, 100);
    const waits: number[] = [];
    const result = await runUpgradeStateMachine({
      input,
      executionName: NAME,
      handlers: fns,
      onWait: (seconds) => {
        waits.push(seconds);
      },
    });
    expect(result.status).toBe('TIMED_OUT');
    expect(result.error).toBe('States.Timeout');
    expect(result.waitedSeconds).toBe(172_800);
    expect(waits.reduce((a, b) => a + b, 0)).toBe(172_800);
    // The first poll comes at once (PrepareExecution), then one per hour of waiting.
    expect(calls.filter((c) => c === 'execution')).toHaveLength(49);
    expect(calls).not.toContain('rollback');
  });

  it('given a short run, then its history counts every state entered and left, three events per Lambda call, a start and an end', async () => {
    const { handlers: fns } = handlers(60, 2);
    const result = await runUpgradeStateMachine({ input, executionName: NAME, handlers: fns });
    expect(result.status).toBe('SUCCEEDED');
    const lambdaCalls = Object.values(result.taskInvocations).reduce((a, b) => a + b, 0);
    // Every state but the final Succeed is left; the Succeed state is left too.
    const states = result.statesVisited.length;
    expect(result.historyEvents).toBe(
      HISTORY_EVENTS.executionStarted +
        states * (HISTORY_EVENTS.stateEntered + HISTORY_EVENTS.stateExited) +
        lambdaCalls * HISTORY_EVENTS.lambdaCall +
        HISTORY_EVENTS.executionEnded,
    );
  });

  it('given a poll loop longer than 25,000 history events, then the execution fails with States.Runtime and no Catch runs', async () => {
    const { handlers: fns, calls } = handlers(1, 10_000);
    const result = await runUpgradeStateMachine({ input, executionName: NAME, handlers: fns });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.Runtime');
    expect(result.cause).toContain('25000 events');
    expect(result.historyEvents).toBeLessThanOrEqual(MAX_HISTORY_EVENTS);
    expect(result.historyEvents).toBeGreaterThan(MAX_HISTORY_EVENTS - 10);
    expect(calls).not.toContain('rollback');
    expect(calls).not.toContain('validation');
  }, 60_000);
});
