import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../../lib/domain/config';
import { DESIGN_STATES } from '../support/design';
import { readZip } from '../support/zip';

/**
 * `sls package` for the `dev` and `prod` stages, offline and with no AWS
 * credentials, and checks of what would be deployed: the CloudFormation template
 * (state machine, functions, rules, IAM, keys, alarms, default configuration) and
 * the function zips (one handler each, no sandbox in an AWS bundle). The `local`
 * stage is packaged once too: its bundles carry the sandbox, which proves the
 * no-sandbox check can fail.
 */
const ROOT = join(__dirname, '..', '..');
const SLS_PACKAGE = join(ROOT, 'node_modules', 'serverless');
const SLS = join(
  SLS_PACKAGE,
  readJson<{ bin: { serverless: string } }>(SLS_PACKAGE, 'package.json').bin.serverless,
);
const PACKAGE_TIMEOUT_MS = 180_000;

type Obj = Record<string, unknown>;

interface Resource {
  readonly Type: string;
  readonly Properties: Obj;
  readonly Condition?: string;
}

interface Template {
  readonly Resources: Record<string, Resource>;
  readonly Conditions?: Obj;
}

interface Bundle {
  /** The names in the zip, sorted. */
  readonly entries: string[];
  /** The handler's bundled JavaScript. */
  readonly js: string;
  /** The bundle's inputs, from its source map. */
  readonly sources: string[];
}

interface Packaged {
  readonly stage: string;
  readonly template: Template;
  readonly bundles: Record<string, Bundle>;
}

/** The six functions, the timeouts the design gives them, and the phase tag. */
const FUNCTIONS = {
  trigger: { timeout: 30 },
  perception: { timeout: 300 },
  reasoning: { timeout: 300 },
  execution: { timeout: 900 },
  validation: { timeout: 300 },
  rollback: { timeout: 300 },
} as const;
type FunctionName = keyof typeof FUNCTIONS;
const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];

/** The nine states of the design, and the function each Task calls. */
const TASK_FUNCTIONS: Record<string, FunctionName> = {
  PerceptionPhase: 'perception',
  ReasoningPhase: 'reasoning',
  ExecutionPhase: 'execution',
  ValidationPhase: 'validation',
  TriggerRollback: 'rollback',
  HandleFailure: 'rollback',
};

/**
 * Names that exist only in the sandbox (lib/sandbox, lib/wiring/sandbox.ts).
 * keepNames keeps them in the minified bundle, so their absence means the code
 * is absent, not renamed.
 */
const SANDBOX_NAMES = [
  'sandboxWiringFromEnv',
  'createLocalStack',
  'createSandboxWorld',
  'LocalEventBus',
  'FileArtifactStore',
];
const SANDBOX_SOURCE = /(^|\/)lib\/(sandbox\/|wiring\/sandbox\.ts$)/;

/**
 * CloudWatch Logs' log-delivery APIs have no resource-level permissions: AWS's
 * Step Functions logging guide grants them on "*". serverless-step-functions adds
 * exactly these to the state machine role for its loggingConfig.
 */
const STATE_MACHINE_LOG_DELIVERY = new Set([
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
]);

const packaged: Partial<Record<'dev' | 'prod' | 'local', Packaged>> = {};
const workDirs: string[] = [];

beforeAll(async () => {
  const results = await Promise.allSettled([
    packageStage('dev'),
    packageStage('prod'),
    // The email parameter set on the command line: the subscription's condition holds.
    packageStage('local', ['--param=notificationEmail=ops@example.com']),
  ]);
  const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  if (failed.length > 0) throw failed[0];
  const [dev, prod, local] = results.map((r) => (r.status === 'fulfilled' ? r.value : undefined));
  Object.assign(packaged, { dev, prod, local });
}, PACKAGE_TIMEOUT_MS);

afterAll(() => {
  for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
});

describe.each(['dev', 'prod'] as const)('sls package --stage %s (offline, no AWS credentials)', (stage) => {
  const pkg = () => stageOf(stage);
  const template = () => pkg().template;

  describe('state machine', () => {
    const definition = () => {
      const machine = resource(template(), 'UpgradeStateMachine', 'AWS::StepFunctions::StateMachine');
      return obj(JSON.parse(renderIntrinsic(machine.Properties.DefinitionString)), 'definition');
    };
    const states = () => obj(definition().States, 'States');

    test('keeps the nine states of the design', () => {
      expect(Object.keys(states())).toEqual(expect.arrayContaining(DESIGN_STATES));
      expect(definition().StartAt).toBe('PerceptionPhase');
    });

    test('every Task has Retry, Catch and TimeoutSeconds', () => {
      const tasks = Object.entries(states()).filter(([, s]) => obj(s, 'state').Type === 'Task');
      expect(tasks.map(([name]) => name).sort()).toEqual(Object.keys(TASK_FUNCTIONS).sort());
      for (const [name, s] of tasks) {
        const task = obj(s, name);
        expect({ name, retry: array(task.Retry).length > 0 }).toEqual({ name, retry: true });
        expect({ name, catch: array(task.Catch).length > 0 }).toEqual({ name, catch: true });
        expect({ name, timeout: typeof task.TimeoutSeconds }).toEqual({ name, timeout: 'number' });
      }
    });

    test("each Task calls its phase's function (by ARN)", () => {
      for (const [name, fn] of Object.entries(TASK_FUNCTIONS)) {
        expect({ name, resource: obj(states()[name], name).Resource }).toEqual({
          name,
          resource: `{{GetAtt:${logicalId(fn)}LambdaFunction.Arn}}`,
        });
      }
    });

    test('a Task times out only after its function would have', () => {
      for (const [name, fn] of Object.entries(TASK_FUNCTIONS)) {
        const timeout = Number(obj(states()[name], name).TimeoutSeconds);
        expect({ name, later: timeout > FUNCTIONS[fn].timeout }).toEqual({ name, later: true });
      }
    });
  });

  describe('functions', () => {
    test.each(FUNCTION_NAMES)('%s: nodejs22.x, memory, timeout, tags, AWS backend', (fn) => {
      const props = resource(
        template(),
        `${logicalId(fn)}LambdaFunction`,
        'AWS::Lambda::Function',
      ).Properties;
      expect(props.Runtime).toBe('nodejs22.x');
      expect(props.Handler).toBe(`handlers/${fn}.handler`);
      expect(Number(props.MemorySize)).toBeGreaterThanOrEqual(512);
      expect(Number(props.MemorySize)).toBeLessThanOrEqual(1024);
      expect(props.Timeout).toBe(FUNCTIONS[fn].timeout);
      expect(props.Tags).toEqual(
        expect.arrayContaining([
          { Key: 'component', Value: 'eks-upgrade-agent' },
          { Key: 'phase', Value: fn },
        ]),
      );
      const variables = obj(obj(props.Environment, 'Environment').Variables, 'Variables');
      expect(variables.EKS_UPGRADE_AGENT_BACKEND).toBe('aws');
      expect(variables.EKS_UPGRADE_AGENT_STAGE).toBe(stage);
      expect(variables.ARTIFACT_BUCKET).toEqual({ Ref: 'ArtifactBucket' });
      expect(variables.AGENT_TABLE).toEqual({ Ref: 'AgentTable' });
      if (fn === 'trigger') expect(variables.STATE_MACHINE_ARN).toEqual({ Ref: 'UpgradeStateMachine' });
    });

    test('exactly six functions', () => {
      expect(ofType(template(), 'AWS::Lambda::Function').map(([id]) => id)).toHaveLength(
        FUNCTION_NAMES.length,
      );
    });

    test('every log group has a retention; prod keeps logs longer than dev', () => {
      const groups = ofType(template(), 'AWS::Logs::LogGroup');
      expect(groups.length).toBeGreaterThanOrEqual(FUNCTION_NAMES.length + 2);
      for (const [id, group] of groups) {
        expect({ id, retention: typeof group.Properties.RetentionInDays }).toEqual({
          id,
          retention: 'number',
        });
      }
      for (const fn of FUNCTION_NAMES) {
        const group = resource(template(), `${logicalId(fn)}LogGroup`, 'AWS::Logs::LogGroup');
        expect(group.Properties.LogGroupName).toBe(`/aws/lambda/eks-upgrade-agent-${stage}-${fn}`);
      }
      for (const id of [
        ...FUNCTION_NAMES.map((fn) => `${logicalId(fn)}LogGroup`),
        'StateMachineLogGroup',
        'AuditLogGroup',
      ]) {
        expect({ id, prodLonger: retention(stageOf('prod'), id) > retention(stageOf('dev'), id) }).toEqual({
          id,
          prodLonger: true,
        });
      }
    });
  });

  describe('event rules', () => {
    const ruleFiles = readdirSync(join(ROOT, 'events', 'rules')).filter((f) => f.endsWith('.json'));

    test('one rule per events/rules/*.json, the same pattern, on the agent bus', () => {
      const rules = ofType(template(), 'AWS::Events::Rule');
      expect(rules).toHaveLength(4);
      expect(ruleFiles).toHaveLength(4);
      const byName = new Map(rules.map(([, r]) => [String(r.Properties.Name), r]));
      expect(resource(template(), 'AgentEventBus', 'AWS::Events::EventBus').Properties.Name).toBe(
        `eks-upgrade-agent-${stage}`,
      );
      for (const file of ruleFiles) {
        const name = `eks-upgrade-agent-${stage}-${file.replace(/\.json$/, '')}`;
        const rule = byName.get(name);
        expect({ name, found: rule !== undefined }).toEqual({ name, found: true });
        expect(rule?.Properties.EventPattern).toEqual(readJson(ROOT, 'events', 'rules', file));
        expect(rule?.Properties.EventBusName).toEqual({ Ref: 'AgentEventBus' });
        expect(rule?.Properties.State).toBe('ENABLED');
      }
    });

    test('every target has a dead-letter queue and a retry policy', () => {
      for (const [id, rule] of ofType(template(), 'AWS::Events::Rule')) {
        const targets = array(rule.Properties.Targets).map((t) => obj(t, `${id} target`));
        expect(targets.length).toBeGreaterThan(0);
        for (const target of targets) {
          expect({
            id,
            target: target.Id,
            dlq: obj(target.DeadLetterConfig, 'DeadLetterConfig').Arn,
          }).toEqual({
            id,
            target: target.Id,
            dlq: { 'Fn::GetAtt': ['RulesDeadLetterQueue', 'Arn'] },
          });
          const retry = obj(target.RetryPolicy, 'RetryPolicy');
          expect(typeof retry.MaximumRetryAttempts).toBe('number');
          expect(typeof retry.MaximumEventAgeInSeconds).toBe('number');
        }
      }
    });

    test('the functions the rules invoke send their own failures to a dead-letter queue', () => {
      for (const fn of ['trigger', 'rollback'] as const) {
        const config = resource(template(), `${logicalId(fn)}LambdaEvConf`, 'AWS::Lambda::EventInvokeConfig');
        expect(config.Properties.DestinationConfig).toEqual({
          OnFailure: { Destination: { 'Fn::GetAtt': ['FunctionsDeadLetterQueue', 'Arn'] } },
        });
      }
    });
  });

  describe('IAM', () => {
    const roles = () => roleStatements(template());
    const functionRole = (fn: FunctionName) => {
      const props = resource(
        template(),
        `${logicalId(fn)}LambdaFunction`,
        'AWS::Lambda::Function',
      ).Properties;
      const att = obj(props.Role, 'Role')['Fn::GetAtt'];
      return String(array(att)[0]);
    };

    test('each function has a role of its own', () => {
      const used = FUNCTION_NAMES.map(functionRole);
      expect(new Set(used).size).toBe(FUNCTION_NAMES.length);
      for (const id of used) expect(roles().has(id)).toBe(true);
    });

    test('no role grants a wildcard action, a NotAction or a NotResource, nor a managed policy', () => {
      for (const [role, statements] of roles()) {
        for (const s of statements) {
          expect({ role, wildcards: s.actions.filter((a) => a.includes('*')) }).toEqual({
            role,
            wildcards: [],
          });
          expect({ role, not: 'NotAction' in s.raw || 'NotResource' in s.raw }).toEqual({ role, not: false });
        }
        const managed = resource(template(), role, 'AWS::IAM::Role').Properties.ManagedPolicyArns;
        expect({ role, managed: array(managed ?? []) }).toEqual({ role, managed: [] });
      }
    });

    test('on Resource "*" only reads (Describe/List/Get), save the log delivery of the state machine', () => {
      for (const [role, statements] of roles()) {
        for (const s of statements.filter((st) => st.effect === 'Allow' && st.resources.includes('*'))) {
          const writes = s.actions.filter(
            (a) => !isRead(a) && !(role === 'UpgradeStateMachineRole' && STATE_MACHINE_LOG_DELIVERY.has(a)),
          );
          expect({ role, writesOnStar: writes }).toEqual({ role, writesOnStar: [] });
        }
      }
    });

    test('EKS writes only in the execution and rollback roles', () => {
      const writes = (id: string) =>
        (roles().get(id) ?? []).flatMap((s) => s.actions.filter((a) => a.startsWith('eks:') && !isRead(a)));
      const execution = functionRole('execution');
      const rollback = functionRole('rollback');
      expect(writes(execution)).toEqual(
        expect.arrayContaining(['eks:UpdateClusterVersion', 'eks:UpdateNodegroupVersion', 'eks:UpdateAddon']),
      );
      expect(writes(rollback)).toContain('eks:UpdateClusterVersion');
      for (const id of roles().keys()) {
        if (id !== execution && id !== rollback)
          expect({ id, eksWrites: writes(id) }).toEqual({ id, eksWrites: [] });
      }
    });

    test('states:StartExecution only in the trigger role, on the upgrade state machine', () => {
      const trigger = functionRole('trigger');
      const starters = [...roles()].filter(([, ss]) =>
        ss.some((s) => s.actions.includes('states:StartExecution')),
      );
      expect(starters.map(([id]) => id)).toEqual([trigger]);
      const grant = (roles().get(trigger) ?? []).find((s) => s.actions.includes('states:StartExecution'));
      expect(grant?.resources).toEqual([{ Ref: 'UpgradeStateMachine' }]);
    });

    test('the key policy is a resource policy, not a role: it is not among the roles checked', () => {
      expect(roles().has('AgentKey')).toBe(false);
      expect(roles().size).toBeGreaterThanOrEqual(FUNCTION_NAMES.length + 1);
    });
  });

  describe('keys, notifications, alarms, dashboard', () => {
    test('a KMS key with rotation, and its alias', () => {
      expect(resource(template(), 'AgentKey', 'AWS::KMS::Key').Properties.EnableKeyRotation).toBe(true);
      const alias = resource(template(), 'AgentKeyAlias', 'AWS::KMS::Alias').Properties;
      expect(alias).toMatchObject({
        AliasName: `alias/eks-upgrade-agent-${stage}`,
        TargetKeyId: { Ref: 'AgentKey' },
      });
    });

    test('an SNS topic encrypted with the key; no email subscription without notificationEmail', () => {
      const topic = resource(template(), 'NotificationsTopic', 'AWS::SNS::Topic');
      expect(topic.Properties.KmsMasterKeyId).toEqual({ Ref: 'AgentKey' });
      expect(subscriptionDeployed(template())).toBe(false);
    });

    test('alarms on failed and timed-out executions, function errors and both DLQs, to the topic', () => {
      const alarms = ofType(template(), 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
      for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: 'NotificationsTopic' }]);
      const stateMachine = [{ Name: 'StateMachineArn', Value: { Ref: 'UpgradeStateMachine' } }];
      for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
        expect(alarms).toContainEqual(
          expect.objectContaining({ Namespace: 'AWS/States', MetricName: metric, Dimensions: stateMachine }),
        );
      }
      const errors = alarms.find((a) => JSON.stringify(a.Metrics ?? []).includes('"MetricName":"Errors"'));
      for (const fn of FUNCTION_NAMES) {
        expect(JSON.stringify(errors?.Metrics)).toContain(
          JSON.stringify({ Ref: `${logicalId(fn)}LambdaFunction` }),
        );
      }
      const queues = ofType(template(), 'AWS::SQS::Queue').map(([id]) => id);
      expect(queues.sort()).toEqual(['FunctionsDeadLetterQueue', 'RulesDeadLetterQueue']);
      for (const queue of queues) {
        expect(alarms).toContainEqual(
          expect.objectContaining({
            Namespace: 'AWS/SQS',
            Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
          }),
        );
      }
    });

    test('a dashboard', () => {
      expect(ofType(template(), 'AWS::CloudWatch::Dashboard')).toHaveLength(1);
    });
  });

  describe('default configuration', () => {
    test('the SSM parameters are DEFAULT_CONFIG, leaf for leaf', () => {
      const prefix = `/eks-upgrade-agent/${stage}/config/`;
      const parameters = Object.fromEntries(
        ofType(template(), 'AWS::SSM::Parameter').map(([id, p]) => {
          expect({ id, type: p.Properties.Type }).toEqual({ id, type: 'String' });
          return [String(p.Properties.Name), p.Properties.Value];
        }),
      );
      const expected = Object.fromEntries(
        flatten(DEFAULT_CONFIG).map(([path, value]) => [`${prefix}${path}`, value]),
      );
      expect(parameters).toEqual(expected);
      expect(parameters[`${prefix}validation/metrics/type`]).toBe('none');
    });
  });

  describe('function packages', () => {
    test.each(FUNCTION_NAMES)('%s.zip holds its handler and source map, nothing else', (fn) => {
      expect(pkg().bundles[fn]?.entries).toEqual([`handlers/${fn}.js`, `handlers/${fn}.js.map`]);
      const code = resource(template(), `${logicalId(fn)}LambdaFunction`, 'AWS::Lambda::Function').Properties
        .Code;
      expect(String(obj(code, 'Code').S3Key)).toMatch(new RegExp(`/${fn}\\.zip$`));
    });

    test.each(FUNCTION_NAMES)('%s: no sandbox code in the AWS bundle', (fn) => {
      const bundle = pkg().bundles[fn];
      expect(bundle?.sources.filter((s) => SANDBOX_SOURCE.test(s))).toEqual([]);
      expect(SANDBOX_NAMES.filter((name) => bundle?.js.includes(name))).toEqual([]);
      expect(bundle?.js).toContain(`"${fn}"`);
    });
  });
});

describe('sls package --stage local (the sandbox bundles: the no-sandbox check can fail)', () => {
  test('the sandbox names are declared in the sandbox', () => {
    const sources = [join(ROOT, 'lib', 'wiring', 'sandbox.ts'), ...sourceFiles(join(ROOT, 'lib', 'sandbox'))]
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    for (const name of SANDBOX_NAMES) {
      const declared = new RegExp(`(function|class) ${name}\\b`).test(sources);
      expect({ name, declared }).toEqual({ name, declared: true });
    }
  });

  test.each(FUNCTION_NAMES)('%s: the local bundle carries the sandbox', (fn) => {
    const bundle = stageOf('local').bundles[fn];
    expect(bundle?.sources.some((s) => SANDBOX_SOURCE.test(s))).toBe(true);
    expect(SANDBOX_NAMES.filter((name) => !bundle?.js.includes(name))).toEqual([]);
  });

  test('the email subscription is deployed once notificationEmail is set', () => {
    const template = stageOf('local').template;
    expect(subscriptionDeployed(template)).toBe(true);
    expect(
      resource(template, 'NotificationEmailSubscription', 'AWS::SNS::Subscription').Properties,
    ).toMatchObject({
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: 'NotificationsTopic' },
    });
  });
});

/**
 * Two plugin quirks the stack works around (these fail if the workaround goes):
 * - serverless-iam-roles-per-function clones IamRoleLambdaExecution as each
 *   function's role and leaves it unused in the stack; plugins/drop-unused-default-role.js removes it.
 * - serverless-step-functions appends a state machine's own `tags` to provider.tags
 *   without merging keys; the state machine declares none and inherits provider.tags.
 */
describe('plugin quirks worked around', () => {
  test('no IAM role that no function uses (IamRoleLambdaExecution)', () => {
    const template = stageOf('dev').template;
    const used = new Set(
      ofType(template, 'AWS::Lambda::Function').map(([, f]) =>
        String(array(obj(f.Properties.Role, 'Role')['Fn::GetAtt'])[0]),
      ),
    );
    const lambdaRoles = ofType(template, 'AWS::IAM::Role')
      .filter(([, r]) =>
        JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('lambda.amazonaws.com'),
      )
      .map(([id]) => id);
    expect(lambdaRoles.filter((id) => !used.has(id))).toEqual([]);
  });

  test('the state machine has each tag key once', () => {
    const machine = resource(
      stageOf('dev').template,
      'UpgradeStateMachine',
      'AWS::StepFunctions::StateMachine',
    );
    const keys = array(machine.Properties.Tags).map((t) => String(obj(t, 'tag').Key));
    expect(keys).toEqual([...new Set(keys)]);
  });
});

// --- packaging ---------------------------------------------------------------------

async function packageStage(stage: 'dev' | 'prod' | 'local', extra: string[] = []): Promise<Packaged> {
  const service = serviceCopy(stage);
  const dir = join(service, 'package');
  await run([SLS, 'package', '--stage', stage, '--package', dir, ...extra], service, packagingEnv());
  const template = readJson<Template>(dir, 'cloudformation-template-update-stack.json');
  const bundles: Record<string, Bundle> = {};
  for (const fn of FUNCTION_NAMES) {
    const files = readZip(readFileSync(join(dir, `${fn}.zip`)));
    const js = files.get(`handlers/${fn}.js`)?.toString('utf8') ?? '';
    const map = files.get(`handlers/${fn}.js.map`)?.toString('utf8');
    const sources = map ? array(obj(JSON.parse(map), 'source map').sources).map(String) : [];
    bundles[fn] = { entries: [...files.keys()].sort(), js, sources };
  }
  return { stage, template, bundles };
}

/**
 * The project as a service directory of its own: `sls package` clears and moves
 * <service>/.serverless (whatever --package says), and the zips are named after
 * the functions, so packages built side by side in one directory take each
 * other's zips, and a package run would delete the developer's .serverless.
 * serverless.yml is copied (osls wants a regular file), the rest is linked.
 */
function serviceCopy(stage: string): string {
  const service = mkdtempSync(join(tmpdir(), `eua-package-${stage}-`));
  workDirs.push(service);
  for (const entry of readdirSync(ROOT)) {
    if (entry === 'serverless.yml') copyFileSync(join(ROOT, entry), join(service, entry));
    else if (!/^(\.serverless|\.esbuild.*|\.eks-upgrade-agent|\.git)$/.test(entry)) {
      symlinkSync(join(ROOT, entry), join(service, entry));
    }
  }
  return service;
}

/** No AWS credentials of any kind, and a profile that does not exist: packaging needs none. */
function packagingEnv(): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  return {
    ...inherited,
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
    AWS_SESSION_TOKEN: '',
    AWS_PROFILE: 'eks-upgrade-agent-no-such-profile',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`sls ${args.slice(1).join(' ')} exited with ${code}:\n${output}`));
    });
  });
}

// --- template helpers --------------------------------------------------------------

function stageOf(stage: 'dev' | 'prod' | 'local'): Packaged {
  const p = packaged[stage];
  if (!p) throw new Error(`stage ${stage} was not packaged (see beforeAll)`);
  return p;
}

function resource(template: Template, id: string, type: string): Resource {
  const r = template.Resources[id];
  if (!r) throw new Error(`no resource ${id}`);
  expect({ id, type: r.Type }).toEqual({ id, type });
  return r;
}

function ofType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

function retention(p: Packaged, id: string): number {
  return Number(resource(p.template, id, 'AWS::Logs::LogGroup').Properties.RetentionInDays);
}

interface Statement {
  readonly effect: string;
  readonly actions: string[];
  readonly resources: unknown[];
  readonly raw: Obj;
}

/** Every IAM role's statements: its inline policies and any AWS::IAM::Policy attached to it. */
function roleStatements(template: Template): Map<string, Statement[]> {
  const roles = new Map<string, Statement[]>();
  const add = (role: string, policies: unknown[]) => {
    const statements = policies.flatMap((p) => array(obj(obj(p, 'policy').PolicyDocument, 'doc').Statement));
    roles.set(role, [
      ...(roles.get(role) ?? []),
      ...statements.map((s) => {
        const raw = obj(s, 'statement');
        return {
          effect: String(raw.Effect),
          actions: array(raw.Action ?? []).map(String),
          resources: array(raw.Resource ?? []),
          raw,
        };
      }),
    ]);
  };
  for (const [id, role] of ofType(template, 'AWS::IAM::Role')) add(id, array(role.Properties.Policies ?? []));
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const [, policy] of ofType(template, type)) {
      for (const role of array(policy.Properties.Roles ?? []))
        add(String(obj(role, 'role').Ref), [policy.Properties]);
    }
  }
  return roles;
}

function isRead(action: string): boolean {
  return /^[a-z0-9-]+:(Describe|List|Get)/.test(action);
}

/** Whether the email subscription's Condition holds (its parameter is baked into the template). */
function subscriptionDeployed(template: Template): boolean {
  const subscription = resource(template, 'NotificationEmailSubscription', 'AWS::SNS::Subscription');
  return subscription.Condition === undefined || condition(template, subscription.Condition);
}

function condition(template: Template, name: string): boolean {
  return evaluate(obj(template.Conditions, 'Conditions')[name]);
  function evaluate(expression: unknown): boolean {
    const e = obj(expression, `condition ${name}`);
    if ('Condition' in e) return condition(template, String(e.Condition));
    const [fn, args] = Object.entries(e)[0] ?? [];
    const list = array(args);
    if (fn === 'Fn::Not') return !evaluate(list[0]);
    if (fn === 'Fn::And') return list.every(evaluate);
    if (fn === 'Fn::Or') return list.some(evaluate);
    if (fn === 'Fn::Equals' && list.every((v) => typeof v === 'string')) return list[0] === list[1];
    throw new Error(`cannot evaluate ${JSON.stringify(e)} offline`);
  }
}

/**
 * A CloudFormation string (Fn::Sub with or without variables, Fn::Join, Ref,
 * Fn::GetAtt) with each reference replaced by a placeholder, {{GetAtt:X.Arn}} or
 * {{Ref:X}}, so that a definition reads as JSON whatever way the plugin built it.
 */
function renderIntrinsic(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = obj(value, 'intrinsic');
  if ('Ref' in v) return `{{Ref:${String(v.Ref)}}}`;
  if ('Fn::GetAtt' in v) {
    const att = v['Fn::GetAtt'];
    return `{{GetAtt:${Array.isArray(att) ? att.join('.') : String(att)}}}`;
  }
  if ('Fn::Join' in v) {
    const [delimiter, parts] = array(v['Fn::Join']);
    return array(parts).map(renderIntrinsic).join(String(delimiter));
  }
  if ('Fn::Sub' in v) {
    const sub = v['Fn::Sub'];
    const [text, variables] = Array.isArray(sub)
      ? [String(sub[0]), obj(sub[1] ?? {}, 'Sub variables')]
      : [String(sub), {}];
    return text.replace(/\$\{(!?)([^}]*)\}/g, (_whole, bang: string, name: string) => {
      if (bang) return `\${${name}}`;
      if (name in variables) return renderIntrinsic(variables[name]);
      return name.includes('.') && !name.includes('::') ? `{{GetAtt:${name}}}` : `{{Ref:${name}}}`;
    });
  }
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

// --- small things ----------------------------------------------------------------

function flatten(value: unknown, path: string[] = []): [string, string][] {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([k, v]) => flatten(v, [...path, k]));
  }
  return [[path.join('/'), String(value)]];
}

function logicalId(fn: string): string {
  return fn.charAt(0).toUpperCase() + fn.slice(1);
}

function obj(value: unknown, what: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${what} is not an object: ${JSON.stringify(value)}`);
  }
  return value as Obj;
}

function array(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function readJson<T = unknown>(...path: string[]): T {
  return JSON.parse(readFileSync(join(...path), 'utf8')) as T;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}
