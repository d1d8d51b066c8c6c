import fc from 'fast-check';
import { gatePlan } from '../../../lib/domain/gated-plan';
import { DEFAULT_POLICY } from '../../../lib/domain/plan-types';
import { reason } from '../../../lib/domain/reason';
import { gatedCluster, groupsArb } from '../../support/gated-cluster';

/**
 * Generated clusters 1.25-1.29 with 0-4 node groups at or below the control plane,
 * kube-proxy (one build per minor) and coredns, upgraded one to three hops. Gate
 * placement per hop, and EKS's rules, hold at every step of every gated plan.
 */
const arb = fc.record({
  minor: fc.integer({ min: 25, max: 29 }),
  hops: fc.integer({ min: 1, max: 3 }),
  groups: groupsArb(4),
});

describe('gatePlan (properties)', () => {
  it('per hop: control plane, its gate, then node groups (canary gated first), a last gate; node groups at the control-plane version before every hop', () => {
    fc.assert(
      fc.property(arb, ({ minor, hops, groups }) => {
        const version = `1.${minor}`;
        const cluster = gatedCluster(minor, groups);
        const planned = reason(cluster, {
          targetVersion: `1.${minor + hops}`,
          strategy: 'in_place',
          force: false,
        });
        const plan = gatePlan(planned, cluster, DEFAULT_POLICY);
        const ids = plan.steps.map((s) => s.id);
        expect(new Set(ids).size).toBe(ids.length);
        const kept = (steps: readonly { id: string; kind: string }[]) =>
          steps
            .filter((s) => s.kind !== 'nodegroup' && s.kind !== 'gate')
            .map((s) => s.id)
            .sort();
        expect(kept(plan.steps)).toEqual(kept(planned.steps));

        let cp = version;
        const ngs = new Map(cluster.nodegroups.map((n) => [n.nodegroupName, n.version]));
        let movedThisHop = 0;
        let cpGatePassed = false;
        for (const step of plan.steps) {
          switch (step.kind) {
            case 'control-plane':
              for (const v of ngs.values()) expect(v).toBe(cp);
              cp = step.to;
              movedThisHop = 0;
              cpGatePassed = false;
              break;
            case 'nodegroup':
              expect(step.to <= cp).toBe(true);
              if (step.to === step.hop) {
                expect(cpGatePassed).toBe(true);
                movedThisHop += 1;
              }
              ngs.set(step.name, step.to);
              break;
            case 'gate':
              expect(step.hop).toBe(cp);
              if (step.stage === 'control-plane') {
                expect(movedThisHop).toBe(0);
                cpGatePassed = true;
              }
              if (step.stage === 'canary') expect(movedThisHop).toBe(1);
              if (step.stage === 'nodegroups') for (const v of ngs.values()) expect(v).toBe(cp);
              break;
            default:
              break;
          }
        }
        for (let h = 1; h <= hops; h++) {
          const hop = `1.${minor + h}`;
          const at = (id: string) => ids.indexOf(id);
          expect(at(`gate:${hop}:control-plane`)).toBe(
            plan.steps.findIndex((s, i) => i > at(`control-plane:${hop}`) && s.kind !== 'addon'),
          );
          if (groups.length > 0) {
            expect(at(`gate:${hop}:nodegroups`)).toBeGreaterThan(at(`gate:${hop}:control-plane`));
            expect(at(`gate:${hop}:canary`) >= 0).toBe(groups.length > 1);
          }
          if (h < hops)
            expect(at(`control-plane:1.${minor + h + 1}`)).toBeGreaterThan(
              Math.max(...plan.steps.map((s, i) => (s.kind === 'gate' && s.hop === hop ? i : -1))),
            );
        }
      }),
    );
  });
});
