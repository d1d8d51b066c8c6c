import { shortHash } from './hash';
import { clientRequestToken } from './request-token';
import type { Nodegroup } from './snapshot';

/**
 * A managed node group goes back to a previous Kubernetes version by replacement:
 * EKS does not downgrade node groups, so a new one is created at the previous
 * version from the upgraded one's DescribeNodegroup, and the upgraded one is
 * deleted once the new one is ACTIVE (EKS drains it, honouring PodDisruptionBudgets).
 */

/** EKS's limit on a node group name. */
export const NODEGROUP_NAME_MAX = 63;

/** EKS's rule for a node group name: 1-63 letters, digits, - and _, a letter or digit first. */
export function isNodegroupName(name: string): boolean {
  return name.length <= NODEGROUP_NAME_MAX && /^[0-9A-Za-z][A-Za-z0-9_-]*$/.test(name);
}

/** The tag that says which node group a replacement stands in for (and lets a person find it). */
export const REPLACES_TAG = 'eks-upgrade-agent/replaces';

type Taint = { key?: string; value?: string; effect?: 'NO_SCHEDULE' | 'NO_EXECUTE' | 'PREFER_NO_SCHEDULE' };

/** The CreateNodegroup request, in the SDK's field names (the domain does not import the SDK). */
export interface CreateNodegroupInput {
  readonly clusterName: string;
  readonly nodegroupName: string;
  readonly clientRequestToken: string;
  readonly nodeRole: string;
  readonly subnets: readonly string[];
  readonly version?: string;
  readonly releaseVersion?: string;
  readonly scalingConfig?: { minSize?: number; maxSize?: number; desiredSize?: number };
  readonly instanceTypes?: readonly string[];
  readonly amiType?: string;
  readonly capacityType?: string;
  readonly diskSize?: number;
  readonly remoteAccess?: { ec2SshKey?: string; sourceSecurityGroups?: string[] };
  readonly labels?: Readonly<Record<string, string>>;
  readonly taints?: readonly Taint[];
  readonly tags?: Readonly<Record<string, string>>;
  readonly launchTemplate?: { id?: string; name?: string; version?: string };
  readonly updateConfig?: Record<string, unknown>;
  readonly nodeRepairConfig?: Record<string, unknown>;
  readonly warmPoolConfig?: Record<string, unknown>;
}

/** What the node group was before this upgrade moved it, as recorded before the update. */
export interface PreviousNodegroupState {
  readonly version: string;
  /** The AMI release before the update; when unknown EKS picks the latest release for `version`. */
  readonly releaseVersion?: string;
  /** The launch template version before the update (the one that carries the previous AMI). */
  readonly launchTemplateVersion?: string;
}

export type ReplacementPlan =
  | {
      readonly kind: 'replacement';
      readonly request: CreateNodegroupInput;
      /** What of the original is not in the request, and why: the report shows it. */
      readonly notCarried: readonly { readonly field: string; readonly why: string }[];
    }
  | { readonly kind: 'impossible'; readonly reason: string };

/**
 * The deterministic name of the replacement of `original` in upgrade `upgradeId`:
 * `<original, shortened>-rb-<8 hex>`, at most 63 characters, never the original's
 * name (both exist until the original is deleted), the same on every retry.
 */
export function replacementName(upgradeId: string, original: string): string {
  const suffix = `-rb-${shortHash(`${upgradeId}\u0000${original}`, 8)}`;
  return `${original.slice(0, NODEGROUP_NAME_MAX - suffix.length)}${suffix}`;
}

/** Fields of DescribeNodegroup that only describe the running group: no CreateNodegroup input takes them. */
const RUNTIME_FIELDS = [
  'nodegroupArn',
  'clusterName',
  'createdAt',
  'modifiedAt',
  'status',
  'health',
  'resources',
] as const;

/**
 * The CreateNodegroup request for a replacement of `upgraded` at `previous.version`.
 * Copied as they are: subnets, node role, scaling, instance types, AMI type,
 * capacity type, labels, taints, tags (but `aws:` ones, which only AWS may set),
 * update config, node repair and warm pool config, disk size and remote access
 * (without a launch template; with one they live in the template, and EKS refuses
 * them in the request), the launch template id or name with the version that
 * carried the previous AMI. A custom-AMI group (amiType CUSTOM) gets no version:
 * its AMI is the template's, so without the previous template version it cannot
 * be replaced.
 */
export function planNodegroupReplacement(input: {
  readonly upgradeId: string;
  readonly clusterName: string;
  readonly upgraded: Nodegroup;
  readonly previous: PreviousNodegroupState;
}): ReplacementPlan {
  const { upgraded: ng, previous } = input;
  const original = ng.nodegroupName;
  const { subnets = [], nodeRole } = ng;
  if (subnets.length === 0 || !nodeRole) {
    return {
      kind: 'impossible',
      reason: `node group ${original} has no ${nodeRole ? 'subnets' : 'nodeRole'} in its DescribeNodegroup, which CreateNodegroup requires`,
    };
  }
  const custom = ng.amiType === 'CUSTOM';
  const template = ng.launchTemplate;
  if (custom && (!template || previous.launchTemplateVersion === undefined)) {
    return {
      kind: 'impossible',
      reason: `node group ${original} runs a custom AMI from its launch template, and the template version that carried the ${previous.version} AMI was not recorded`,
    };
  }
  const notCarried: { field: string; why: string }[] = RUNTIME_FIELDS.filter((f) => ng[f] !== undefined).map(
    (field) => ({ field, why: 'describes the running group; EKS sets it for the new one' }),
  );
  const name = replacementName(input.upgradeId, original);
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(ng.tags ?? {})) {
    if (key.startsWith('aws:'))
      notCarried.push({ field: `tags.${key}`, why: 'aws: tags are set by AWS only' });
    else tags[key] = value;
  }
  tags[REPLACES_TAG] = original;
  const request: Record<string, unknown> = {
    clusterName: input.clusterName,
    nodegroupName: name,
    clientRequestToken: clientRequestToken(input.upgradeId, `replace-nodegroup:${original}`),
    nodeRole,
    subnets: [...subnets],
    tags,
  };
  if (!custom) {
    request.version = previous.version;
    if (previous.releaseVersion !== undefined) request.releaseVersion = previous.releaseVersion;
    else
      notCarried.push({
        field: 'releaseVersion',
        why: `the AMI release before the update was not recorded; EKS picks the latest release for ${previous.version}`,
      });
  }
  for (const field of [
    'scalingConfig',
    'updateConfig',
    'nodeRepairConfig',
    'warmPoolConfig',
    'labels',
  ] as const) {
    if (ng[field] !== undefined) request[field] = structuredClone(ng[field]);
  }
  for (const field of ['amiType', 'capacityType'] as const) {
    if (ng[field] !== undefined) request[field] = ng[field];
  }
  if (ng.instanceTypes) request.instanceTypes = [...ng.instanceTypes];
  if (ng.taints) request.taints = structuredClone(ng.taints);
  if (template) {
    const version = previous.launchTemplateVersion ?? template.version;
    request.launchTemplate = {
      ...(template.id !== undefined ? { id: template.id } : {}),
      ...(template.id === undefined && template.name !== undefined ? { name: template.name } : {}),
      ...(version !== undefined ? { version } : {}),
    };
    for (const field of ['diskSize', 'remoteAccess'] as const) {
      if (ng[field] !== undefined) {
        notCarried.push({ field, why: 'set by the launch template, which EKS requires to carry it' });
      }
    }
  } else {
    if (ng.diskSize !== undefined) request.diskSize = ng.diskSize;
    if (ng.remoteAccess !== undefined) request.remoteAccess = structuredClone(ng.remoteAccess);
  }
  return { kind: 'replacement', request: request as unknown as CreateNodegroupInput, notCarried };
}
