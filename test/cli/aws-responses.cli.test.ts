import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCli } from '../support/run-cli';

/**
 * `plan` over the corpus of published AWS responses in ../shared/realworld (beside
 * the repository, as CI lays it out). Each file gets the verdict a person reading
 * it would expect, with the reason, not merely "it did not crash".
 */
const CORPUS = join(ROOT, '..', 'shared', 'realworld');

interface ManifestEntry {
  readonly file: string;
  readonly target: string;
}

interface Expected {
  readonly code: 0 | 2 | 3;
  readonly why: string;
  /** Finding codes (with severity) that make the verdict. */
  readonly findings?: readonly string[];
  readonly firstStep?: string;
  readonly stderr?: RegExp;
}

const EXPECTED: Record<string, Expected> = {
  '01-awscli-v2-verbatim.json': {
    code: 3,
    why: 'the CLI examples carry no DescribeAddonVersions, so the installed add-on cannot be checked',
    findings: ['block ADDON_NO_COMPATIBILITY_DATA'],
    firstStep: 'control-plane 1.26 -> 1.27',
  },
  '02-awscli-v2-consistent.json': {
    code: 3,
    why: 'as 01: no add-on compatibility data',
    findings: ['block ADDON_NO_COMPATIBILITY_DATA'],
    firstStep: 'control-plane 1.26 -> 1.27',
  },
  '03-awscli-2018-describe-cluster-epoch.json': {
    code: 0,
    why: 'an ACTIVE control plane alone, createdAt as epoch seconds',
    firstStep: 'control-plane 1.10 -> 1.11',
  },
  '04-awscli-2019-create-cluster-epoch.json': {
    code: 3,
    why: 'CreateCluster output: the cluster is still CREATING',
    findings: ['block CLUSTER_NOT_ACTIVE'],
  },
  '05-sdk-js-v3-describe-cluster-example.json': {
    code: 0,
    why: "the SDK model's example, createdAt a number",
    firstStep: 'control-plane 1.10 -> 1.11',
  },
  '06-eks-user-guide-insights-epoch.json': {
    code: 0,
    why: 'insights with epoch refresh/transition times read like their ISO control (06c)',
    firstStep: 'control-plane 1.28 -> 1.29',
  },
  '06c-CONTROL-insights-epoch-as-iso.json': {
    code: 0,
    why: 'the control: 06 with ISO strings',
    firstStep: 'control-plane 1.28 -> 1.29',
  },
  '07-eks-user-guide-addons.json': {
    code: 3,
    why: 'the compatibility data lists no 1.31 and the installed add-ons have none; a CREATE_FAILED add-on warns',
    findings: ['block TARGET_UNKNOWN', 'block ADDON_NO_COMPATIBILITY_DATA', 'warn ADDON_NOT_ACTIVE'],
  },
  '08-awscli-v2-create-nodegroup.json': {
    code: 3,
    why: 'CreateNodegroup output: the node group is CREATING',
    findings: ['block NODEGROUP_BUSY'],
  },
  '09-eksctl-describe-addon-versions-pascalcase.json': {
    code: 2,
    why: 'eksctl output is not the AWS shape',
    stderr: /^error: not the AWS API shape: addonVersions\[0\] has AddonName, .*eksctl/,
  },
  '10-eks-api-reference-wire.json': {
    code: 3,
    why: 'the raw wire sample (epoch numbers, explicit nulls) parses; the sample cluster is CREATING',
    findings: ['block CLUSTER_NOT_ACTIVE'],
    firstStep: 'control-plane 1.14 -> 1.15',
  },
  '11-eks-api-create-nodegroup-nulls.json': {
    code: 3,
    why: 'launchTemplate/labels/resources null parse; both node groups are CREATING',
    findings: ['block NODEGROUP_BUSY'],
    firstStep: 'control-plane 1.17 -> 1.18',
  },
  '12-awscli-register-cluster-connector.json': {
    code: 2,
    why: 'an EKS Connector cluster is not upgradable through EKS',
    stderr:
      /^error: cluster my-eks-anywhere-cluster is a registered cluster \(EKS Connector, provider EKS_ANYWHERE\), not upgradable through EKS/,
  },
};

const manifest = JSON.parse(
  readFileSync(join(CORPUS, 'aws-responses.manifest.json'), 'utf8'),
) as ManifestEntry[];

interface PlanJson {
  verdict: string;
  findings: Array<{ code: string; severity: string }>;
  steps: Array<{ kind: string; from: string; to: string }>;
}

function planOf(entry: ManifestEntry) {
  const r = runCli([
    'plan',
    '--snapshot',
    join(CORPUS, entry.file),
    '--target',
    entry.target,
    '--output',
    'json',
  ]);
  const plan = r.code === 0 || r.code === 3 ? (JSON.parse(r.stdout) as PlanJson) : undefined;
  return { ...r, plan };
}

describe('plan over published AWS responses (../shared/realworld)', () => {
  test('every corpus file has an expectation and the manifest lists every file', () => {
    const files = readdirSync(join(CORPUS, 'aws-responses')).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(manifest.map((e) => e.file.replace('aws-responses/', '')).sort()).toEqual(files.sort());
  });

  const results = new Map<string, ReturnType<typeof planOf>>();
  const resultOf = (entry: ManifestEntry) => {
    const cached = results.get(entry.file) ?? planOf(entry);
    results.set(entry.file, cached);
    return cached;
  };

  test.each(manifest.map((e) => [e.file.replace('aws-responses/', ''), e] as const))('%s', (name, entry) => {
    const expected = EXPECTED[name];
    if (!expected) throw new Error(`no expectation for ${name}`);
    const r = resultOf(entry);
    expect({ file: name, why: expected.why, code: r.code }).toEqual({
      file: name,
      why: expected.why,
      code: expected.code,
    });
    expect(r.stderr).not.toContain('internal error');
    if (expected.stderr) expect(r.stderr).toMatch(expected.stderr);
    if (expected.code === 2) return;
    const plan = r.plan as PlanJson;
    expect(plan.verdict).toBe(expected.code === 0 ? 'ready' : 'blocked');
    const found = plan.findings.map((f) => `${f.severity} ${f.code}`);
    expect(found).toEqual(expect.arrayContaining([...(expected.findings ?? [])]));
    if (expected.code === 0) expect(found.filter((f) => f.startsWith('block '))).toEqual([]);
    if (expected.firstStep) {
      const step = plan.steps[0];
      expect(step && `${step.kind} ${step.from} -> ${step.to}`).toBe(expected.firstStep);
    }
  });

  test('epoch timestamps change nothing: 06 plans exactly like its ISO control 06c', () => {
    const [epoch, control] = [
      '06-eks-user-guide-insights-epoch.json',
      '06c-CONTROL-insights-epoch-as-iso.json',
    ].map((name) => {
      const entry = manifest.find((e) => e.file.endsWith(name));
      if (!entry) throw new Error(`${name} missing from the manifest`);
      return resultOf(entry).stdout;
    });
    expect(epoch).toBe(control);
  });
});

describe('snapshot timestamps on the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eua-ts-'));
  const file = join(dir, 'yesterday.json');
  writeFileSync(
    file,
    JSON.stringify({
      capturedAt: 'yesterday',
      cluster: { name: 'c1', version: '1.30', status: 'ACTIVE', resourcesVpcConfig: { subnetIds: [] } },
    }),
  );

  test('capturedAt "yesterday": plan exits 2 naming the path and the accepted forms', () => {
    const r = runCli(['plan', '--snapshot', file, '--target', '1.31']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('capturedAt: expected an ISO 8601 timestamp');
    expect(r.stderr).toContain('epoch seconds');
    expect(r.stdout).toBe('');
  });

  test('capturedAt "yesterday": run --sandbox exits 2 with the same schema error, not "Invalid time value"', () => {
    const r = runCli([
      'run',
      '--sandbox',
      '--snapshot',
      file,
      '--target',
      '1.31',
      '--state-dir',
      join(dir, 'state'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('capturedAt: expected an ISO 8601 timestamp');
    expect(r.stderr).not.toContain('internal error');
  });
});
