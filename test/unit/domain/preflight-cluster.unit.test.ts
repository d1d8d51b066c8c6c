import { checkAddons, checkCluster, checkTarget, knownVersions } from '../../../lib/domain/preflight';
import { addon, addonInfo, snapshot } from '../../support/snapshot-builder';

/** Cluster, target and add-on findings asserted whole, and none where nothing is wrong. */
const withCluster = (extra: Record<string, unknown>, version = '1.30') => {
  const s = snapshot({ version });
  return { ...s, cluster: { ...s.cluster, ...extra } } as typeof s;
};

describe('checkCluster', () => {
  it('given an ACTIVE cluster without health issues, then no finding', () => {
    expect(checkCluster(withCluster({ health: { issues: [] } }))).toEqual([]);
  });

  it('given a cluster not ACTIVE with health issues, then a block and a warning per issue', () => {
    const s = withCluster({
      status: 'UPDATING',
      health: { issues: [{ code: 'SubnetNotFound', message: 'subnet-x is gone' }, {}] },
    });
    expect(checkCluster(s)).toEqual([
      {
        code: 'CLUSTER_NOT_ACTIVE',
        severity: 'block',
        message:
          'Cluster test-cluster is UPDATING; EKS only updates an ACTIVE cluster. Wait for the current operation to finish and plan again.',
        resource: 'test-cluster',
      },
      {
        code: 'CLUSTER_HEALTH_ISSUE',
        severity: 'warn',
        message: 'Cluster health issue SubnetNotFound: subnet-x is gone. Resolve it before upgrading.',
        resource: 'test-cluster',
      },
      {
        code: 'CLUSTER_HEALTH_ISSUE',
        severity: 'warn',
        message: 'Cluster health issue unknown: no message. Resolve it before upgrading.',
        resource: 'test-cluster',
      },
    ]);
  });
});

describe('checkTarget', () => {
  const catalog = [addonInfo('vpc-cni', [{ v: 'v1.18.0-eksbuild.1', on: ['1.29', '1.30', '1.31'] }])];
  const at = (version: string, addonVersions: unknown[] = catalog) => snapshot({ version, addonVersions });

  it('given a known target above the current version, then no finding', () => {
    expect(checkTarget(at('1.30'), '1.31')).toEqual([]);
  });

  it('given the current version, then an info finding only', () => {
    expect(checkTarget(at('1.30'), '1.30')).toEqual([
      {
        code: 'TARGET_IS_CURRENT',
        severity: 'info',
        message: 'The control plane is already at 1.30; the plan only brings add-ons and node groups to it.',
        resource: 'test-cluster',
      },
    ]);
  });

  it('given a lower target, then it blocks and says EKS does not downgrade', () => {
    expect(checkTarget(at('1.30'), '1.29')).toEqual([
      {
        code: 'TARGET_BELOW_CURRENT',
        severity: 'block',
        message:
          "Target 1.29 is below the cluster's version 1.30; EKS does not downgrade (version rollback only returns to the previous minor within 7 days of an upgrade).",
        resource: 'test-cluster',
      },
    ]);
  });

  it('given a target no compatibility data lists, then it blocks naming the newest known', () => {
    const s = at('1.30', [
      ...catalog,
      addonInfo('coredns', [{ v: 'v1.11.0-eksbuild.1', on: ['1.9', '1.10'] }]),
    ]);
    expect(checkTarget(s, '1.32')).toEqual([
      {
        code: 'TARGET_UNKNOWN',
        severity: 'block',
        message:
          'No add-on compatibility data lists Kubernetes 1.32 (the newest known is 1.31). Choose a version EKS offers or capture a fresh snapshot.',
        resource: 'test-cluster',
      },
    ]);
  });

  it('given no compatibility data, then a warning that the target cannot be confirmed', () => {
    expect(checkTarget(at('1.30', []), '1.31')).toEqual([
      {
        code: 'NO_COMPATIBILITY_DATA',
        severity: 'warn',
        message: 'The snapshot has no add-on compatibility data, so it cannot confirm that EKS offers 1.31.',
        resource: 'test-cluster',
      },
    ]);
  });

  it('knownVersions collects every cluster version of every add-on version', () => {
    const s = at('1.30', [
      ...catalog,
      addonInfo('coredns', [
        { v: 'v1', on: ['1.28'] },
        { v: 'v2', on: ['1.32'] },
      ]),
    ]);
    expect([...knownVersions(s)].sort()).toEqual(['1.28', '1.29', '1.30', '1.31', '1.32']);
  });
});

describe('checkAddons', () => {
  it('given ACTIVE add-ons without issues, then no finding', () => {
    const s = snapshot({
      addons: [addon('vpc-cni', 'v1'), addon('coredns', 'v1', { health: { issues: [] } })],
    });
    expect(checkAddons(s)).toEqual([]);
  });

  it.each(['CREATING', 'UPDATING', 'DELETING'])('given an add-on %s, then it blocks', (status) => {
    expect(checkAddons(snapshot({ addons: [addon('coredns', 'v1', { status })] }))).toEqual([
      {
        code: 'ADDON_BUSY',
        severity: 'block',
        message: `Add-on coredns is ${status}; EKS refuses another update until it is done. Plan again when it is ACTIVE.`,
        resource: 'coredns',
      },
    ]);
  });

  it('given a degraded add-on with issues, then a warning for its state and one per issue', () => {
    const s = snapshot({
      addons: [
        addon('coredns', 'v1', {
          status: 'DEGRADED',
          health: { issues: [{ code: 'InsufficientNumberOfReplicas', message: 'one replica.' }, {}] },
        }),
      ],
    });
    expect(checkAddons(s)).toEqual([
      {
        code: 'ADDON_NOT_ACTIVE',
        severity: 'warn',
        message:
          'Add-on coredns is DEGRADED; find out why before upgrading (its update may fail the same way).',
        resource: 'coredns',
      },
      {
        code: 'ADDON_HEALTH_ISSUE',
        severity: 'warn',
        message: 'Add-on coredns: InsufficientNumberOfReplicas: one replica.',
        resource: 'coredns',
      },
      {
        code: 'ADDON_HEALTH_ISSUE',
        severity: 'warn',
        message: 'Add-on coredns: issue: no message.',
        resource: 'coredns',
      },
    ]);
  });
});
