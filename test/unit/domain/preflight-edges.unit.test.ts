import { DEFAULT_POLICY, type Finding, type UpgradeRequest } from '../../../lib/domain/plan-types';
import { checkAddons, checkTarget } from '../../../lib/domain/preflight';
import { checkFargate, checkNodegroups, checkSupportAndCost } from '../../../lib/domain/preflight-compute';
import { checkInsights, formatAge } from '../../../lib/domain/preflight-insights';
import { checkLaunchTemplates } from '../../../lib/domain/preflight-launch-templates';
import { checkSubnets } from '../../../lib/domain/preflight-network';
import { addon, addonInfo, nodegroup, snapshot } from '../../support/snapshot-builder';

/**
 * Preflight checks at their edges: boundaries (a date or an age exactly at the limit),
 * defaults for missing fields, and the findings that must not appear. Each finding is
 * asserted whole (code, severity, message, resource) or its absence is.
 */

const request = (extra: Partial<UpgradeRequest> = {}): UpgradeRequest => ({
  targetVersion: '1.31',
  strategy: 'in_place',
  force: false,
  ...extra,
});

describe('checkTarget at its edges', () => {
  const catalog = [addonInfo('vpc-cni', [{ v: 'v1', on: ['1.30', '1.31'] }])];
  const at = (addonVersions: unknown[] = catalog) => snapshot({ version: '1.30', addonVersions });

  it('given the current version and no compatibility data, then info and warning both', () => {
    expect(checkTarget(at([]), '1.30').map((f) => `${f.severity}:${f.code}`)).toEqual([
      'info:TARGET_IS_CURRENT',
      'warn:NO_COMPATIBILITY_DATA',
    ]);
  });

  it('given the current version that no data lists, then info and block', () => {
    const s = at([addonInfo('vpc-cni', [{ v: 'v1', on: ['1.31'] }])]);
    expect(checkTarget(s, '1.30').map((f) => `${f.severity}:${f.code}`)).toEqual([
      'info:TARGET_IS_CURRENT',
      'block:TARGET_UNKNOWN',
    ]);
  });
});

describe('checkAddons at its edges', () => {
  it('given issue messages with an inner dot or no final dot, then exactly one final dot', () => {
    const s = snapshot({
      addons: [
        addon('coredns', 'v1', {
          health: {
            issues: [
              { code: 'C1', message: 'v1.2 crashed.' },
              { code: 'C2', message: 'no dot' },
            ],
          },
        }),
      ],
    });
    expect(checkAddons(s).map((f) => f.message)).toEqual([
      'Add-on coredns: C1: v1.2 crashed.',
      'Add-on coredns: C2: no dot.',
    ]);
  });

  it('given a busy add-on with an issue, then the block and the warning, not ADDON_NOT_ACTIVE', () => {
    const s = snapshot({
      addons: [
        addon('coredns', 'v1', { status: 'DELETING', health: { issues: [{ code: 'X', message: 'y' }] } }),
      ],
    });
    expect(checkAddons(s).map((f) => `${f.severity}:${f.code}`)).toEqual([
      'block:ADDON_BUSY',
      'warn:ADDON_HEALTH_ISSUE',
    ]);
  });
});

describe('checkNodegroups at its edges', () => {
  it.each(['CREATING', 'UPDATING', 'DELETING'])('given a node group %s, then it blocks as busy', (status) => {
    const s = snapshot({ nodegroups: [nodegroup('n', '1.29', { status })] });
    expect(checkNodegroups(s, '1.30').map((f) => `${f.severity}:${f.code}:${f.message}`)).toEqual([
      `block:NODEGROUP_BUSY:Node group n is ${status}; EKS refuses another update until it is done.`,
    ]);
  });
});

describe('checkFargate at its edges', () => {
  it('given no Fargate profile, then nothing', () => {
    expect(checkFargate(snapshot(), ['1.30'])).toEqual([]);
  });

  it('given profiles and no hop (blue/green), then the restart is asked without hops, naming every profile', () => {
    const s = snapshot({ fargateProfiles: [{ fargateProfileName: 'fp-a' }, { fargateProfileName: 'fp-b' }] });
    expect(checkFargate(s, [])).toEqual<Finding[]>([
      {
        code: 'FARGATE_PODS_RESTART',
        severity: 'warn',
        message:
          "Fargate profile(s) fp-a, fp-b: running Fargate pods keep the kubelet version they started with; they run an older kubelet than the control plane 1.29 until restarted. The agent cannot restart pods: roll those workloads yourself (the User Guide's order; the Best Practices guide restarts them only after the control-plane update).",
        resource: 'fp-a, fp-b',
      },
    ]);
  });
});

describe('checkSupportAndCost at its edges', () => {
  const END_STANDARD = '2025-03-23T00:00:00.000Z';
  const END_EXTENDED = '2026-03-23T00:00:00.000Z';
  const dates = (standard = true, extended = true) =>
    snapshot({
      clusterVersions: [
        { clusterVersion: '1.28', endOfStandardSupportDate: '2020-01-01T00:00:00Z' },
        {
          clusterVersion: '1.29',
          ...(standard ? { endOfStandardSupportDate: END_STANDARD } : {}),
          ...(extended ? { endOfExtendedSupportDate: END_EXTENDED } : {}),
        },
      ],
    });
  const withPolicy = (s: ReturnType<typeof snapshot>, supportType: 'STANDARD' | 'EXTENDED') => ({
    ...s,
    cluster: { ...s.cluster, upgradePolicy: { supportType } },
  });
  const justBefore = (iso: string) => new Date(Date.parse(iso) - 1).toISOString();
  const codes = (f: Finding[]) => f.map((x) => `${x.severity}:${x.code}:${x.resource}`);

  it('given no clock in the request, then no date has passed: nothing is said about support', () => {
    for (const supportType of ['STANDARD', 'EXTENDED'] as const) {
      const dated = (now?: string) =>
        checkSupportAndCost(withPolicy(dates(), supportType), request({ now })).filter(
          (f) => f.code.endsWith('_ENDED') || f.code.endsWith('_COST'),
        );
      expect(dated(undefined)).toEqual([]);
      expect(dated('2030-01-01T00:00:00Z')).toHaveLength(1);
    }
  });

  it('given STANDARD exactly at the end of standard support, then it has ended; 1 ms before, it ends', () => {
    const s = withPolicy(dates(), 'STANDARD');
    expect(codes(checkSupportAndCost(s, request({ now: END_STANDARD })))).toEqual([
      'warn:STANDARD_SUPPORT_ENDED:test-cluster',
    ]);
    expect(checkSupportAndCost(s, request({ now: justBefore(END_STANDARD) }))).toEqual<Finding[]>([
      {
        code: 'STANDARD_SUPPORT_ENDS',
        severity: 'info',
        message:
          'Standard support for Kubernetes 1.29 ends on 2025-03-23; with upgrade policy STANDARD, after that EKS upgrades the cluster to the next version itself.',
        resource: 'test-cluster',
      },
    ]);
  });

  it('given STANDARD past the end of extended support too, then the standard warning wins', () => {
    const s = withPolicy(dates(), 'STANDARD');
    expect(codes(checkSupportAndCost(s, request({ now: '2027-01-01T00:00:00Z' })))).toEqual([
      'warn:STANDARD_SUPPORT_ENDED:test-cluster',
    ]);
  });

  it('given exactly the end of extended support, then it has ended; 1 ms before, the cost is stated', () => {
    expect(codes(checkSupportAndCost(dates(), request({ now: END_EXTENDED })))).toEqual([
      'warn:EXTENDED_SUPPORT_ENDED:test-cluster',
    ]);
    expect(codes(checkSupportAndCost(dates(), request({ now: justBefore(END_EXTENDED) })))).toEqual([
      'info:EXTENDED_SUPPORT_COST:test-cluster',
    ]);
  });

  it('given an explicit EXTENDED policy past standard support without an extended end date, then the cost without the end', () => {
    const s = withPolicy(dates(true, false), 'EXTENDED');
    expect(checkSupportAndCost(s, request({ now: END_STANDARD }))).toEqual<Finding[]>([
      {
        code: 'EXTENDED_SUPPORT_COST',
        severity: 'info',
        message:
          'Kubernetes 1.29 left standard support on 2025-03-23; with upgrade policy EXTENDED the control plane is billed at extended-support rates (about $0.60 instead of $0.10 per cluster-hour) until it is upgraded, and extended support cannot be turned off once entered.',
        resource: 'test-cluster',
      },
    ]);
  });

  it('given no time in the request, then no date counts as passed', () => {
    expect(codes(checkSupportAndCost(dates(), request()))).toEqual([
      'info:STANDARD_SUPPORT_ENDS:test-cluster',
    ]);
  });

  it('given only an extended end date past, then it has ended', () => {
    expect(codes(checkSupportAndCost(dates(false, true), request({ now: END_EXTENDED })))).toEqual([
      'warn:EXTENDED_SUPPORT_ENDED:test-cluster',
    ]);
  });

  it('given a standard end date ahead and no extended end, then extended support without an end', () => {
    expect(checkSupportAndCost(dates(true, false), request({ now: '2025-01-01T00:00:00Z' }))).toEqual<
      Finding[]
    >([
      {
        code: 'STANDARD_SUPPORT_ENDS',
        severity: 'info',
        message:
          'Standard support for Kubernetes 1.29 ends on 2025-03-23; with no upgrade policy (EXTENDED, the default), after that the cluster enters extended support (about $0.60 instead of $0.10 per cluster-hour).',
        resource: 'test-cluster',
      },
    ]);
  });

  it('given dates for another version only, then they are not used', () => {
    const s = snapshot({
      clusterVersions: [{ clusterVersion: '1.28', endOfStandardSupportDate: '2020-01-01T00:00:00Z' }],
    });
    expect(codes(checkSupportAndCost(s, request({ now: '2026-01-01T00:00:00Z' })))).toEqual([
      'info:EXTENDED_SUPPORT_ENROLLED:test-cluster',
    ]);
  });

  it('given an explicit EXTENDED policy and no dates, then enrolled naming it; STANDARD and no dates, nothing', () => {
    expect(checkSupportAndCost(withPolicy(snapshot(), 'EXTENDED'), request())).toEqual<Finding[]>([
      {
        code: 'EXTENDED_SUPPORT_ENROLLED',
        severity: 'info',
        message:
          'The cluster has upgrade policy EXTENDED: once 1.29 leaves standard support it costs about $0.60 instead of $0.10 per cluster-hour, and extended support cannot be turned off once entered.',
        resource: 'test-cluster',
      },
    ]);
    expect(checkSupportAndCost(withPolicy(snapshot(), 'STANDARD'), request())).toEqual([]);
  });
});

describe('checkInsights at its edges', () => {
  const insight = (id: string, status: string, extra: Record<string, unknown> = {}) => ({
    id,
    name: `Check ${id}`,
    category: 'UPGRADE_READINESS',
    insightStatus: { status },
    ...extra,
  });
  const check = (insights: unknown[], versions = ['1.30', '1.31'], extra: Record<string, unknown> = {}) =>
    checkInsights(snapshot({ insights, ...extra }), versions, request(), DEFAULT_POLICY);

  it('given insights without a version, a name, a reason or advice, then titles fall back to the id', () => {
    expect(
      check([
        { id: 'w', category: 'UPGRADE_READINESS', insightStatus: { status: 'WARNING' } },
        insight('u', 'UNKNOWN', { kubernetesVersion: '1.30' }),
        insight('e', 'ERROR'),
      ]),
    ).toEqual<Finding[]>([
      { code: 'INSIGHT_WARNING', severity: 'warn', message: 'Upgrade insight w warns.', resource: 'w' },
      {
        code: 'INSIGHT_UNKNOWN',
        severity: 'info',
        message:
          'Upgrade insight Check u (for 1.30) has no result yet; refresh insights (StartInsightsRefresh) before upgrading.',
        resource: 'u',
      },
      {
        code: 'INSIGHT_ERROR',
        severity: 'block',
        message: 'Upgrade insight Check e is failing. Fix it, or pass --force to override as EKS allows.',
        resource: 'e',
      },
    ]);
  });

  it('given --force, then a failing insight and a later-hop warning both say it is forced', () => {
    const s = snapshot({
      insights: [
        insight('e', 'ERROR', { kubernetesVersion: '1.30' }),
        insight('w', 'WARNING', { kubernetesVersion: '1.31' }),
      ],
    });
    expect(checkInsights(s, ['1.30', '1.31'], request({ force: true }), DEFAULT_POLICY)).toEqual<Finding[]>([
      {
        code: 'INSIGHT_ERROR',
        severity: 'warn',
        message: 'Upgrade insight Check e (for 1.30) is failing. Forced: EKS is told to proceed anyway.',
        resource: 'e',
      },
      {
        code: 'INSIGHT_BLOCKS_LATER_HOP',
        severity: 'warn',
        message:
          'Upgrade insight Check w (for 1.31) warns now and becomes blocking when the cluster reaches 1.30: EKS reports ERROR for the next minor version and WARNING for later ones. Execution re-reads insights before each control-plane hop and stops before 1.31 if this one is then in ERROR (forced: EKS is told to proceed anyway).',
        resource: 'w',
      },
    ]);
  });

  it('given deprecation details with missing parts, then defaults are named and parts are joined', () => {
    const findings = check([
      insight('d', 'ERROR', {
        kubernetesVersion: '1.30',
        categorySpecificSummary: {
          deprecationDetails: [
            {},
            {
              usage: '/apis/x/v1beta1/things',
              clientStats: [{}, { userAgent: 'kubectl/v1.29', numberOfRequestsLast30Days: 3 }],
            },
          ],
        },
      }),
    ]);
    expect(findings.map((f) => f.message)).toEqual([
      'Upgrade insight Check d (for 1.30) is failing. a deprecated API | /apis/x/v1beta1/things; still called by unknown client (0 calls in 30 days), kubectl/v1.29 (3 calls in 30 days). Fix it, or pass --force to override as EKS allows.',
    ]);
  });

  it('given a deprecation with its replacement and removal version, then both are named', () => {
    const findings = check([
      insight('d', 'WARNING', {
        kubernetesVersion: '1.30',
        categorySpecificSummary: {
          deprecationDetails: [
            { usage: '/apis/a/v1beta1/x', replacedWith: '/apis/a/v1/x', stopServingVersion: '1.30' },
          ],
        },
      }),
    ]);
    expect(findings.map((f) => f.message)).toEqual([
      'Upgrade insight Check d (for 1.30) warns. /apis/a/v1beta1/x removed in 1.30; use /apis/a/v1/x.',
    ]);
  });

  it('given a capture time and only fresh insights, then no finding at all', () => {
    const s = snapshot({
      capturedAt: '2026-11-27T08:00:00.000Z',
      insights: [
        insight('f', 'PASSING', { kubernetesVersion: '1.30', lastRefreshTime: '2026-11-27T07:00:00.000Z' }),
      ],
    });
    expect(checkInsights(s, ['1.30'], request(), DEFAULT_POLICY)).toEqual([]);
  });

  it('given passing, unknown-category and out-of-plan insights, then no finding', () => {
    expect(
      check([
        insight('p', 'PASSING', { kubernetesVersion: '1.30' }),
        insight('o', 'ERROR', { category: 'SOMETHING_NEW' }),
        insight('m', 'PASSING', { category: 'MISCONFIGURATION' }),
        insight('m2', 'UNKNOWN', { category: 'MISCONFIGURATION' }),
        insight('r', 'PASSING', { category: 'ROLLBACK_READINESS' }),
        insight('r2', 'UNKNOWN', { category: 'ROLLBACK_READINESS' }),
        insight('later', 'ERROR', { kubernetesVersion: '1.32' }),
      ]),
    ).toEqual([]);
  });

  it('given a rollback-readiness WARNING, then info', () => {
    expect(check([insight('r', 'WARNING', { category: 'ROLLBACK_READINESS' })])).toEqual<Finding[]>([
      {
        code: 'ROLLBACK_INSIGHT_WARNING',
        severity: 'info',
        message:
          'Rollback-readiness insight Check r is WARNING: a control-plane version rollback after a failed validation may be refused.',
        resource: 'r',
      },
    ]);
  });

  describe('staleness', () => {
    const CAPTURED = '2026-11-27T08:00:00.000Z';
    const ago = (ms: number) => new Date(Date.parse(CAPTURED) - ms).toISOString();
    const DAY = 24 * 3_600_000;
    const stale = (insights: unknown[], policy = DEFAULT_POLICY) =>
      checkInsights(snapshot({ capturedAt: CAPTURED, insights }), ['1.30'], request(), policy).filter(
        (f) => f.code === 'INSIGHTS_STALE',
      );

    it('given an insight exactly 24 h old, then it is not stale; 1 ms older, it is', () => {
      expect(stale([insight('a', 'PASSING', { lastRefreshTime: ago(DAY) })])).toEqual([]);
      expect(stale([insight('a', 'PASSING', { lastRefreshTime: ago(DAY + 1) })])).toEqual<Finding[]>([
        {
          code: 'INSIGHTS_STALE',
          severity: 'warn',
          message:
            '1 insight(s) were last refreshed more than 24 h before the snapshot was captured, so their status may be out of date (Check a: 24 h old). Refresh them (StartInsightsRefresh) and capture the snapshot again.',
          resource: 'a',
        },
      ]);
    });

    it('given insights without a refresh time, of another category, or for versions the plan does not reach, then they are not judged', () => {
      expect(
        stale([
          insight('none', 'PASSING'),
          insight('other', 'PASSING', { category: 'SOMETHING_NEW', lastRefreshTime: ago(9 * DAY) }),
          insight('later', 'PASSING', { kubernetesVersion: '1.32', lastRefreshTime: ago(9 * DAY) }),
        ]),
      ).toEqual([]);
    });

    it('given a snapshot without its capture time, then no insight is judged stale: there is no clock', () => {
      const insights = [insight('a', 'PASSING', { lastRefreshTime: ago(9 * DAY) })];
      expect(
        checkInsights(snapshot({ insights }), ['1.30'], request(), DEFAULT_POLICY).filter(
          (f) => f.code === 'INSIGHTS_STALE',
        ),
      ).toEqual([]);
      expect(stale(insights)).toHaveLength(1);
    });

    it('given a policy of 72 h, then a 50 h old insight is fresh and the limit is named', () => {
      const policy = { ...DEFAULT_POLICY, insightMaxAgeHours: 72 };
      const insights = [
        insight('a', 'PASSING', { lastRefreshTime: ago(50 * 3_600_000) }),
        insight('b', 'PASSING', { category: 'MISCONFIGURATION', lastRefreshTime: ago(73 * 3_600_000) }),
      ];
      expect(stale(insights, policy).map((f) => [f.message, f.resource])).toEqual([
        [
          '1 insight(s) were last refreshed more than 72 h before the snapshot was captured, so their status may be out of date (Check b: 3 d 1 h old). Refresh them (StartInsightsRefresh) and capture the snapshot again.',
          'b',
        ],
      ]);
    });
  });

  it('formats ages at the two-day boundary', () => {
    expect(formatAge(0)).toBe('0 h');
    expect(formatAge(48 * 3_600_000 - 1)).toBe('47 h');
    expect(formatAge(48 * 3_600_000)).toBe('2 d 0 h');
  });
});

describe('checkLaunchTemplates at its edges', () => {
  const template = {
    LaunchTemplateId: 'lt-0abc',
    LaunchTemplateName: 'workers',
    DefaultVersionNumber: 1,
    LatestVersionNumber: 3,
  };
  const check = (ref: Record<string, unknown> | undefined, templates: unknown[] = [template]) =>
    checkLaunchTemplates(
      snapshot({
        nodegroups: [
          nodegroup('plain', '1.29'),
          nodegroup('apps', '1.29', ref === undefined ? {} : { launchTemplate: ref }),
        ],
        launchTemplates: templates,
      }),
    );

  it.each(['0', '01', '1a', 'x1', ''])(
    'given a version %p that is no number, then nothing is said',
    (version) => {
      expect(check({ id: 'lt-0abc', version })).toEqual([]);
    },
  );

  it('given the template of another id with the same name, then nothing (an id is matched by id)', () => {
    expect(check({ id: 'lt-other', name: 'workers', version: '1' })).toEqual([]);
  });

  it('given neither id nor name, then no template matches, not even an unnamed one', () => {
    expect(check({ version: '1' }, [{ LaunchTemplateId: 'lt-0abc', LatestVersionNumber: 3 }])).toEqual([]);
  });

  it('given no latest version number or no template list entries, then nothing', () => {
    expect(check({ id: 'lt-0abc', version: '1' }, [{ LaunchTemplateId: 'lt-0abc' }])).toEqual([]);
    expect(check({ id: 'lt-0abc', version: '1' }, [])).toEqual([]);
  });

  it('given a template without a name or a default, then it is named by id and no default is given', () => {
    expect(
      check({ id: 'lt-0abc', version: '2' }, [{ LaunchTemplateId: 'lt-0abc', LatestVersionNumber: 3 }]),
    ).toEqual<Finding[]>([
      {
        code: 'LAUNCH_TEMPLATE_UPDATE_PENDING',
        severity: 'warn',
        message:
          'Node group apps runs version 2 of launch template lt-0abc, whose latest version is 3. Its update keeps version 2, so the changes in version 3 (AMI, user data, instance settings) are not rolled out now; they reach the nodes at a later node-group update to them, or never. Review them, and move the node group to the version you mean to run before upgrading.',
        resource: 'apps',
      },
    ]);
  });

  it('given a template found by name without an id, then "no id"', () => {
    const found = check({ name: 'workers', version: '1' }, [
      { LaunchTemplateName: 'workers', DefaultVersionNumber: 1, LatestVersionNumber: 2 },
    ]);
    expect(found.map((f) => f.message)).toEqual([
      expect.stringContaining(
        'runs version 1 of launch template workers (no id), whose latest version is 2, default 1. ',
      ),
    ]);
  });

  it('given a name, then the template of that name is found among others', () => {
    const found = check({ name: 'workers', version: '1' }, [
      { LaunchTemplateId: 'lt-1', LaunchTemplateName: 'other', LatestVersionNumber: 9 },
      { LaunchTemplateId: 'lt-2', LaunchTemplateName: 'workers', LatestVersionNumber: 2 },
    ]);
    expect(found.map((f) => f.message)).toEqual([
      expect.stringContaining('runs version 1 of launch template workers (lt-2), whose latest version is 2.'),
    ]);
  });

  it('given a pinned version of several digits, then it is read as that number', () => {
    expect(
      check({ id: 'lt-0abc', version: '10' }, [{ ...template, LatestVersionNumber: 12 }]).map(
        (f) => f.message,
      ),
    ).toEqual([
      expect.stringContaining(
        'runs version 10 of launch template workers (lt-0abc), whose latest version is 12',
      ),
    ]);
  });

  it('given $Latest behind nothing and $Default behind, then only $Default warns', () => {
    expect(check({ id: 'lt-0abc', version: '$Latest' })).toEqual([]);
    expect(check({ id: 'lt-0abc', version: '$Default' }).map((f) => f.message)).toEqual([
      expect.stringContaining('runs version 1 ($Default) of launch template workers (lt-0abc), whose latest'),
    ]);
  });
});

describe('checkSubnets at its edges', () => {
  const withSubnets = (subnets: unknown[], nodegroups: unknown[] = [], ids = ['subnet-a', 'subnet-b']) =>
    snapshot({
      cluster: {
        name: 'test-cluster',
        version: '1.30',
        status: 'ACTIVE',
        resourcesVpcConfig: { subnetIds: ids },
      },
      subnets,
      nodegroups,
    });
  const codes = (f: Finding[]) => f.map((x) => `${x.severity}:${x.code}:${x.resource}`);

  it('given an empty zone id, then the zone name is used', () => {
    const s = (zoneB: string) =>
      withSubnets([
        {
          SubnetId: 'subnet-a',
          AvailabilityZone: 'eu-west-1a',
          AvailabilityZoneId: '',
          AvailableIpAddressCount: 9,
        },
        { SubnetId: 'subnet-b', AvailabilityZone: zoneB, AvailabilityZoneId: '', AvailableIpAddressCount: 9 },
      ]);
    expect(codes(checkSubnets(s('eu-west-1a'), DEFAULT_POLICY))).toEqual([
      'block:SUBNET_FREE_IPS:subnet-a,subnet-b',
    ]);
    expect(checkSubnets(s('eu-west-1b'), DEFAULT_POLICY)).toEqual([]);
  });

  it('given subnets without any zone, then each is its own unknown zone, named in the message', () => {
    const s = withSubnets(
      [
        { SubnetId: 'subnet-a', AvailableIpAddressCount: 9 },
        { SubnetId: 'subnet-b', AvailableIpAddressCount: 9 },
        { SubnetId: 'subnet-c', AvailableIpAddressCount: 4 },
      ],
      [],
      ['subnet-a', 'subnet-b', 'subnet-c'],
    );
    expect(checkSubnets(s, DEFAULT_POLICY).map((f) => [f.code, f.message])).toEqual([
      [
        'SUBNET_LOW_FREE_IPS',
        expect.stringMatching(
          /^Cluster subnet subnet-c \(unknown zone of subnet-c\): 4 free, fewer than 5: /,
        ),
      ],
    ]);
  });

  it('given no data for any cluster subnet, then only the missing-data warning, naming all', () => {
    expect(checkSubnets(withSubnets([]), DEFAULT_POLICY)).toEqual<Finding[]>([
      {
        code: 'SUBNET_DATA_MISSING',
        severity: 'warn',
        message:
          'No DescribeSubnets data for cluster subnet(s) subnet-a, subnet-b: their free IP addresses are not checked.',
        resource: 'subnet-a,subnet-b',
      },
    ]);
  });

  it('given a policy of 10 free addresses, then 10 is enough and 9 is not', () => {
    const policy = { ...DEFAULT_POLICY, minFreeIps: 10 };
    const s = (a: number) =>
      withSubnets([
        { SubnetId: 'subnet-a', AvailabilityZone: 'az-1', AvailableIpAddressCount: a },
        { SubnetId: 'subnet-b', AvailabilityZone: 'az-2', AvailableIpAddressCount: 10 },
      ]);
    expect(checkSubnets(s(10), policy)).toEqual([]);
    const short = checkSubnets(s(9), policy);
    expect(codes(short)).toEqual(['block:SUBNET_FREE_IPS:subnet-a,subnet-b']);
    expect(short[0]?.message).toContain('1 Availability Zone(s) have a cluster subnet with at least 10 free');
  });

  it('given node groups with no subnets recorded or an empty list, then only the cluster subnets count', () => {
    // A wrong shape (subnets: 'n-1') never gets here: the snapshot refuses it at its path.
    const base = [
      { SubnetId: 'subnet-a', AvailabilityZone: 'az-1', AvailableIpAddressCount: 9 },
      { SubnetId: 'subnet-b', AvailabilityZone: 'az-2', AvailableIpAddressCount: 9 },
      { SubnetId: 'n-1', AvailabilityZone: 'az-1', AvailableIpAddressCount: 0 },
    ];
    expect(
      checkSubnets(
        withSubnets(base, [nodegroup('s', '1.30', {}), nodegroup('t', '1.30', { subnets: [] })]),
        DEFAULT_POLICY,
      ),
    ).toEqual([]);
  });

  it('given zones with one short subnet beside a roomy one, and zones all short, then only the latter, in order', () => {
    const s = withSubnets(
      [
        { SubnetId: 'subnet-a', AvailabilityZone: 'az-1', AvailableIpAddressCount: 9 },
        { SubnetId: 'subnet-b', AvailabilityZone: 'az-2', AvailableIpAddressCount: 9 },
        { SubnetId: 'n-1', AvailabilityZone: 'az-1', AvailableIpAddressCount: 0 },
        { SubnetId: 'n-2', AvailabilityZone: 'az-1', AvailableIpAddressCount: 2 },
        { SubnetId: 'n-3', AvailabilityZone: 'az-2', AvailableIpAddressCount: 1 },
        { SubnetId: 'n-4', AvailabilityZone: 'az-2', AvailableIpAddressCount: 0 },
        { SubnetId: 'n-5', AvailabilityZone: 'az-3', AvailableIpAddressCount: 1 },
      ],
      [
        nodegroup('g1', '1.30', { subnets: ['n-1', 'n-2', 'n-3', 'n-4', 'n-5', 'n-x'] }),
        nodegroup('g2', '1.30', { subnets: ['n-x', 'n-y', 'n-2'] }),
      ],
    );
    expect(checkSubnets(s, DEFAULT_POLICY)).toEqual<Finding[]>([
      {
        code: 'NODEGROUP_SUBNET_FREE_IPS',
        severity: 'warn',
        message:
          'Node group g1: no subnet with at least 2 free IP addresses in az-2, az-3 (n-3 (az-2): 1 free; n-4 (az-2): 0 free; n-5 (az-3): 1 free); its update launches replacement nodes there before draining old ones and can fail with NodeCreationFailure. Free addresses first.',
        resource: 'g1',
      },
      {
        code: 'NODEGROUP_SUBNET_DATA_MISSING',
        severity: 'info',
        message:
          'No DescribeSubnets data for node-group subnet(s) n-x, n-y: their free IP addresses are not checked.',
        resource: 'n-x,n-y',
      },
    ]);
  });
});
