import type { Addon, Nodegroup } from '../../domain/snapshot';
import { escalateInsights } from './insights';
import type { ClusterWorld, SimUpdate } from './state';

/**
 * How updates move through virtual time. An update's outcome is fixed when it
 * starts; at its end time it is "settled": the outcome is applied to the resource
 * (new version, status back to ACTIVE, or a failed status) exactly once.
 */

/** Applies every update whose end is at or before `now`, oldest first. */
export function settleUpdates(world: ClusterWorld, now: Date): void {
  const due = world.updates
    .filter((u) => !u.settled && Date.parse(u.endsAt) <= now.getTime())
    .sort((a, b) => Date.parse(a.endsAt) - Date.parse(b.endsAt));
  for (const update of due) {
    applyOutcome(world, update);
    update.settled = true;
  }
}

/** Marks the resource as being updated, as EKS does when it accepts the update. */
export function markStarted(world: ClusterWorld, update: SimUpdate): void {
  const { snapshot } = world;
  switch (update.target.kind) {
    case 'cluster':
      // A platform patch keeps the cluster ACTIVE (it is still "in use" for new updates).
      if (update.effect.version !== undefined) snapshot.cluster.status = 'UPDATING';
      return;
    case 'nodegroup': {
      const ng = findNodegroup(world, update.target.name);
      if (ng) ng.status = 'UPDATING';
      return;
    }
    case 'addon': {
      const addon = findAddon(world, update.target.name);
      if (addon) addon.status = 'UPDATING';
      return;
    }
  }
}

function applyOutcome(world: ClusterWorld, update: SimUpdate): void {
  const ok = update.result === 'Successful';
  const { cluster } = world.snapshot;
  const { effect } = update;
  switch (update.target.kind) {
    case 'cluster':
      if (ok && effect.version !== undefined) {
        cluster.version = effect.version;
        escalateInsights(world, update.endsAt);
      }
      if (ok && effect.platformVersion !== undefined) cluster.platformVersion = effect.platformVersion;
      cluster.status = 'ACTIVE';
      return;
    case 'nodegroup': {
      const ng = findNodegroup(world, update.target.name);
      if (!ng) return;
      // A failed node-group update leaves the group ACTIVE on its old version (EKS stops replacing nodes).
      ng.status = 'ACTIVE';
      if (ok && effect.version !== undefined) {
        ng.version = effect.version;
        if (ng.releaseVersion !== undefined) {
          ng.releaseVersion = releaseVersionFor(effect.version, update.endsAt);
        }
      }
      return;
    }
    case 'addon': {
      const addon = findAddon(world, update.target.name);
      if (!addon) return;
      if (ok) {
        addon.status = 'ACTIVE';
        if (effect.addonVersion !== undefined) addon.addonVersion = effect.addonVersion;
        addon.health = { issues: [] };
      } else {
        addon.status = 'UPDATE_FAILED';
        addon.health = {
          issues: update.errors.map((e) => ({
            code: e.code,
            message: e.message,
            resourceIds: [...e.resourceIds],
          })),
        };
      }
      return;
    }
  }
}

/** An EKS-optimized AMI release for `version` dated when the update ended: "1.30.0-20250301". */
function releaseVersionFor(version: string, at: string): string {
  return `${version}.0-${at.slice(0, 10).replaceAll('-', '')}`;
}

export function findNodegroup(world: ClusterWorld, name: string): Nodegroup | undefined {
  return world.snapshot.nodegroups.find((ng) => ng.nodegroupName === name);
}

export function findAddon(world: ClusterWorld, name: string): Addon | undefined {
  return world.snapshot.addons.find((a) => a.addonName === name);
}
