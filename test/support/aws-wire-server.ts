import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server that answers the EKS REST-JSON API and EC2's query API the
 * way AWS does on the wire, from a snapshot-shaped JSON (a corpus file): routes and
 * field names as in @aws-sdk/client-eks's model, timestamps as epoch-second
 * numbers, errors as `x-amzn-ErrorType` + `{"message"}` (EKS) and
 * `<Response><Errors><Error>` (EC2). The CLI under test talks to it through the
 * real SDK (AWS_ENDPOINT_URL_EKS / AWS_ENDPOINT_URL_EC2).
 */

export interface WireWorld {
  readonly cluster: Record<string, unknown>;
  readonly nodegroups?: readonly Record<string, unknown>[];
  readonly addons?: readonly Record<string, unknown>[];
  readonly addonVersions?: readonly Record<string, unknown>[];
  readonly insights?: readonly Record<string, unknown>[];
  readonly fargateProfiles?: readonly Record<string, unknown>[];
  readonly subnets?: readonly Record<string, unknown>[];
  readonly launchTemplates?: readonly Record<string, unknown>[];
}

export interface WireFault {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string;
}

export interface WireServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Answers every request whose "METHOD /path" matches with this fault instead. */
  fail(route: RegExp, fault: WireFault): void;
  close(): Promise<void>;
}

const TIMESTAMP_KEYS = new Set([
  'createdAt',
  'modifiedAt',
  'lastRefreshTime',
  'lastTransitionTime',
  'lastRequestTime',
  'activationExpiry',
  'releaseDate',
  'endOfStandardSupportDate',
  'endOfExtendedSupportDate',
]);

/** The corpus's ISO strings as the wire sends them: epoch seconds, milliseconds as the fraction. */
export function toWire(value: unknown, key?: string): unknown {
  if (typeof value === 'string' && key !== undefined && TIMESTAMP_KEYS.has(key))
    return Date.parse(value) / 1000;
  if (Array.isArray(value)) return value.map((item) => toWire(item));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v, k)]));
  }
  return value;
}

const INSIGHT_SUMMARY_KEYS = [
  'id',
  'name',
  'category',
  'kubernetesVersion',
  'lastRefreshTime',
  'lastTransitionTime',
  'description',
  'insightStatus',
];

function pick(object: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in object).map((k) => [k, object[k]]));
}

const xmlEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** EC2's query protocol serialises members with a lower-case first letter; lists as <xxxSet><item>. */
function itemXml(item: Record<string, unknown>): string {
  const members = Object.entries(item).flatMap(([key, value]) => {
    const name = key.charAt(0).toLowerCase() + key.slice(1);
    if (key === 'Tags' && Array.isArray(value)) {
      const items = value
        .map(
          (t: { Key: string; Value: string }) =>
            `<item><key>${xmlEscape(t.Key)}</key><value>${xmlEscape(t.Value)}</value></item>`,
        )
        .join('');
      return [`<tagSet>${items}</tagSet>`];
    }
    if (value === null || typeof value === 'object') return [];
    return [`<${name}>${xmlEscape(String(value))}</${name}>`];
  });
  return `<item>${members.join('')}</item>`;
}

/** `<{Action}Response>` with one list (`subnetSet`, `launchTemplates`: the member's XML name in client-ec2). */
function ec2Response(action: string, list: string, items: readonly Record<string, unknown>[]): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">` +
    '<requestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</requestId>' +
    `<${list}>${items.map(itemXml).join('')}</${list}>` +
    `</${action}Response>`
  );
}

/** The EC2 actions the snapshot reader calls, answered for the ids asked (`Prefix.N` parameters). */
function ec2Answer(world: WireWorld, params: URLSearchParams): { status: number; xml: string } {
  const action = params.get('Action') ?? '';
  const ids = (prefix: string) =>
    [...params.entries()].filter(([k]) => k.startsWith(`${prefix}.`)).map(([, v]) => v);
  if (action === 'DescribeSubnets') {
    const wanted = ids('SubnetId');
    // AWS would refuse unknown ids (InvalidSubnetID.NotFound); the corpus holds only some of a cluster's subnets.
    const found = (world.subnets ?? []).filter((s) => wanted.includes(String(s.SubnetId)));
    return { status: 200, xml: ec2Response(action, 'subnetSet', found) };
  }
  if (action === 'DescribeLaunchTemplates') {
    const wanted = ids('LaunchTemplateId');
    const found = (world.launchTemplates ?? []).filter((t) => wanted.includes(String(t.LaunchTemplateId)));
    return { status: 200, xml: ec2Response(action, 'launchTemplates', found) };
  }
  const fault = {
    status: 400,
    code: 'InvalidAction',
    message: `The action ${action} is not valid for this web service.`,
  };
  return { status: fault.status, xml: ec2Error(fault) };
}

function ec2Error(fault: WireFault): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Response><Errors><Error><Code>${fault.code}</Code><Message>${xmlEscape(fault.message)}</Message></Error></Errors>` +
    '<RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>'
  );
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function byName(items: readonly Record<string, unknown>[] | undefined, key: string, name: string) {
  return (items ?? []).find((item) => item[key] === name);
}

/** Routes of the EKS API the snapshot reader calls (paths from the SDK's model). */
function eksAnswer(
  world: WireWorld,
  method: string,
  url: URL,
  requestBody: string,
): { status: number; json: unknown } | undefined {
  const clusterName = String(world.cluster.name);
  const p = url.pathname.split('/').map(decodeURIComponent);
  const notFound = (what: string) => ({
    status: 404,
    json: { message: `No ${what} found for name: ${p.at(-1)}.` },
  });
  if (method === 'GET' && p[1] === 'addons' && p[2] === 'supported-versions') {
    const name = url.searchParams.get('addonName');
    return { status: 200, json: { addons: (world.addonVersions ?? []).filter((a) => a.addonName === name) } };
  }
  if (method === 'GET' && p[1] === 'cluster-versions') return { status: 200, json: { clusterVersions: [] } };
  if (p[1] !== 'clusters') return undefined;
  if (p[2] !== clusterName) return notFound('cluster');
  const [, , , kind, id] = p;
  if (method === 'GET' && kind === undefined) return { status: 200, json: { cluster: world.cluster } };
  if (method === 'GET' && kind === 'node-groups' && id === undefined) {
    return { status: 200, json: { nodegroups: (world.nodegroups ?? []).map((n) => n.nodegroupName) } };
  }
  if (method === 'GET' && kind === 'node-groups') {
    const nodegroup = byName(world.nodegroups, 'nodegroupName', id ?? '');
    return nodegroup ? { status: 200, json: { nodegroup } } : notFound('node group');
  }
  if (method === 'GET' && kind === 'addons' && id === undefined) {
    return { status: 200, json: { addons: (world.addons ?? []).map((a) => a.addonName) } };
  }
  if (method === 'GET' && kind === 'addons') {
    const addon = byName(world.addons, 'addonName', id ?? '');
    return addon ? { status: 200, json: { addon } } : notFound('addon');
  }
  if (method === 'POST' && kind === 'insights' && id === undefined) {
    // ListInsights filters by category from its JSON body, as EKS does.
    const filter = (JSON.parse(requestBody || '{}') as { filter?: { categories?: string[] } }).filter;
    const wanted = filter?.categories;
    const insights = (world.insights ?? []).filter((i) => !wanted || wanted.includes(String(i.category)));
    return { status: 200, json: { insights: insights.map((i) => pick(i, INSIGHT_SUMMARY_KEYS)) } };
  }
  if (method === 'GET' && kind === 'insights') {
    const insight = byName(world.insights, 'id', id ?? '');
    return insight ? { status: 200, json: { insight } } : notFound('insight');
  }
  if (method === 'GET' && kind === 'fargate-profiles' && id === undefined) {
    return {
      status: 200,
      json: { fargateProfileNames: (world.fargateProfiles ?? []).map((f) => f.fargateProfileName) },
    };
  }
  if (method === 'GET' && kind === 'fargate-profiles') {
    const fargateProfile = byName(world.fargateProfiles, 'fargateProfileName', id ?? '');
    return fargateProfile ? { status: 200, json: { fargateProfile } } : notFound('Fargate profile');
  }
  return undefined;
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  text: string,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': type, 'x-amzn-requestid': 'req-1', ...headers });
  res.end(text);
}

/** Starts the server on 127.0.0.1 and a free port. `world` is the corpus JSON, ISO timestamps and all. */
export async function startWireServer(world: WireWorld): Promise<WireServer> {
  const wire = toWire(world) as WireWorld;
  const faults: Array<{ route: RegExp; fault: WireFault }> = [];
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const text = await body(req);
      const isEc2 = req.method === 'POST' && url.pathname === '/' && text.includes('Action=');
      const route = isEc2
        ? `POST ec2:${new URLSearchParams(text).get('Action')}`
        : `${req.method} ${url.pathname}`;
      requests.push({
        method: req.method ?? '',
        path: route,
        authorization: req.headers.authorization ?? '',
      });
      const fault = faults.find((f) => f.route.test(route))?.fault;
      if (isEc2) {
        if (fault) return send(res, fault.status, 'text/xml', ec2Error(fault));
        const answer = ec2Answer(wire, new URLSearchParams(text));
        return send(res, answer.status, 'text/xml', answer.xml);
      }
      if (fault) {
        return send(res, fault.status, 'application/json', JSON.stringify({ message: fault.message }), {
          'x-amzn-errortype': `${fault.code}:http://internal.amazon.com/coral/com.amazonaws.eks/`,
        });
      }
      const answer = eksAnswer(wire, req.method ?? 'GET', url, text);
      if (!answer)
        return send(res, 404, 'application/json', JSON.stringify({ message: `no route ${route}` }));
      const headers: Record<string, string> =
        answer.status === 404 ? { 'x-amzn-errortype': 'ResourceNotFoundException' } : {};
      return send(res, answer.status, 'application/json', JSON.stringify(answer.json), headers);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    fail: (route, fault) => faults.push({ route, fault }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
