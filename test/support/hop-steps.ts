import type { UpgradeStep } from '../../lib/domain/plan-types';

/**
 * The steps of one hop, 1.30 -> 1.31, as the planner writes them: for tests of what
 * runs when (parallel node groups, the schedule guard, the execution phase).
 */
export const hopControlPlane: UpgradeStep = {
  kind: 'control-plane',
  id: 'control-plane:1.31',
  hop: '1.31',
  from: '1.30',
  to: '1.31',
  estimatedMinutes: 25,
};

export const hopNodegroupsGate: UpgradeStep = {
  kind: 'gate',
  id: 'gate:1.31:nodegroups',
  stage: 'nodegroups',
  hop: '1.31',
  from: '1.31',
  to: '1.31',
  estimatedMinutes: 5,
};

/** A node group moved to `to` (1.31 unless said) within the 1.31 hop. */
export const hopNodegroup = (name: string, minutes = 10, to = '1.31'): UpgradeStep => ({
  kind: 'nodegroup',
  id: `nodegroup:${name}:${to}`,
  name,
  hop: '1.31',
  from: '1.30',
  to,
  estimatedMinutes: minutes,
});
