import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The demo snapshot every sandbox run starts from unless told otherwise. */
export const DEMO_SNAPSHOT = join(__dirname, '..', '..', 'demo', 'snapshots', 'payments-prod-1.30.json');

interface RawNodegroup {
  nodegroupName: string;
  nodegroupArn?: string;
  [key: string]: unknown;
}

/**
 * The demo snapshot with `count` node groups: copies of its own, in turn (same
 * versions, sizes and update configs), named `<name>-<n>`, and subnets wide enough
 * for every node to surge, so preflight judges the upgrade and not the address space.
 * With `withoutAddons`, those add-ons are left out (the demo's aws-ebs-csi-driver has
 * no compatible build on 1.32's path, which blocks a plan to 1.33 by design).
 */
export function wideDemoSnapshot(
  count: number,
  withoutAddons: readonly string[] = [],
): Record<string, unknown> {
  const demo = JSON.parse(readFileSync(DEMO_SNAPSHOT, 'utf8')) as {
    nodegroups: RawNodegroup[];
    subnets: { AvailableIpAddressCount?: number; CidrBlock?: string }[];
    addons: { addonName: string }[];
  };
  demo.addons = demo.addons.filter((a) => !withoutAddons.includes(a.addonName));
  const base = demo.nodegroups;
  const nodegroups = Array.from({ length: count }, (_, i) => {
    const template = base[i % base.length] as RawNodegroup;
    const name = `${template.nodegroupName}-${String(i).padStart(3, '0')}`;
    return {
      ...structuredClone(template),
      nodegroupName: name,
      ...(template.nodegroupArn
        ? { nodegroupArn: template.nodegroupArn.replace(`/${template.nodegroupName}/`, `/${name}/`) }
        : {}),
    };
  });
  const subnets = demo.subnets.map((s) => ({
    ...s,
    AvailableIpAddressCount: 16_000,
    CidrBlock: '10.0.0.0/16',
  }));
  return { ...demo, nodegroups, subnets };
}
