import type { Finding, PlanningPolicy } from './plan-types';
import type { EnvironmentSnapshot, Nodegroup, Subnet } from './snapshot';

/**
 * Free IP addresses, judged where EKS spends them: one subnet at a time, per
 * Availability Zone, never summed over subnets (a network interface lives in one
 * subnet, so 3 + 3 free addresses in two subnets do not make room for 5).
 */

/** The zone a subnet is in: the zone id when DescribeSubnets gives it, else its name. */
function zoneOf(subnet: Subnet): string {
  const id = (subnet as { AvailabilityZoneId?: unknown }).AvailabilityZoneId;
  if (typeof id === 'string' && id.length > 0) return id;
  return subnet.AvailabilityZone ?? `unknown zone of ${subnet.SubnetId}`;
}

function describe(subnet: Subnet): string {
  return `${subnet.SubnetId} (${zoneOf(subnet)}): ${subnet.AvailableIpAddressCount} free`;
}

/** A managed node group's subnets (DescribeNodegroup.subnets). */
function nodegroupSubnetIds(ng: Nodegroup): readonly string[] {
  return ng.subnets ?? [];
}

/**
 * The cluster subnets. The User Guide ("Update existing cluster to new Kubernetes
 * version"): EKS "requires up to five available IP addresses from the subnets that
 * you specified when you created your cluster", "creates new cluster elastic network
 * interfaces in any of the subnets that you specified", and if any of them does not
 * "have enough available IP addresses ... the update can fail". The control plane
 * spans at least two Availability Zones, so at least two zones need a subnet with
 * that room (block), and each subnet short of it is a risk of its own (warn).
 */
function clusterSubnets(snapshot: EnvironmentSnapshot, policy: PlanningPolicy): Finding[] {
  const ids = snapshot.cluster.resourcesVpcConfig.subnetIds;
  const byId = new Map(snapshot.subnets.map((s) => [s.SubnetId, s]));
  const missing = ids.filter((id) => !byId.has(id));
  const findings: Finding[] = [];
  if (missing.length > 0) {
    findings.push({
      code: 'SUBNET_DATA_MISSING',
      severity: 'warn',
      message: `No DescribeSubnets data for cluster subnet(s) ${missing.join(', ')}: their free IP addresses are not checked.`,
      resource: missing.join(','),
    });
  }
  const known = ids.flatMap((id) => byId.get(id) ?? []);
  if (known.length === 0) return findings;
  const need = policy.minFreeIps;
  const roomy = new Set(known.filter((s) => s.AvailableIpAddressCount >= need).map(zoneOf));
  if (roomy.size < 2) {
    findings.push({
      code: 'SUBNET_FREE_IPS',
      severity: 'block',
      message: `${roomy.size} Availability Zone(s) have a cluster subnet with at least ${need} free IP addresses; a control-plane update needs up to ${need} in the subnets EKS picks, across at least two Availability Zones (else InsufficientFreeAddresses). Cluster subnets: ${known.map(describe).join('; ')}. Free addresses, or add subnets in the cluster's Availability Zones with UpdateClusterConfig.`,
      resource: known.map((s) => s.SubnetId).join(','),
    });
    return findings;
  }
  for (const subnet of known.filter((s) => s.AvailableIpAddressCount < need)) {
    findings.push({
      code: 'SUBNET_LOW_FREE_IPS',
      severity: 'warn',
      message: `Cluster subnet ${describe(subnet)}, fewer than ${need}: EKS may create the new control-plane network interfaces in any cluster subnet, and the update can fail if that one lacks addresses. Free addresses or replace it with UpdateClusterConfig.`,
      resource: subnet.SubnetId,
    });
  }
  return findings;
}

/**
 * Managed node-group subnets (eksup's check AWS001 looks at them too): an update
 * launches replacement nodes before it drains old ones, up to twice the number of
 * Availability Zones at a time, so each zone of the node group needs a subnet with
 * at least 2 free addresses (a floor: pods on the new nodes take addresses too).
 */
const NEW_NODES_PER_ZONE = 2;

function nodegroupSubnets(snapshot: EnvironmentSnapshot): Finding[] {
  const byId = new Map(snapshot.subnets.map((s) => [s.SubnetId, s]));
  const findings: Finding[] = [];
  const unknown = new Set<string>();
  for (const ng of snapshot.nodegroups) {
    const ids = nodegroupSubnetIds(ng);
    for (const id of ids) if (!byId.has(id)) unknown.add(id);
    const known = ids.flatMap((id) => byId.get(id) ?? []);
    const zones = new Map<string, Subnet[]>();
    for (const s of known) zones.set(zoneOf(s), [...(zones.get(zoneOf(s)) ?? []), s]);
    const short = [...zones.entries()].filter(([, subnets]) =>
      subnets.every((s) => s.AvailableIpAddressCount < NEW_NODES_PER_ZONE),
    );
    if (short.length === 0) continue;
    findings.push({
      code: 'NODEGROUP_SUBNET_FREE_IPS',
      severity: 'warn',
      message: `Node group ${ng.nodegroupName}: no subnet with at least ${NEW_NODES_PER_ZONE} free IP addresses in ${short.map(([zone]) => zone).join(', ')} (${short.flatMap(([, s]) => s.map(describe)).join('; ')}); its update launches replacement nodes there before draining old ones and can fail with NodeCreationFailure. Free addresses first.`,
      resource: ng.nodegroupName,
    });
  }
  if (unknown.size > 0) {
    findings.push({
      code: 'NODEGROUP_SUBNET_DATA_MISSING',
      severity: 'info',
      message: `No DescribeSubnets data for node-group subnet(s) ${[...unknown].join(', ')}: their free IP addresses are not checked.`,
      resource: [...unknown].join(','),
    });
  }
  return findings;
}

/** Free IP addresses for the control plane and for the node groups' replacement nodes. */
export function checkSubnets(snapshot: EnvironmentSnapshot, policy: PlanningPolicy): Finding[] {
  return [...clusterSubnets(snapshot, policy), ...nodegroupSubnets(snapshot)];
}
