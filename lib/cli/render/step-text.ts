import { assertNever, type GateStage, type UpgradeStep } from '../../domain/plan-types';

const GATE_TEXT: Record<GateStage, string> = {
  'control-plane': 'control plane',
  canary: 'canary node group',
  nodegroups: 'every node group',
};

/** One line saying what a step does, for people. */
export function describeStep(step: UpgradeStep): string {
  switch (step.kind) {
    case 'control-plane':
      return `Update the control plane ${step.from} -> ${step.to}`;
    case 'addon':
      return `Update add-on ${step.name} ${step.from} -> ${step.to}`;
    case 'nodegroup':
      return `Update node group ${step.name} ${step.from} -> ${step.to}`;
    case 'provision-cluster':
      return `Provision cluster ${step.name} at ${step.to}, with its node groups and add-ons`;
    case 'shift-traffic':
      return `Shift traffic to ${step.name}: ${step.from}% -> ${step.to}%`;
    case 'decommission-cluster':
      return `Decommission cluster ${step.name} (${step.from})`;
    case 'gate':
      return `Gate (${GATE_TEXT[step.stage]} at ${step.hop}): service levels over a soak, and cluster health`;
    default:
      return assertNever(step, 'step kind');
  }
}

/** "2 h 35 min" from minutes. */
export function formatMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}
