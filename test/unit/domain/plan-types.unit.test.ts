import { assertNever, DEFAULT_POLICY, GATE_STAGES, STRATEGIES } from '../../../lib/domain/plan-types';

/** The planner's defaults are documented figures (README, eks-upgrade-facts): pinned here. */
describe('plan types', () => {
  it('ships the documented default policy', () => {
    expect(DEFAULT_POLICY).toEqual({
      minFreeIps: 5,
      nodegroupVersionRule: 'match-control-plane',
      addonMinorRule: 'every-addon',
      insightMaxAgeHours: 24,
      durations: {
        controlPlaneMinutes: 25,
        addonMinutes: 3,
        minutesPerNode: 5,
        provisionClusterMinutes: 20,
        shiftTrafficMinutes: 15,
        decommissionMinutes: 15,
      },
      trafficSteps: [10, 25, 50, 100],
      blueGreen: { namePattern: '{blue}-{target}', soakMinutes: 10, finalBakeMinutes: 60 },
      gateSoakMinutes: { 'control-plane': 5, canary: 2, nodegroups: 5 },
    });
  });

  it('lists the strategies and gate stages in order', () => {
    expect(STRATEGIES).toEqual(['in_place', 'blue_green']);
    expect(GATE_STAGES).toEqual(['control-plane', 'canary', 'nodegroups']);
  });

  it('assertNever names what was not handled', () => {
    expect(() => assertNever('rolling' as never, 'strategy')).toThrow('unhandled strategy: "rolling"');
    expect(() => assertNever(3 as never)).toThrow('unhandled value: 3');
  });
});
