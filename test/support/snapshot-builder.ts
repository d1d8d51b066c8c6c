import type { EnvironmentSnapshot } from '../../lib/domain/snapshot';
import { parseSnapshot } from '../../lib/domain/snapshot';

/** Kubernetes minors from `from` to `to` inclusive: range(28, 30) = ["1.28", "1.29", "1.30"]. */
export function minors(from: number, to: number): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m++) out.push(`1.${m}`);
  return out;
}

/** An AddonInfo entry: versions with the cluster versions each runs on and where it is the default. */
export function addonInfo(
  addonName: string,
  versions: ReadonlyArray<{ v: string; on: readonly string[]; defaultOn?: readonly string[] }>,
): EnvironmentSnapshot['addonVersions'][number] {
  return {
    addonName,
    addonVersions: versions.map(({ v, on, defaultOn = [] }) => ({
      addonVersion: v,
      compatibilities: on.map((k) => ({ clusterVersion: k, defaultVersion: defaultOn.includes(k) })),
    })),
  };
}

/** A valid snapshot of a healthy cluster; override any part. Validated like user input. */
export function snapshot(
  overrides: { version?: string } & Record<string, unknown> = {},
): EnvironmentSnapshot {
  const { version = '1.29', ...parts } = overrides;
  return parseSnapshot({
    cluster: {
      name: 'test-cluster',
      version,
      status: 'ACTIVE',
      resourcesVpcConfig: { subnetIds: ['subnet-a', 'subnet-b'] },
    },
    nodegroups: [],
    addons: [],
    addonVersions: [addonInfo('eks-pod-identity-agent', [{ v: 'v1.3.4-eksbuild.1', on: minors(24, 33) }])],
    insights: [],
    fargateProfiles: [],
    subnets: [
      { SubnetId: 'subnet-a', AvailableIpAddressCount: 100 },
      { SubnetId: 'subnet-b', AvailableIpAddressCount: 100 },
    ],
    ...parts,
  });
}

export function nodegroup(name: string, version: string, extra: Record<string, unknown> = {}) {
  return { nodegroupName: name, version, status: 'ACTIVE' as const, ...extra };
}

export function addon(name: string, version: string, extra: Record<string, unknown> = {}) {
  return { addonName: name, addonVersion: version, status: 'ACTIVE' as const, ...extra };
}
