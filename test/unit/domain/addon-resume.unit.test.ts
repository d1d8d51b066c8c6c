import { reason } from '../../../lib/domain/reason';
import { addon, addonInfo, snapshot } from '../../support/snapshot-builder';

/**
 * An upgrade resumed (or requested again) after a control-plane update, before
 * kube-proxy followed it: kube-proxy versions run on one Kubernetes minor each, and
 * add-ons move one minor at a time, so it catches up with the cluster before the next hop.
 */
const kubeProxy = addonInfo('kube-proxy', [
  { v: 'v1.28.2-eksbuild.2', on: ['1.28'] },
  { v: 'v1.29.0-eksbuild.1', on: ['1.29'] },
  { v: 'v1.30.0-eksbuild.3', on: ['1.30'] },
]);
const request = { targetVersion: '1.30', strategy: 'in_place' as const, force: false };

describe('kube-proxy trailing the control plane when the plan is built', () => {
  it('given the cluster at 1.29 and kube-proxy still at 1.28, then it catches up with 1.29 before the hop to 1.30 and follows it after', () => {
    const plan = reason(
      snapshot({
        version: '1.29',
        addons: [addon('kube-proxy', 'v1.28.2-eksbuild.2')],
        addonVersions: [kubeProxy],
      }),
      request,
    );
    expect(plan.findings.filter((f) => f.severity === 'block')).toEqual([]);
    expect(plan.steps.map(({ id, from, to }) => ({ id, from, to }))).toEqual([
      { id: 'addon:kube-proxy:v1.29.0-eksbuild.1', from: 'v1.28.2-eksbuild.2', to: 'v1.29.0-eksbuild.1' },
      { id: 'control-plane:1.30', from: '1.29', to: '1.30' },
      { id: 'addon:kube-proxy:v1.30.0-eksbuild.3', from: 'v1.29.0-eksbuild.1', to: 'v1.30.0-eksbuild.3' },
    ]);
  });

  it('given no kube-proxy of the minor between, then the gap blocks the plan once', () => {
    const gap = addonInfo('kube-proxy', [
      { v: 'v1.28.2-eksbuild.2', on: ['1.28'] },
      { v: 'v1.30.0-eksbuild.3', on: ['1.30'] },
    ]);
    const plan = reason(
      snapshot({
        version: '1.29',
        addons: [addon('kube-proxy', 'v1.28.2-eksbuild.2')],
        addonVersions: [gap],
      }),
      request,
    );
    expect(plan.verdict).toBe('blocked');
    expect(plan.findings.filter((f) => f.code === 'ADDON_MINOR_GAP')).toEqual([
      {
        code: 'ADDON_MINOR_GAP',
        severity: 'block',
        message:
          'kube-proxy must move one minor version at a time from v1.28.2-eksbuild.2 to v1.30.0-eksbuild.3, but DescribeAddonVersions lists no kube-proxy v1.29.x compatible with Kubernetes 1.30. Update kube-proxy by hand or choose a nearer target.',
        resource: 'kube-proxy',
      },
    ]);
  });
});
