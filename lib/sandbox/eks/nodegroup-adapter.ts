import type { CreateNodegroupInput } from '../../domain/nodegroup-replacement';
import type { Nodegroup } from '../../domain/snapshot';
import type { CreateNodegroupOutcome, DeleteNodegroupOutcome, NodegroupLifecycle } from '../../ports';
import { ResourceInUseException, ResourceNotFoundException } from './errors';
import { createNodegroup, deleteNodegroup } from './nodegroup-ops';
import { findNodegroup } from './progress';
import type { WorldSession } from './session';

/**
 * The sandbox behind the NodegroupLifecycle port, mapping EKS's answers as the AWS
 * adapter does: a create that finds its group is `exists`, a delete of a group
 * that is gone is `gone`, a delete of one already DELETING is `deleting`.
 */
export class SandboxNodegroupLifecycle implements NodegroupLifecycle {
  constructor(private readonly session: WorldSession) {}

  /**
   * @throws InvalidParameterException when EKS's rules refuse the request.
   * @throws ResourceInUseException while the control plane is updating.
   */
  async createNodegroup(input: CreateNodegroupInput): Promise<CreateNodegroupOutcome> {
    return this.session.run('createNodegroup', ({ eks, now, scenario }) => {
      const world = eks.cluster(input.clusterName);
      try {
        // A green cluster's node groups meet the scenario's provisioning fault.
        createNodegroup(world, now, input, world.created ? scenario.provisionFailure : undefined);
        return { kind: 'created' } as const;
      } catch (error) {
        if (error instanceof ResourceInUseException && findNodegroup(world, input.nodegroupName)) {
          return { kind: 'exists' } as const;
        }
        throw error;
      }
    });
  }

  async deleteNodegroup(clusterName: string, nodegroupName: string): Promise<DeleteNodegroupOutcome> {
    return this.session.run('deleteNodegroup', ({ eks, now, scenario }) => {
      const world = eks.cluster(clusterName);
      try {
        deleteNodegroup(world, now, scenario, nodegroupName);
        return { kind: 'deleting' } as const;
      } catch (error) {
        if (error instanceof ResourceNotFoundException) return { kind: 'gone' } as const;
        if (error instanceof ResourceInUseException) {
          return findNodegroup(world, nodegroupName)?.status === 'DELETING'
            ? ({ kind: 'deleting' } as const)
            : ({ kind: 'busy', message: error.message } as const);
        }
        throw error;
      }
    });
  }

  async describeNodegroup(clusterName: string, nodegroupName: string): Promise<Nodegroup | undefined> {
    return this.session.run('describeNodegroup', ({ eks }) => {
      const ng = findNodegroup(eks.cluster(clusterName), nodegroupName);
      return ng ? structuredClone(ng) : undefined;
    });
  }
}
