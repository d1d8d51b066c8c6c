import { EventDeliveryError } from '../../lib/aws/errors';
import { LocalEventBus } from '../../lib/sandbox/event-bus';
import { MAX_EVENT_ENTRY_BYTES } from '../../lib/sandbox/local-sfn/limits';

/** The local bus refuses an event PutEvents would refuse: an entry over 256 KB, sized as EventBridge sizes it. */
describe('LocalEventBus entry size', () => {
  const bus = () => new LocalEventBus({ rules: [], clock: { now: () => new Date('2026-11-28T00:00:00Z') } });
  const source = 'eks-upgrade-agent';
  // Time (14) + source + detail type + the detail's JSON: the padding fills the rest.
  const sized = (bytes: number) => {
    const fixed = 14 + source.length + 'upgrade.failed'.length + '{"pad":""}'.length;
    return { source, detailType: 'upgrade.failed', detail: { pad: 'x'.repeat(bytes - fixed) } };
  };

  it('given an entry of exactly 256 KB, then it is published', async () => {
    const b = bus();
    await b.publish([sized(MAX_EVENT_ENTRY_BYTES)]);
    expect(b.published()).toHaveLength(1);
  });

  it('given an entry one byte over, then nothing is published and the error names EntryTooLarge, not to be re-sent', async () => {
    const b = bus();
    const error = await b.publish([sized(100), sized(MAX_EVENT_ENTRY_BYTES + 1)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventDeliveryError);
    expect((error as EventDeliveryError).retryable).toBe(false);
    expect((error as EventDeliveryError).undelivered).toEqual([
      expect.objectContaining({ detailType: 'upgrade.failed', errorCode: 'EntryTooLarge', retryable: false }),
    ]);
    expect(b.published()).toEqual([]);
  });
});
