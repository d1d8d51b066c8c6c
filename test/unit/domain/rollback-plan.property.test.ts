import fc from 'fast-check';
import { planRollback, type RollbackStepView } from '../../../lib/domain/rollback-plan';
import { compareVersions } from '../../../lib/domain/version';
import { propertyRuns } from '../../support/property-runs';
import { addon, addonInfo, minors, nodegroup, snapshot } from '../../support/snapshot-builder';

/**
 * Generated upgrades: a gated plan over 1 to 3 hops with 1 to 3 node groups, cut
 * after any step (a gate failed there), the cluster in the state those steps left
 * it, any configuration and any time since the hop. Invariants of every rollback plan.
 */
function gatedPlan(start: number, hopCount: number, groups: readonly string[]): RollbackStepView[] {
  const steps: RollbackStepView[] = [];
  for (let h = 1; h <= hopCount; h++) {
    const from = `1.${start + h - 1}`;
    const to = `1.${start + h}`;
    steps.push({
      id: `addon:coredns:${to}`,
      kind: 'addon',
      name: 'coredns',
      hop: to,
      from: `c${from}`,
      to: `c${to}`,
    });
    steps.push({ id: `control-plane:${to}`, kind: 'control-plane', hop: to, from, to });
    steps.push({ id: `gate:${to}:cp`, kind: 'gate', hop: to, from: to, to });
    groups.forEach((g, i) => {
      steps.push({ id: `nodegroup:${g}:${to}`, kind: 'nodegroup', name: g, hop: to, from, to });
      if (i === 0) steps.push({ id: `gate:${to}:canary`, kind: 'gate', hop: to, from: to, to });
    });
    steps.push({ id: `gate:${to}:nodegroups`, kind: 'gate', hop: to, from: to, to });
  }
  return steps;
}

const arb = fc
  .record({
    start: fc.integer({ min: 25, max: 30 }),
    hopCount: fc.integer({ min: 1, max: 3 }),
    groups: fc.uniqueArray(fc.constantFrom('general', 'batch', 'gpu'), { minLength: 1, maxLength: 3 }),
    revertControlPlane: fc.boolean(),
    minutesSinceHop: fc.integer({ min: 0, max: 8 * 24 * 60 }),
    withNodeRole: fc.boolean(),
  })
  .chain((c) => {
    const steps = gatedPlan(c.start, c.hopCount, c.groups);
    return fc.record({
      c: fc.constant(c),
      steps: fc.constant(steps),
      cut: fc.integer({ min: 0, max: steps.length }),
    });
  });

type Case = {
  start: number;
  groups: readonly string[];
  revertControlPlane: boolean;
  minutesSinceHop: number;
  withNodeRole: boolean;
};

/** The cluster as the first `cut` steps left it, and the rollback planned for it. */
function rollbackOf(c: Case, steps: RollbackStepView[], cut: number) {
  const completed = steps.slice(0, cut);
  const start = `1.${c.start}`;
  const versions = new Map<string, string>(c.groups.map((g) => [g, start]));
  let cp = start;
  let coredns = `c${start}`;
  for (const s of completed) {
    if (s.kind === 'control-plane') cp = s.to;
    if (s.kind === 'nodegroup' && s.name) versions.set(s.name, s.to);
    if (s.kind === 'addon') coredns = s.to;
  }
  const extra = c.withNodeRole ? { subnets: ['subnet-a'], nodeRole: 'arn:aws:iam::1:role/n' } : {};
  const plan = planRollback({
    upgradeId: 'up-1',
    steps,
    completed: completed.map((s) => s.id),
    snapshot: snapshot({
      version: cp,
      nodegroups: c.groups.map((g) => nodegroup(g, versions.get(g) ?? start, extra)),
      addons: [addon('coredns', coredns)],
    }),
    addonVersions: [
      addonInfo(
        'coredns',
        minors(c.start, c.start + 3).map((k, i, all) => ({
          v: `c${k}`,
          on: all.slice(Math.max(0, i - 1), i + 2),
        })),
      ),
    ],
    previousNodegroups: {},
    hopCompletedAt: '2025-01-01T00:00:00.000Z',
    now: new Date(Date.parse('2025-01-01T00:00:00.000Z') + c.minutesSinceHop * 60_000).toISOString(),
    revertControlPlane: c.revertControlPlane,
  });
  return { completed, versions, plan, cp, coredns };
}

describe('planRollback (properties)', () => {
  it('reverts only the current hop, replacements before the control plane, and says which outcome to expect', () => {
    fc.assert(
      fc.property(arb, ({ c, steps, cut }) => {
        const { completed, versions, plan } = rollbackOf(c, steps, cut);
        const hop = completed.at(-1)?.hop;
        expect(plan.hop).toBe(hop);
        const reverts = plan.actions.flatMap((a) => (a.kind === 'keep' ? [] : [a]));
        for (const a of reverts) expect(a.from).toBe(hop);
        const cpIndex = plan.actions.findIndex((a) => a.kind === 'rollback-control-plane');
        const lastReplace = plan.actions.findLastIndex((a) => a.kind === 'replace-nodegroup');
        if (cpIndex >= 0) {
          expect(lastReplace).toBeLessThan(cpIndex);
          const to =
            plan.actions[cpIndex]?.kind === 'rollback-control-plane'
              ? (plan.actions[cpIndex] as { to: string }).to
              : '';
          const replaced = new Set(
            reverts.flatMap((a) => (a.kind === 'replace-nodegroup' ? [a.nodegroup] : [])),
          );
          for (const [g, v] of versions) expect(replaced.has(g) || compareVersions(v, to) <= 0).toBe(true);
          expect(c.revertControlPlane).toBe(true);
        }
        for (const s of completed.filter((x) => x.hop !== hop && x.kind !== 'gate')) {
          expect(plan.actions).toContainEqual(
            expect.objectContaining({ kind: 'keep', why: expect.stringContaining(`in hop ${s.hop}`) }),
          );
        }
        const blocking = plan.actions.some((a) => a.kind === 'keep' && a.blocking === true);
        expect(plan.expected).toBe(
          reverts.length === 0 ? 'stopped' : blocking ? 'partially-reverted' : 'reverted',
        );
        expect(plan.actions.every((a) => a.why.length > 0)).toBe(true);
      }),
    );
  });

  it('rolls the control plane back exactly when enabled, in the window, at the hop, and nothing newer stays behind', () => {
    fc.assert(
      fc.property(arb, ({ c, steps, cut }) => {
        const { completed, versions, plan, cp, coredns } = rollbackOf(c, steps, cut);
        const hop = completed.at(-1)?.hop;
        const cpStep = completed.find((s) => s.kind === 'control-plane' && s.hop === hop);
        const previous = cpStep?.from ?? '';
        const replaced = new Set(
          plan.actions.flatMap((a) => (a.kind === 'replace-nodegroup' ? [a.nodegroup] : [])),
        );
        const newerStays =
          cpStep !== undefined &&
          [...versions].some(([g, v]) => !replaced.has(g) && compareVersions(v, previous) > 0);
        // coredns c1.N runs on 1.(N-1) to 1.(N+1).
        const corednsRuns = Math.abs(Number(coredns.split('.')[1]) - Number(previous.split('.')[1])) <= 1;
        const expected =
          cpStep !== undefined &&
          c.revertControlPlane &&
          cp === cpStep.to &&
          c.minutesSinceHop <= 7 * 24 * 60 &&
          !newerStays &&
          corednsRuns;
        const rollback = plan.actions.filter((a) => a.kind === 'rollback-control-plane');
        expect(rollback).toHaveLength(expected ? 1 : 0);
        if (expected) expect(rollback[0]).toMatchObject({ from: cpStep?.to, to: previous });
        const kept = plan.actions.find(
          (a) => a.kind === 'keep' && a.resource === 'cluster/test-cluster' && a.blocking,
        );
        expect(kept === undefined).toBe(expected || cpStep === undefined);
      }),
      { numRuns: propertyRuns(300) },
    );
  });
});
