import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWireServer, type WireWorld } from '../support/aws-wire-server';
import { credentialsFor, isolatedAwsEnv, runCli } from '../support/live-cli';
import { ROOT } from '../support/run-cli';

/**
 * A node group on an older version of its launch template, read live: EC2's
 * DescribeLaunchTemplates answered as XML (`launchTemplates/item`) through the real
 * SDK gives the same finding as the same world read from a file.
 */
const CORPUS = join(ROOT, '..', 'shared', 'realworld', 'aws-responses');
jest.setTimeout(90_000);

const base = JSON.parse(readFileSync(join(CORPUS, '02-awscli-v2-consistent.json'), 'utf8')) as WireWorld;
const world: WireWorld = {
  ...base,
  nodegroups: (base.nodegroups ?? []).map((ng) => ({
    ...ng,
    launchTemplate: { id: 'lt-0abc1234567890def', name: 'my-template', version: '1' },
  })),
  launchTemplates: [
    {
      LaunchTemplateId: 'lt-0abc1234567890def',
      LaunchTemplateName: 'my-template',
      CreateTime: '2023-06-01T10:00:00.000Z',
      CreatedBy: 'arn:aws:iam::012345678910:user/admin',
      DefaultVersionNumber: 1,
      LatestVersionNumber: 3,
    },
  ],
};

interface PlanJson {
  findings: Array<{ code: string; severity: string; resource?: string; message: string }>;
}
const pending = (p: PlanJson) => p.findings.filter((f) => f.code === 'LAUNCH_TEMPLATE_UPDATE_PENDING');

test('plan --cluster reads the node group launch template and warns of its pending versions', async () => {
  const server = await startWireServer(world);
  try {
    const live = await runCli(
      ['plan', '--cluster', 'my-eks-cluster', '--target', '1.27', '--output', 'json'],
      credentialsFor(server),
    );
    expect(live.stderr).toMatch(/^ {2}launch templates: 1$/m);
    expect(server.requests.filter((r) => r.path === 'POST ec2:DescribeLaunchTemplates')).toHaveLength(1);
    const plan = JSON.parse(live.stdout) as PlanJson;
    expect(pending(plan)).toEqual([
      {
        code: 'LAUNCH_TEMPLATE_UPDATE_PENDING',
        severity: 'warn',
        message:
          'Node group my-eks-nodegroup runs version 1 of launch template my-template (lt-0abc1234567890def), whose latest version is 3, default 1. Its update keeps version 1, so the changes in versions 2 to 3 (AMI, user data, instance settings) are not rolled out now; they reach the nodes at a later node-group update to them, or never. Review them, and move the node group to the version you mean to run before upgrading.',
        resource: 'my-eks-nodegroup',
      },
    ]);
    const file = join(mkdtempSync(join(tmpdir(), 'eua-live-lt-')), 'world.json');
    writeFileSync(file, JSON.stringify(world));
    const control = await runCli(
      ['plan', '--snapshot', file, '--target', '1.27', '--output', 'json'],
      isolatedAwsEnv(),
    );
    // The add-on findings differ (a live read has an empty DescribeAddonVersions answer, the
    // file has none); the launch-template finding is the file's own.
    expect(pending(JSON.parse(control.stdout) as PlanJson)).toEqual(pending(plan));
  } finally {
    await server.close();
  }
});
