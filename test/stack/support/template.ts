import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Reading a packaged CloudFormation template: resources, IAM statements, intrinsics. */
export type Obj = Record<string, unknown>;

export interface Resource {
  readonly Type: string;
  readonly Properties: Obj;
  readonly Condition?: string;
}

export interface Template {
  readonly Resources: Record<string, Resource>;
  readonly Conditions?: Obj;
}

export function resource(template: Template, id: string, type: string): Resource {
  const r = template.Resources[id];
  if (!r) throw new Error(`no resource ${id}`);
  expect({ id, type: r.Type }).toEqual({ id, type });
  return r;
}

export function ofType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

export interface Statement {
  readonly effect: string;
  readonly actions: string[];
  readonly resources: unknown[];
  readonly raw: Obj;
}

/** Every IAM role's statements: its inline policies and any AWS::IAM::Policy attached to it. */
export function roleStatements(template: Template): Map<string, Statement[]> {
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

export function isRead(action: string): boolean {
  return /^[a-z0-9-]+:(Describe|List|Get)/.test(action);
}

/** Whether the email subscription's Condition holds (its parameter is baked into the template). */
export function subscriptionDeployed(template: Template): boolean {
  const subscription = resource(template, 'NotificationEmailSubscription', 'AWS::SNS::Subscription');
  return subscription.Condition === undefined || condition(template, subscription.Condition);
}

export function condition(template: Template, name: string): boolean {
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
export function renderIntrinsic(value: unknown): string {
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

export function flatten(value: unknown, path: string[] = []): [string, string][] {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([k, v]) => flatten(v, [...path, k]));
  }
  return [[path.join('/'), String(value)]];
}

export function logicalId(fn: string): string {
  return fn.charAt(0).toUpperCase() + fn.slice(1);
}

export function obj(value: unknown, what: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${what} is not an object: ${JSON.stringify(value)}`);
  }
  return value as Obj;
}

export function array(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

export function readJson<T = unknown>(...path: string[]): T {
  return JSON.parse(readFileSync(join(...path), 'utf8')) as T;
}

export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}
