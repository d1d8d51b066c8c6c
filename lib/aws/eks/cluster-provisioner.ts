import {
  CreateAddonCommand,
  type CreateAddonCommandInput,
  CreateClusterCommand,
  type CreateClusterCommandInput,
  CreateFargateProfileCommand,
  type CreateFargateProfileCommandInput,
  DeleteAddonCommand,
  DeleteClusterCommand,
  DeleteFargateProfileCommand,
  DescribeAddonCommand,
  DescribeClusterCommand,
  DescribeFargateProfileCommand,
  type EKSClient,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-eks';
import type {
  CreateAddonInput,
  CreateClusterInput,
  CreateFargateProfileInput,
} from '../../domain/blue-green';
import type { ClusterProvisioner, CreateOutcome, DeleteOutcome, ResourceState } from '../../ports';
import { UnexpectedResponseError } from '../errors';
import { createEksClient } from './clients';

/**
 * Blue/green's EKS writes over SDK v3: CreateCluster, CreateAddon,
 * CreateFargateProfile, their Describe and Delete. Creates carry the domain's
 * client request token; a retry after a lost answer meets ResourceInUseException
 * (the name exists), which is `exists`: the green names are deterministic, so the
 * resource is the one the first call created.
 */
export class EksClusterProvisioner implements ClusterProvisioner {
  private readonly eks: EKSClient;

  constructor(options: { readonly eks?: EKSClient } = {}) {
    this.eks = options.eks ?? createEksClient();
  }

  /** @throws InvalidParameterException, ResourceLimitExceededException, UnsupportedAvailabilityZoneException from EKS. */
  createCluster(input: CreateClusterInput): Promise<CreateOutcome> {
    return created(this.eks.send(new CreateClusterCommand(input as CreateClusterCommandInput)));
  }

  /** @throws UnexpectedResponseError when EKS answers without a cluster. */
  async describeCluster(name: string): Promise<ResourceState | undefined> {
    return described(async () => {
      const out = await this.eks.send(new DescribeClusterCommand({ name }));
      const cluster = out.cluster;
      if (!cluster?.status)
        throw new UnexpectedResponseError('DescribeCluster', `no status for cluster ${name}`);
      return {
        status: cluster.status,
        ...(cluster.version ? { version: cluster.version } : {}),
        issues: (cluster.health?.issues ?? []).map((i) => `${i.code ?? 'Unknown'}: ${i.message ?? ''}`),
      };
    });
  }

  deleteCluster(name: string): Promise<DeleteOutcome> {
    return deleted(this.eks.send(new DeleteClusterCommand({ name })), () => this.describeCluster(name));
  }

  createAddon(input: CreateAddonInput): Promise<CreateOutcome> {
    return created(
      this.eks.send(
        new CreateAddonCommand({ ...input, resolveConflicts: 'OVERWRITE' } as CreateAddonCommandInput),
      ),
    );
  }

  /** @throws UnexpectedResponseError when EKS answers without an add-on status. */
  async describeAddon(clusterName: string, addonName: string): Promise<ResourceState | undefined> {
    return described(async () => {
      const out = await this.eks.send(new DescribeAddonCommand({ clusterName, addonName }));
      const addon = out.addon;
      if (!addon?.status)
        throw new UnexpectedResponseError('DescribeAddon', `no status for add-on ${addonName}`);
      return {
        status: addon.status,
        ...(addon.addonVersion ? { version: addon.addonVersion } : {}),
        issues: (addon.health?.issues ?? []).map((i) => `${i.code ?? 'Unknown'}: ${i.message ?? ''}`),
      };
    });
  }

  deleteAddon(clusterName: string, addonName: string): Promise<DeleteOutcome> {
    return deleted(this.eks.send(new DeleteAddonCommand({ clusterName, addonName })), () =>
      this.describeAddon(clusterName, addonName),
    );
  }

  createFargateProfile(input: CreateFargateProfileInput): Promise<CreateOutcome> {
    return created(
      this.eks.send(new CreateFargateProfileCommand(input as unknown as CreateFargateProfileCommandInput)),
    );
  }

  /** @throws UnexpectedResponseError when EKS answers without a profile status. */
  async describeFargateProfile(clusterName: string, profileName: string): Promise<ResourceState | undefined> {
    return described(async () => {
      const out = await this.eks.send(
        new DescribeFargateProfileCommand({ clusterName, fargateProfileName: profileName }),
      );
      const profile = out.fargateProfile;
      if (!profile?.status)
        throw new UnexpectedResponseError('DescribeFargateProfile', `no status for profile ${profileName}`);
      return {
        status: profile.status,
        issues: (profile.health?.issues ?? []).map((i) => `${i.code ?? 'Unknown'}: ${i.message ?? ''}`),
      };
    });
  }

  deleteFargateProfile(clusterName: string, profileName: string): Promise<DeleteOutcome> {
    return deleted(
      this.eks.send(new DeleteFargateProfileCommand({ clusterName, fargateProfileName: profileName })),
      () => this.describeFargateProfile(clusterName, profileName),
    );
  }
}

async function created(call: Promise<unknown>): Promise<CreateOutcome> {
  try {
    await call;
    return { kind: 'created' };
  } catch (error) {
    if (error instanceof ResourceInUseException) return { kind: 'exists' };
    throw error;
  }
}

async function described(read: () => Promise<ResourceState>): Promise<ResourceState | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/**
 * Not found is `gone`; ResourceInUseException is `deleting` when the resource is
 * already being deleted, `busy` otherwise (a cluster that still has node groups).
 */
async function deleted(
  call: Promise<unknown>,
  describe: () => Promise<ResourceState | undefined>,
): Promise<DeleteOutcome> {
  try {
    await call;
    return { kind: 'deleting' };
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return { kind: 'gone' };
    if (error instanceof ResourceInUseException) {
      const now = await describe();
      if (!now) return { kind: 'gone' };
      return now.status === 'DELETING' ? { kind: 'deleting' } : { kind: 'busy', message: error.message };
    }
    throw error;
  }
}
