import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWireServer, type WireServer, type WireWorld } from '../support/aws-wire-server';
import { credentialsFor, isolatedAwsEnv, REGION, runCli } from '../support/live-cli';
import { ROOT } from '../support/run-cli';

/**
 * `plan --cluster` and `snapshot --cluster` end to end through the real SDK: the
 * CLI runs as a child process, its EKS and EC2 clients sign real requests and
 * parse real wire answers (epoch-second timestamps, EC2 XML) from a local server
 * built from the published AWS responses in ../shared/realworld.
 */
const CORPUS = join(ROOT, '..', 'shared', 'realworld', 'aws-responses');
// Each case starts one to three CLI processes (about 2-4 s each on a shared machine).
jest.setTimeout(90_000);

const corpus = (file: string) => JSON.parse(readFileSync(join(CORPUS, file), 'utf8')) as WireWorld;

interface PlanJson {
  findings: Array<{ code: string; severity: string; resource?: string; message: string }>;
}
const codes = (p: PlanJson) => p.findings.map((f) => `${f.severity} ${f.code}`);
/** A live read has a capture time: insight staleness is judged against it (a file without one has none). */
const withoutStale = (p: PlanJson) => ({
  ...p,
  findings: p.findings.filter((f) => f.code !== 'INSIGHTS_STALE'),
});

const FAMILIES = [
  /^ {2}cluster my-eks-cluster: Kubernetes 1\.26, ACTIVE$/m,
  /^ {2}node groups: 1$/m,
  /^ {2}add-ons: 1$/m,
  /^ {2}add-on versions: 1 add-on\(s\) for Kubernetes 1\.26, 1\.27$/m,
  /^ {2}insights: 5$/m,
  /^ {2}Fargate profiles: 1$/m,
  /^ {2}subnets: 1$/m,
];

describe('live perception through the SDK wire path (corpus 02: AWS CLI v2 examples, one cluster)', () => {
  let server: WireServer;
  const file = join(CORPUS, '02-awscli-v2-consistent.json');
  beforeAll(async () => {
    server = await startWireServer(corpus('02-awscli-v2-consistent.json'));
  });
  afterAll(() => server.close());
  let livePlan: unknown;

  test('plan --cluster reads every API family, signs with the given keys, and plans what the file plans', async () => {
    const live = await runCli(
      ['plan', '--cluster', 'my-eks-cluster', '--target', '1.27', '--output', 'json'],
      credentialsFor(server),
    );
    const fromFile = await runCli(
      ['plan', '--snapshot', file, '--target', '1.27', '--output', 'json'],
      isolatedAwsEnv(),
    );
    expect(live.stderr).toMatch(/^reading cluster my-eks-cluster in us-west-2$/m);
    for (const family of FAMILIES) expect(live.stderr).toMatch(family);
    expect(live.code).toBe(3);
    const plan = JSON.parse(live.stdout);
    expect(plan).toMatchObject({ cluster: 'my-eks-cluster', currentVersion: '1.26', verdict: 'blocked' });
    expect(plan.steps[0]).toMatchObject({ kind: 'control-plane', from: '1.26', to: '1.27' });
    livePlan = plan;
    // The live read and the file are the same responses: the same plan, finding for finding, but
    // two. EKS answered DescribeAddonVersions (with nothing for vpc-cni: the corpus has no
    // catalogue) where the file has no add-on data at all; and a live read has a capture time,
    // against which the corpus's 2025 insights are stale (the file has none).
    const filePlan = JSON.parse(fromFile.stdout);
    expect(codes(plan)).toContain('warn INSIGHTS_STALE');
    expect(codes(filePlan)).not.toContain('warn INSIGHTS_STALE');
    const vpcCni = (p: { findings: Array<{ resource?: string; code: string }> }) =>
      p.findings.filter((f) => f.resource === 'vpc-cni').map((f) => f.code);
    expect(vpcCni(plan)).toEqual(['ADDON_NO_COMPATIBLE_VERSION']);
    expect(vpcCni(filePlan)).toEqual(['ADDON_NO_COMPATIBILITY_DATA']);
    const others = (p: PlanJson) => ({
      ...withoutStale(p),
      findings: withoutStale(p).findings.filter((f) => f.resource !== 'vpc-cni'),
    });
    expect(others(plan)).toEqual(others(filePlan));
    const paths = server.requests.map((r) => r.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'GET /clusters/my-eks-cluster',
        'GET /clusters/my-eks-cluster/node-groups',
        'GET /clusters/my-eks-cluster/node-groups/my-eks-nodegroup',
        'GET /clusters/my-eks-cluster/addons/vpc-cni',
        'POST /clusters/my-eks-cluster/insights',
        'GET /clusters/my-eks-cluster/fargate-profiles/my-fargate-profile',
        'GET /addons/supported-versions',
        'POST ec2:DescribeSubnets',
      ]),
    );
    for (const r of server.requests)
      expect(r.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDLIVETEST\//);
  });

  test('snapshot --out writes ISO timestamps (the wire sent epoch seconds); plan --snapshot of it plans as plan --cluster did', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'eua-live-out-')), 'my-eks-cluster.json');
    const r = await runCli(['snapshot', '--cluster', 'my-eks-cluster', '--out', out], credentialsFor(server));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`snapshot of my-eks-cluster (Kubernetes 1.26) written to ${out}`);
    const saved = JSON.parse(readFileSync(out, 'utf8'));
    expect(saved.cluster.createdAt).toBe('2024-03-14T15:31:44.348Z');
    expect(saved.insights[0].lastRefreshTime).toBe('2025-05-24T16:22:50.000Z');
    expect(saved.subnets[0]).toMatchObject({
      SubnetId: 'subnet-0fb75d2d8401716e7',
      AvailableIpAddressCount: 4089,
    });
    const replay = await runCli(
      ['plan', '--snapshot', out, '--target', '1.27', '--output', 'json'],
      isolatedAwsEnv(),
    );
    expect(replay.code).toBe(3);
    expect(JSON.parse(replay.stdout)).toEqual(livePlan);
    // An existing file is not replaced without --force, and nothing is read from AWS first.
    const before = server.requests.length;
    const again = await runCli(
      ['snapshot', '--cluster', 'my-eks-cluster', '--out', out],
      credentialsFor(server),
    );
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('exists; pass --force to replace it');
    expect(server.requests.length).toBe(before);
  });
});

describe('live perception: epoch-second insights on the wire (corpus 06: EKS User Guide)', () => {
  test('a ready plan, equal to the ISO control file 06c', async () => {
    const server = await startWireServer(corpus('06-eks-user-guide-insights-epoch.json'));
    try {
      const live = await runCli(
        ['plan', '--cluster', 'my-eks-cluster', '--target', '1.29', '--output', 'json'],
        credentialsFor(server),
      );
      const control = await runCli(
        [
          'plan',
          '--snapshot',
          join(CORPUS, '06c-CONTROL-insights-epoch-as-iso.json'),
          '--target',
          '1.29',
          '--output',
          'json',
        ],
        isolatedAwsEnv(),
      );
      expect(live.stderr).toMatch(/^ {2}insights: 2$/m);
      expect(live.code).toBe(0);
      // Epoch refresh times read as the right instants: the live capture finds them stale, as 06c
      // would be if it had a capture time; everything else is the control's plan.
      const plan = JSON.parse(live.stdout) as PlanJson;
      expect(plan.findings.find((f) => f.code === 'INSIGHTS_STALE')?.message).toMatch(
        /Deprecated APIs removed in Kubernetes v1\.29 \(for 1\.29\): \d+ d \d+ h old/,
      );
      expect(withoutStale(plan)).toEqual(JSON.parse(control.stdout));
    } finally {
      await server.close();
    }
  });
});

describe('live perception: what goes wrong, said plainly', () => {
  let server: WireServer;
  beforeEach(async () => {
    server = await startWireServer(corpus('02-awscli-v2-consistent.json'));
  });
  afterEach(() => server.close());

  test('403 AccessDeniedException on DescribeCluster: exit 2 naming eks:DescribeCluster', async () => {
    server.fail(/^GET \/clusters\/my-eks-cluster$/, {
      status: 403,
      code: 'AccessDeniedException',
      message:
        'User: arn:aws:iam::111122223333:user/dev is not authorized to perform: eks:DescribeCluster on resource: arn:aws:eks:us-west-2:111122223333:cluster/my-eks-cluster',
    });
    const r = await runCli(
      ['plan', '--cluster', 'my-eks-cluster', '--target', '1.27'],
      credentialsFor(server),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^error: access denied to eks:DescribeCluster: allow the IAM action eks:DescribeCluster/m,
    );
    expect(r.stdout).toBe('');
  });

  test('a denied later family names its own action: ec2:DescribeSubnets (UnauthorizedOperation, EC2 XML)', async () => {
    server.fail(/^POST ec2:DescribeSubnets$/, {
      status: 403,
      code: 'UnauthorizedOperation',
      message: 'You are not authorized to perform this operation.',
    });
    const r = await runCli(
      ['plan', '--cluster', 'my-eks-cluster', '--target', '1.27'],
      credentialsFor(server),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: access denied to ec2:DescribeSubnets');
  });

  test('404 ResourceNotFoundException: "no cluster NAME in REGION", exit 2', async () => {
    const r = await runCli(['plan', '--cluster', 'nope', '--target', '1.27'], credentialsFor(server));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: no cluster nope in us-west-2/m);
  });

  test('no credentials anywhere: exit 2 with what to do, and no call reaches AWS', async () => {
    const env = { ...isolatedAwsEnv(), AWS_REGION: REGION, AWS_ENDPOINT_URL_EKS: server.url };
    const r = await runCli(['plan', '--cluster', 'my-eks-cluster', '--target', '1.27'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: no AWS credentials found: set AWS_ACCESS_KEY_ID/m);
    expect(r.stderr).not.toContain('internal error');
    expect(server.requests).toEqual([]);
  });

  test('an unknown profile: exit 2 naming the profile', async () => {
    const env: Record<string, string> = {
      ...isolatedAwsEnv(),
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL_EKS: server.url,
    };
    const r = await runCli(
      [
        'snapshot',
        '--cluster',
        'my-eks-cluster',
        '--out',
        join(env.HOME ?? '', 's.json'),
        '--profile',
        'nope',
      ],
      env,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: profile nope gives no AWS credentials/m);
  });

  test('no region, or an Availability Zone given as the region: exit 2 saying where a region comes from', async () => {
    const { AWS_REGION: _, ...noRegion } = credentialsFor(server);
    const none = await runCli(['plan', '--cluster', 'my-eks-cluster', '--target', '1.27'], noRegion);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^error: no AWS region: pass --region, set AWS_REGION/m);
    const az = await runCli(
      ['plan', '--cluster', 'my-eks-cluster', '--target', '1.27', '--region', 'us-west-2a'],
      credentialsFor(server),
    );
    expect(az.code).toBe(2);
    expect(az.stderr).toMatch(/^error: "us-west-2a" is not an AWS region name/m);
  });

  test('both or neither of --snapshot and --cluster, --region without --cluster, a bad --target: exit 2 before any call', async () => {
    const env = credentialsFor(server);
    const both = await runCli(['plan', '--cluster', 'c', '--snapshot', 'x.json', '--target', '1.27'], env);
    const neither = await runCli(['plan', '--target', '1.27'], env);
    const stray = await runCli(['plan', '--snapshot', 'x.json', '--region', REGION, '--target', '1.27'], env);
    const badTarget = await runCli(['plan', '--cluster', 'my-eks-cluster', '--target', 'latest'], env);
    expect(badTarget.code).toBe(2);
    expect(badTarget.stderr).toContain('--target must be a Kubernetes minor version');
    for (const r of [both, neither]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('give exactly one of --snapshot <file> or --cluster <name>');
    }
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('--region and --profile apply to --cluster');
    expect(server.requests).toEqual([]);
  });
});
