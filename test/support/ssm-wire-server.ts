import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WireFault } from './aws-wire-server';

/**
 * A local HTTP server that answers SSM Parameter Store's JSON 1.1 protocol the way AWS
 * does on the wire: `X-Amz-Target: AmazonSSM.<Action>`, JSON bodies, errors as status
 * 400 with `{"__type", "message"}`. It holds parameters in memory, pages
 * GetParametersByPath by 10 as AWS does, and records every call. The CLI under test
 * reaches it through the real SDK (AWS_ENDPOINT_URL_SSM).
 */

export interface StoredParameter {
  readonly Value: string;
  readonly Type: string;
  readonly Version: number;
}

export interface SsmCall {
  readonly action: string;
  readonly input: Record<string, unknown>;
}

export interface SsmWireServer {
  readonly url: string;
  readonly parameters: Map<string, StoredParameter>;
  readonly calls: SsmCall[];
  /** Answers every call of this action with the fault instead. */
  fail(action: string, fault: WireFault): void;
  close(): Promise<void>;
}

const PAGE = 10;

function answer(
  parameters: Map<string, StoredParameter>,
  action: string,
  input: Record<string, unknown>,
): { status: number; body: unknown } {
  if (action === 'GetParametersByPath') {
    const path = String(input.Path ?? '');
    const prefix = path.endsWith('/') ? path : `${path}/`;
    const names = [...parameters.keys()]
      .filter((name) => name.startsWith(prefix))
      .filter((name) => input.Recursive === true || !name.slice(prefix.length).includes('/'))
      .sort();
    const start = input.NextToken === undefined ? 0 : Number(input.NextToken);
    const page = names.slice(start, start + Math.min(Number(input.MaxResults ?? PAGE), PAGE));
    const next = start + page.length < names.length ? { NextToken: String(start + page.length) } : {};
    return {
      status: 200,
      body: {
        Parameters: page.map((Name) => ({ Name, ...(parameters.get(Name) as StoredParameter) })),
        ...next,
      },
    };
  }
  if (action === 'PutParameter') {
    const name = String(input.Name);
    const existing = parameters.get(name);
    if (existing !== undefined && input.Overwrite !== true) {
      return {
        status: 400,
        body: { __type: 'ParameterAlreadyExists', message: 'The parameter already exists.' },
      };
    }
    const Version = (existing?.Version ?? 0) + 1;
    parameters.set(name, { Value: String(input.Value), Type: String(input.Type ?? 'String'), Version });
    return { status: 200, body: { Version, Tier: 'Standard' } };
  }
  return { status: 400, body: { __type: 'InvalidAction', message: `${action} is not served here` } };
}

export async function startSsmWireServer(initial: Record<string, string> = {}): Promise<SsmWireServer> {
  const parameters = new Map<string, StoredParameter>(
    Object.entries(initial).map(([name, Value]) => [name, { Value, Type: 'String', Version: 1 }]),
  );
  const calls: SsmCall[] = [];
  const faults = new Map<string, WireFault>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => {
      const action = String(req.headers['x-amz-target'] ?? '').replace(/^AmazonSSM\./, '');
      const input = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
      calls.push({ action, input });
      const fault = faults.get(action);
      const { status, body } = fault
        ? { status: fault.status, body: { __type: fault.code, message: fault.message } }
        : answer(parameters, action, input);
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'req-1' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    parameters,
    calls,
    fail: (action, fault) => faults.set(action, fault),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
