import type { DomainEvent } from '../../lib/domain/events';
import { UndeclaredEventError, UpgradeEvents } from '../../lib/phases/emit';
import { PUBLISHED_EVENTS, type Publisher } from '../../lib/phases/published-events';

const context = { upgradeId: 'u-1', clusterName: 'c', correlationId: 'x' };

function events<P extends Publisher>(by: P) {
  const published: DomainEvent[] = [];
  const deps = {
    events: { publish: async (e: readonly DomainEvent[]) => void published.push(...e) },
    clock: { now: () => new Date('2026-01-01T00:00:00.000Z') },
  };
  return { events: UpgradeEvents.of(by, deps, context), published };
}

describe('each function publishes only the detail types its role allows (PUBLISHED_EVENTS)', () => {
  test('a type outside its list is refused before anything is sent, naming where to declare it', async () => {
    const { events: trigger, published } = events('trigger');
    // A cast stands for a caller the type checker cannot see (plain JS, a widened type).
    const untyped = trigger as unknown as UpgradeEvents<'validation'>;
    const error = await untyped
      .emit('validation.failure', { success: false, metrics: {}, checks: [], targetVersion: '1.30' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UndeclaredEventError);
    expect(error).toMatchObject({
      name: 'UndeclaredEventError',
      message: expect.stringContaining('trigger may not publish validation.failure'),
    });
    expect(published).toEqual([]);
  });

  test('phase events go out for a phase function, in order', async () => {
    const { events: perception, published } = events('perception');
    await perception.phase('perception', async () => 1, { summarize: () => 'done' });
    expect(published.map((e) => e.detailType)).toEqual(['phase.started', 'phase.completed']);
  });

  test('the trigger and the approval function publish no phase events; every other function does', () => {
    expect(PUBLISHED_EVENTS.trigger).toEqual(['upgrade.failed']);
    expect(PUBLISHED_EVENTS.approval).toEqual([
      'approval.requested',
      'approval.granted',
      'approval.rejected',
    ]);
    for (const [fn, types] of Object.entries(PUBLISHED_EVENTS)) {
      if (fn !== 'trigger' && fn !== 'approval')
        expect({ fn, types }).toEqual({
          fn,
          types: expect.arrayContaining(['phase.started', 'phase.completed', 'phase.failed']),
        });
    }
  });
});
