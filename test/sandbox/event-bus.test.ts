import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DomainEvent, EVENT_SOURCE, makeEvent } from '../../lib/domain/events';
import { ManualClock } from '../../lib/sandbox/eks';
import {
  type BusEvent,
  EVENTS_FILE_NAME,
  InvalidBusEventError,
  LOCAL_ACCOUNT,
  LocalEventBus,
  type LocalRule,
} from '../../lib/sandbox/event-bus';
import { InvalidEventPatternError } from '../../lib/sandbox/event-pattern';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eks-local-bus-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const T0 = new Date('2025-03-03T09:00:00.000Z');
const CONTEXT = { upgradeId: 'u-1', clusterName: 'orders-prod', correlationId: 'exec-1' };
const OCCURRED = '2025-03-03T09:05:00.000Z';

function phaseStarted(upgradeId = 'u-1'): DomainEvent {
  return makeEvent('phase.started', { ...CONTEXT, upgradeId }, OCCURRED, { phase: 'execution' });
}

function validationFailure(): DomainEvent {
  return makeEvent('validation.failure', CONTEXT, OCCURRED, {
    success: false,
    metrics: { errorRate: 0.2 },
    checks: [{ name: 'errorRate', passed: false, detail: '0.2 > 0.01' }],
    targetVersion: '1.30',
  });
}

function rollbackTriggered(): DomainEvent {
  return makeEvent('rollback.triggered', CONTEXT, OCCURRED, {
    reason: 'validation failed',
    trigger: 'event-rule',
  });
}

/** A rule that records what its target received. */
function recordingRule(name: string, pattern: unknown): LocalRule & { received: BusEvent[] } {
  const received: BusEvent[] = [];
  return {
    name,
    pattern,
    received,
    target: async (event) => {
      received.push(event);
    },
  };
}

function newBus(rules: LocalRule[], stateDir?: string): LocalEventBus {
  return new LocalEventBus({ rules, clock: new ManualClock(T0), ...(stateDir ? { stateDir } : {}) });
}

describe('LocalEventBus routing', () => {
  it('given rules by detail-type, when events are published and drained, then each goes to the matching rules only', async () => {
    const rollback = recordingRule('rollback-automation', {
      source: [EVENT_SOURCE],
      'detail-type': ['validation.failure'],
    });
    const audit = recordingRule('audit', { source: [EVENT_SOURCE] });
    const notify = recordingRule('notifications', { 'detail-type': [{ prefix: 'rollback.' }] });
    const bus = newBus([rollback, audit, notify]);

    await bus.publish([phaseStarted(), validationFailure()]);
    const reports = await bus.drain();

    expect(rollback.received.map((e) => e['detail-type'])).toEqual(['validation.failure']);
    expect(audit.received.map((e) => e['detail-type'])).toEqual(['phase.started', 'validation.failure']);
    expect(notify.received).toEqual([]);
    expect(reports.map((r) => [r.rule, r.detailType])).toEqual([
      ['audit', 'phase.started'],
      ['rollback-automation', 'validation.failure'],
      ['audit', 'validation.failure'],
    ]);
  });

  it('given an event, then the target receives the EventBridge envelope with the event time', async () => {
    const rule = recordingRule('all', { source: [EVENT_SOURCE] });
    const bus = newBus([rule]);
    await bus.publish([validationFailure()]);
    await bus.drain();

    const [event] = rule.received;
    expect(event).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      'detail-type': 'validation.failure',
      source: EVENT_SOURCE,
      account: LOCAL_ACCOUNT,
      time: OCCURRED,
      region: 'local',
      resources: [],
      detail: validationFailure().detail,
    });
  });

  it('given an event without occurredAt and another source, then time comes from the clock and source is kept', async () => {
    const rule = recordingRule('trigger', { source: ['my-team'], 'detail-type': ['upgrade.requested'] });
    const bus = newBus([rule]);
    await bus.publish([
      {
        source: 'my-team',
        detailType: 'upgrade.requested',
        detail: { clusterName: 'c', targetVersion: '1.30' },
      },
    ]);
    await bus.drain();
    expect(rule.received).toHaveLength(1);
    expect(rule.received[0]).toMatchObject({ source: 'my-team', time: T0.toISOString() });
  });

  it('given no matching rule, when published and drained, then no delivery', async () => {
    const rule = recordingRule('rollback-automation', { 'detail-type': ['validation.failure'] });
    const bus = newBus([rule]);
    await bus.publish([phaseStarted()]);
    expect(bus.pending()).toBe(0);
    await expect(bus.drain()).resolves.toEqual([]);
    expect(rule.received).toEqual([]);
    expect(bus.deliveries()).toEqual([]);
    expect(bus.published().map((e) => e['detail-type'])).toEqual(['phase.started']);
  });

  it('given rules, when asked which match an event, then their names', () => {
    const bus = newBus([
      recordingRule('rollback-automation', { 'detail-type': ['validation.failure'] }),
      recordingRule('audit', { source: [EVENT_SOURCE] }),
    ]);
    expect(bus.matchingRules(validationFailure())).toEqual(['rollback-automation', 'audit']);
    expect(bus.matchingRules(phaseStarted())).toEqual(['audit']);
    expect(bus.matchingRules({ source: 'other', detailType: 'phase.started', detail: {} })).toEqual([]);
  });

  it('given an invalid pattern, when the bus is built, then InvalidEventPatternError naming the rule', () => {
    const build = () =>
      newBus([
        recordingRule('ok', { source: [EVENT_SOURCE] }),
        recordingRule('broken', { 'detail-type': [] }),
      ]);
    expect(build).toThrow(InvalidEventPatternError);
    expect(build).toThrow(/rule broken/);
  });
});

describe('LocalEventBus delivery', () => {
  it('given published events, when not yet drained, then no target has run', async () => {
    const target = jest.fn(async (_event: BusEvent) => {});
    const bus = newBus([{ name: 'audit', pattern: { source: [EVENT_SOURCE] }, target }]);

    await bus.publish([phaseStarted(), phaseStarted('u-2')]);
    expect(target).not.toHaveBeenCalled();
    expect(bus.pending()).toBe(2);

    await bus.drain();
    expect(target).toHaveBeenCalledTimes(2);
    expect(bus.pending()).toBe(0);
  });

  it('given a target that publishes another event, when drained, then that event is delivered in the same drain', async () => {
    const notify = recordingRule('notifications', { 'detail-type': [{ prefix: 'rollback.' }] });
    let bus: LocalEventBus | undefined;
    const rollback: LocalRule = {
      name: 'rollback-automation',
      pattern: { 'detail-type': ['validation.failure'] },
      target: async () => {
        await bus?.publish([rollbackTriggered()]);
      },
    };
    bus = newBus([rollback, notify]);

    await bus.publish([validationFailure()]);
    const reports = await bus.drain();

    expect(notify.received.map((e) => e['detail-type'])).toEqual(['rollback.triggered']);
    expect(reports.map((r) => `${r.rule}:${r.detailType}:${r.outcome}`)).toEqual([
      'rollback-automation:validation.failure:delivered',
      'notifications:rollback.triggered:delivered',
    ]);
    expect(bus.pending()).toBe(0);
  });

  it('given a target that drains after publishing (a drained handler), then nothing deadlocks and all is delivered', async () => {
    const notify = recordingRule('notifications', { 'detail-type': [{ prefix: 'rollback.' }] });
    let bus: LocalEventBus | undefined;
    const rollback: LocalRule = {
      name: 'rollback-automation',
      pattern: { 'detail-type': ['validation.failure'] },
      target: async () => {
        await bus?.publish([rollbackTriggered()]);
        await bus?.drain();
        // The nested drain delivered the event before this target returned.
        expect(notify.received).toHaveLength(1);
      },
    };
    bus = newBus([rollback, notify]);
    await bus.publish([validationFailure()]);
    await bus.drain();
    expect(bus.deliveries().map((d) => [d.rule, d.outcome])).toEqual([
      ['notifications', 'delivered'],
      ['rollback-automation', 'delivered'],
    ]);
  });

  it('given a target that fails twice, when drained, then it is retried and delivered on the third attempt', async () => {
    const target = jest
      .fn<Promise<void>, [BusEvent]>()
      .mockRejectedValueOnce(new Error('busy'))
      .mockRejectedValueOnce(new Error('busy'))
      .mockResolvedValueOnce(undefined);
    const bus = newBus([
      { name: 'rollback-automation', pattern: { 'detail-type': ['validation.failure'] }, target },
    ]);
    await bus.publish([validationFailure()]);
    await expect(bus.drain()).resolves.toEqual([
      {
        rule: 'rollback-automation',
        eventId: expect.any(String),
        detailType: 'validation.failure',
        upgradeId: 'u-1',
        attempts: 3,
        outcome: 'delivered',
      },
    ]);
    expect(target).toHaveBeenCalledTimes(3);
  });

  it('given a target that always throws, when drained, then three attempts, dead-lettered, drain does not throw, later deliveries still run', async () => {
    class TargetBrokenError extends Error {
      override readonly name = 'TargetBrokenError';
    }
    const failing = jest.fn(async (_event: BusEvent) => {
      throw new TargetBrokenError('rollback handler crashed');
    });
    const audit = recordingRule('audit', { source: [EVENT_SOURCE] });
    const bus = newBus([
      { name: 'rollback-automation', pattern: { 'detail-type': ['validation.failure'] }, target: failing },
      audit,
    ]);
    await bus.publish([validationFailure(), phaseStarted()]);

    const reports = await bus.drain();

    expect(failing).toHaveBeenCalledTimes(3);
    expect(reports[0]).toEqual({
      rule: 'rollback-automation',
      eventId: expect.any(String),
      detailType: 'validation.failure',
      upgradeId: 'u-1',
      attempts: 3,
      outcome: 'dead-lettered',
      error: { name: 'TargetBrokenError', message: 'rollback handler crashed' },
    });
    expect(audit.received.map((e) => e['detail-type'])).toEqual(['validation.failure', 'phase.started']);
    expect(bus.deliveries().filter((d) => d.outcome === 'dead-lettered')).toHaveLength(1);
    expect(bus.deliveries()).toHaveLength(3);
  });

  it('given a target that mutates its event, then other targets and the log are unaffected', async () => {
    const seen: unknown[] = [];
    const bus = newBus([
      {
        name: 'vandal',
        pattern: { source: [EVENT_SOURCE] },
        target: async (event) => {
          event.detail.upgradeId = 'changed';
        },
      },
      {
        name: 'reader',
        pattern: { source: [EVENT_SOURCE] },
        target: async (event) => {
          seen.push(event.detail.upgradeId);
        },
      },
    ]);
    await bus.publish([phaseStarted()]);
    await bus.drain();
    expect(seen).toEqual(['u-1']);
    expect(bus.published()[0]?.detail.upgradeId).toBe('u-1');
  });
});

describe('LocalEventBus publishing', () => {
  it('given a state dir, when events are published (by two buses), then each is one line of events.jsonl', async () => {
    const stateDir = tempDir();
    const first = newBus([], stateDir);
    await first.publish([phaseStarted(), validationFailure()]);
    await newBus([], stateDir).publish([rollbackTriggered()]);

    const lines = readFileSync(join(stateDir, EVENTS_FILE_NAME), 'utf8').trimEnd().split('\n');
    const events = lines.map((line) => JSON.parse(line) as BusEvent);
    expect(events.map((e) => e['detail-type'])).toEqual([
      'phase.started',
      'validation.failure',
      'rollback.triggered',
    ]);
    expect(events[0]).toEqual(first.published()[0]);
  });

  it('given an invalid event among valid ones, when published, then InvalidBusEventError and none is published', async () => {
    const stateDir = tempDir();
    const audit = recordingRule('audit', { source: [EVENT_SOURCE] });
    const bus = newBus([audit], stateDir);
    const bad = { detailType: '', detail: [] } as unknown as DomainEvent;

    const error = await bus.publish([phaseStarted(), bad]).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvalidBusEventError);
    expect(error).toMatchObject({ index: 1, retryable: false });
    expect((error as Error).message).toMatch(/detailType/);
    expect((error as Error).message).toMatch(/; detail: /);
    expect(bus.published()).toEqual([]);
    expect(bus.pending()).toBe(0);
    expect(() => readFileSync(join(stateDir, EVENTS_FILE_NAME))).toThrow();
  });

  it('given no state dir, when published, then events are kept in memory only', async () => {
    const bus = newBus([]);
    await bus.publish([phaseStarted()]);
    expect(bus.published()).toHaveLength(1);
  });
});
