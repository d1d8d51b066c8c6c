import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_SOURCE } from '../../lib/domain/events';
import { createLocalStack } from '../../lib/sandbox/local-stack';

/**
 * Concurrency in the sandbox as in AWS: the execution name is registered when the
 * execution starts, so concurrent deliveries of one request start one execution.
 */
const SNAPSHOT = join(__dirname, '..', '..', 'demo', 'snapshots', 'payments-prod-1.30.json');

const envelope = (requestId: string, extra: Record<string, unknown> = {}) => ({
  version: '0',
  id: `delivery-${requestId}`,
  'detail-type': 'upgrade.requested',
  source: EVENT_SOURCE,
  detail: {
    schemaVersion: '1',
    clusterName: 'payments-prod',
    targetVersion: '1.32',
    requestId,
    ...extra,
  },
});

const locksIn = (dir: string) =>
  existsSync(join(dir, 'locks.json')) ? JSON.parse(readFileSync(join(dir, 'locks.json'), 'utf8')) : {};

/** As a client's PutEvents would put it. */
const put = (
  stack: ReturnType<typeof createLocalStack>,
  requestId: string,
  extra: Record<string, unknown> = {},
) => {
  const { detail } = envelope(requestId, extra);
  return stack.put({ detailType: 'upgrade.requested', source: EVENT_SOURCE, detail } as never);
};

describe('concurrent deliveries of one upgrade.requested', () => {
  test('100 at once start one execution and one set of EKS updates; 99 are duplicates of it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eua-conc-'));
    const stack = createLocalStack({ stateDir: dir, snapshotFile: SNAPSHOT });
    const trigger = stack.functions.trigger;
    if (trigger === undefined) throw new Error('no trigger');
    const results = (await Promise.all(Array.from({ length: 100 }, () => trigger(envelope('chg-100'))))) as {
      status: string;
      executionStatus?: string;
    }[];

    expect(stack.executions).toHaveLength(1);
    expect(stack.executions[0]?.result.status).toBe('SUCCEEDED');
    expect(results.filter((r) => r.status === 'started')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(99);
    // They came while it ran.
    expect(results.filter((r) => r.executionStatus === 'RUNNING')).toHaveLength(99);
    // The plan has 23 steps, 17 of them EKS updates (the other 6 are gates).
    expect(stack.world.inspect().calls.startStep).toBe(17);
    const types = stack.bus.published().map((e) => e['detail-type']);
    expect(types.filter((t) => t === 'upgrade.started')).toHaveLength(1);
    expect(types.filter((t) => t === 'upgrade.failed')).toHaveLength(0);
    // The execution released its lock when it ended; no duplicate took it away before.
    expect(JSON.parse(readFileSync(join(dir, 'locks.json'), 'utf8'))).toEqual({});
    const registry = JSON.parse(readFileSync(join(dir, 'executions.json'), 'utf8'));
    expect(Object.values(registry).map((e) => (e as { status: string }).status)).toEqual(['SUCCEEDED']);
  }, 60_000);

  test('a late duplicate of a finished request while another upgrade runs: duplicate, and no upgrade.failed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eua-conc-'));
    const stack = createLocalStack({ stateDir: dir, snapshotFile: SNAPSHOT });
    await put(stack, 'chg-1');
    await stack.deps.locks.acquire('payments-prod', 'another-upgrade', 3600);
    const before = stack.bus.published().length;
    const late = await stack.functions.trigger?.(envelope('chg-1'));
    expect(late).toMatchObject({ status: 'duplicate', executionStatus: 'SUCCEEDED' });
    expect(stack.bus.published().slice(before)).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, 'locks.json'), 'utf8'))['payments-prod'].holder).toBe(
      'another-upgrade',
    );
  }, 60_000);

  test('the request id reused with another request: upgrade.failed naming it, and the cluster is not left locked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eua-conc-'));
    const stack = createLocalStack({ stateDir: dir, snapshotFile: SNAPSHOT });
    await put(stack, 'chg-2', { dryRun: true });
    await put(stack, 'chg-2');
    expect(stack.executions).toHaveLength(1);
    const failed = stack.bus.published().filter((e) => e['detail-type'] === 'upgrade.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.detail).toMatchObject({
      error: { name: 'RequestIdReusedError' },
      reason: expect.stringContaining('request id "chg-2" was reused'),
    });
    expect(locksIn(dir)).toEqual({});
  }, 60_000);
});
