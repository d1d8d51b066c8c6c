import {
  CreateNodegroupCommand,
  type CreateNodegroupCommandInput,
  DeleteNodegroupCommand,
  DescribeNodegroupCommand,
  type EKSClient,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-eks';
import type { CreateNodegroupInput } from '../../domain/nodegroup-replacement';
import { type Nodegroup, nodegroupSchema } from '../../domain/snapshot';
import type { CreateNodegroupOutcome, DeleteNodegroupOutcome, NodegroupLifecycle } from '../../ports';
import { UnexpectedResponseError } from '../errors';
import { toPlainJson } from '../plain-json';
import { createEksClient } from './clients';

/** CreateNodegroup, DeleteNodegroup and DescribeNodegroup over SDK v3. */
export class EksNodegroupLifecycle implements NodegroupLifecycle {
  private readonly eks: EKSClient;

  constructor(options: { readonly eks?: EKSClient } = {}) {
    this.eks = options.eks ?? createEksClient();
  }

  /**
   * Creates the node group. A retry after a lost answer (same name, same token) meets
   * ResourceInUseException: the group exists, which is what the first call asked for.
   * Replacement names are derived from the upgrade id, so another group of that name
   * is not expected; the rollback checks the group's version before it relies on it.
   * @throws InvalidParameterException, InvalidRequestException, ResourceLimitExceededException from EKS.
   */
  async createNodegroup(input: CreateNodegroupInput): Promise<CreateNodegroupOutcome> {
    try {
      await this.eks.send(new CreateNodegroupCommand(input as CreateNodegroupCommandInput));
      return { kind: 'created' };
    } catch (error) {
      if (error instanceof ResourceInUseException) return { kind: 'exists' };
      throw error;
    }
  }

  /**
   * Deletes the node group: EKS drains its nodes (honouring PodDisruptionBudgets) and
   * terminates them. A group already gone is `gone`; ResourceInUseException is
   * `deleting` when the group is already being deleted, `busy` otherwise.
   */
  async deleteNodegroup(clusterName: string, nodegroupName: string): Promise<DeleteNodegroupOutcome> {
    try {
      await this.eks.send(new DeleteNodegroupCommand({ clusterName, nodegroupName }));
      return { kind: 'deleting' };
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return { kind: 'gone' };
      if (error instanceof ResourceInUseException) {
        const now = await this.describeNodegroup(clusterName, nodegroupName);
        if (!now) return { kind: 'gone' };
        return now.status === 'DELETING' ? { kind: 'deleting' } : { kind: 'busy', message: error.message };
      }
      throw error;
    }
  }

  /** @throws UnexpectedResponseError when EKS answers without a node group. */
  async describeNodegroup(clusterName: string, nodegroupName: string): Promise<Nodegroup | undefined> {
    try {
      const out = await this.eks.send(new DescribeNodegroupCommand({ clusterName, nodegroupName }));
      if (!out.nodegroup)
        throw new UnexpectedResponseError('DescribeNodegroup', `no node group ${nodegroupName}`);
      const parsed = nodegroupSchema().safeParse(toPlainJson(out.nodegroup));
      if (!parsed.success) {
        throw new UnexpectedResponseError(
          'DescribeNodegroup',
          `node group ${nodegroupName} is malformed: ${parsed.error.message}`,
        );
      }
      return parsed.data;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  }
}
