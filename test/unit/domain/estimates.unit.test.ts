import { nodegroupMinutes } from '../../../lib/domain/estimates';
import { DEFAULT_POLICY } from '../../../lib/domain/plan-types';
import { nodegroup } from '../../support/snapshot-builder';

/** A node-group update takes one batch time per batch of maxUnavailable nodes. */
const policy = { ...DEFAULT_POLICY, durations: { ...DEFAULT_POLICY.durations, minutesPerNode: 5 } };
const ng = (extra: Record<string, unknown>) => nodegroup('n', '1.30', extra);

describe('nodegroupMinutes', () => {
  it('counts one node and one batch when nothing is said', () => {
    expect(nodegroupMinutes(ng({}), policy)).toBe(5);
    expect(nodegroupMinutes(ng({ scalingConfig: { minSize: 0, maxSize: 3, desiredSize: 0 } }), policy)).toBe(
      5,
    );
  });

  it('updates one node at a time by default', () => {
    expect(nodegroupMinutes(ng({ scalingConfig: { minSize: 1, maxSize: 9, desiredSize: 7 } }), policy)).toBe(
      35,
    );
  });

  it('takes maxUnavailable nodes per batch, rounding the batches up', () => {
    const n = ng({
      scalingConfig: { minSize: 1, maxSize: 9, desiredSize: 7 },
      updateConfig: { maxUnavailable: 3 },
    });
    expect(nodegroupMinutes(n, policy)).toBe(15);
  });

  it('takes a percentage of the nodes per batch, at least one', () => {
    const scaling = { minSize: 1, maxSize: 20, desiredSize: 10 };
    expect(
      nodegroupMinutes(
        ng({ scalingConfig: scaling, updateConfig: { maxUnavailablePercentage: 33 } }),
        policy,
      ),
    ).toBe(20);
    expect(
      nodegroupMinutes(ng({ scalingConfig: scaling, updateConfig: { maxUnavailablePercentage: 5 } }), policy),
    ).toBe(50);
  });
});
