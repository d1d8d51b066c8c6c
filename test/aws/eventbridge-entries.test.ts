import { batchEntries, entrySize, MAX_CALL_BYTES, toEntry } from '../../lib/aws/eventbridge/entries';
import { EVENT_SOURCE, makeEvent } from '../../lib/domain/events';

const context = { upgradeId: 'upg-1', clusterName: 'prod', correlationId: 'exec-1' };

describe('entrySize (EventBridge PutEvents entry size rule)', () => {
  test('counts Time as 14 bytes and Source, DetailType, Detail, Resources as UTF-8 bytes', () => {
    const size = entrySize({
      Time: new Date(),
      Source: 'abc',
      DetailType: 'de',
      Detail: '{"k":"é"}',
      Resources: ['r1', 'ü'],
      EventBusName: 'not-counted',
    });
    // 14 + 3 + 2 + 10 ("é" is 2 bytes) + 2 + 2 ("ü" is 2 bytes)
    expect(size).toBe(33);
  });

  test('leaves out Time when it is not set', () => {
    expect(entrySize({ Source: 'a', DetailType: 'b' })).toBe(2);
  });
});

describe('toEntry', () => {
  test('uses the agent source, the detail type, the JSON detail, the bus and the event time', () => {
    const event = makeEvent('phase.started', context, '2024-07-01T12:00:00.000Z', { phase: 'execution' });
    const entry = toEntry(event, 'agent-bus');
    expect(entry).toEqual({
      Source: EVENT_SOURCE,
      DetailType: 'phase.started',
      Detail: JSON.stringify(event.detail),
      EventBusName: 'agent-bus',
      Time: new Date('2024-07-01T12:00:00.000Z'),
    });
  });
});

describe('batchEntries', () => {
  test('never puts more than 10 entries in a call', () => {
    const { batches } = batchEntries(
      Array.from({ length: 23 }, (_, i) => i),
      () => 10,
    );
    expect(batches.map((b) => b.length)).toEqual([10, 10, 3]);
    expect(batches.flat()).toEqual(Array.from({ length: 23 }, (_, i) => i));
  });

  test('keeps each call under 256 KB', () => {
    const big = 100 * 1024;
    const { batches } = batchEntries([1, 2, 3, 4, 5], () => big);
    expect(batches.map((b) => b.length)).toEqual([2, 2, 1]);
    for (const b of batches) expect(b.length * big).toBeLessThan(MAX_CALL_BYTES);
  });

  test('a call that would reach exactly 256 KB is split ("less than 256KB")', () => {
    const { batches } = batchEntries([1, 2], () => MAX_CALL_BYTES / 2);
    expect(batches).toEqual([[1], [2]]);
  });

  test('reports entries too large to send even alone', () => {
    const sizes = new Map([
      ['ok', 10],
      ['huge', MAX_CALL_BYTES],
    ]);
    const result = batchEntries(['ok', 'huge'], (s) => sizes.get(s) ?? 0);
    expect(result).toEqual({ batches: [['ok']], oversized: ['huge'] });
  });
});
