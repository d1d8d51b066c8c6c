import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server speaking Step Functions' JSON 1.0 protocol the way AWS does on
 * the wire (`X-Amz-Target: AWSStepFunctions.<Action>`, JSON bodies, errors as status
 * 400 with `{"__type", "message"}`, dates as epoch seconds), and STS's query protocol
 * for GetCallerIdentity (form body, XML answer). It holds executions and their
 * histories in memory and records every call. The CLI under test reaches it through
 * the real SDK (AWS_ENDPOINT_URL_SFN, AWS_ENDPOINT_URL_STS).
 */

export interface WireExecution {
  readonly name: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  readonly startDate: number;
  readonly input: unknown;
  /** Oldest first, as Step Functions numbers them. */
  readonly history: Record<string, unknown>[];
}

export interface SfnCall {
  readonly action: string;
  readonly input: Record<string, unknown>;
}

export interface SfnWireServer {
  readonly url: string;
  readonly account: string;
  readonly callerArn: string;
  /** By execution ARN. */
  readonly executions: Map<string, WireExecution>;
  /** The state machines that exist (ARNs). */
  readonly machines: Set<string>;
  readonly calls: SfnCall[];
  /** Task tokens answered: token -> success output or failure. */
  readonly answered: Map<string, { output?: string; error?: string; cause?: string }>;
  close(): Promise<void>;
}

const fault = (code: string, message: string) => ({ status: 400, body: { __type: code, message } });

function answer(server: SfnWireServer, action: string, input: Record<string, unknown>) {
  const execution = server.executions.get(String(input.executionArn));
  switch (action) {
    case 'DescribeExecution': {
      if (!execution)
        return fault('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(input.executionArn)}'`);
      const arn = String(input.executionArn);
      return {
        status: 200,
        body: {
          executionArn: arn,
          stateMachineArn: arn.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, ''),
          name: execution.name,
          status: execution.status,
          startDate: execution.startDate,
          input: JSON.stringify(execution.input),
        },
      };
    }
    case 'ListExecutions': {
      const machine = String(input.stateMachineArn);
      if (!server.machines.has(machine))
        return fault('StateMachineDoesNotExist', `State Machine Does Not Exist: '${machine}'`);
      const prefix = `${machine.replace(':stateMachine:', ':execution:')}:`;
      const items = [...server.executions.entries()]
        .filter(([arn]) => arn.startsWith(prefix))
        .sort(([, a], [, b]) => b.startDate - a.startDate)
        .map(([arn, e]) => ({
          executionArn: arn,
          stateMachineArn: machine,
          name: e.name,
          status: e.status,
          startDate: e.startDate,
        }));
      const start = input.nextToken === undefined ? 0 : Number(input.nextToken);
      const size = Number(input.maxResults ?? 100) || 100;
      const page = items.slice(start, start + size);
      return {
        status: 200,
        body: {
          executions: page,
          ...(start + size < items.length ? { nextToken: String(start + size) } : {}),
        },
      };
    }
    case 'GetExecutionHistory': {
      if (!execution) return fault('ExecutionDoesNotExist', 'Execution Does Not Exist');
      const events = input.reverseOrder === true ? [...execution.history].reverse() : execution.history;
      return { status: 200, body: { events } };
    }
    case 'SendTaskSuccess':
    case 'SendTaskFailure': {
      const token = String(input.taskToken);
      const waiting = [...server.executions.values()].find(
        (e) => e.status === 'RUNNING' && JSON.stringify(e.history).includes(token),
      );
      if (!waiting || server.answered.has(token)) return fault('TaskDoesNotExist', 'Task Does Not Exist');
      server.answered.set(token, {
        ...(input.output !== undefined ? { output: String(input.output) } : {}),
        ...(input.error !== undefined ? { error: String(input.error) } : {}),
        ...(input.cause !== undefined ? { cause: String(input.cause) } : {}),
      });
      return { status: 200, body: {} };
    }
    default:
      return fault('UnknownOperationException', `${action} is not served here`);
  }
}

function callerIdentityXml(arn: string, account: string): string {
  return (
    '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">' +
    `<GetCallerIdentityResult><Arn>${arn}</Arn><UserId>AIDAEXAMPLE</UserId><Account>${account}</Account></GetCallerIdentityResult>` +
    '<ResponseMetadata><RequestId>req-sts</RequestId></ResponseMetadata></GetCallerIdentityResponse>'
  );
}

export async function startSfnWireServer(
  options: { account?: string; callerArn?: string } = {},
): Promise<SfnWireServer> {
  const account = options.account ?? '123456789012';
  const state: Omit<SfnWireServer, 'url' | 'close'> = {
    account,
    callerArn: options.callerArn ?? `arn:aws:iam::${account}:user/ana`,
    executions: new Map(),
    machines: new Set(),
    calls: [],
    answered: new Map(),
  };
  let self: SfnWireServer | undefined;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      if (target === '') {
        // STS, query protocol.
        const form = new URLSearchParams(text);
        state.calls.push({ action: `sts:${form.get('Action')}`, input: Object.fromEntries(form) });
        res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': 'req-sts' });
        res.end(callerIdentityXml(state.callerArn, account));
        return;
      }
      const action = target.replace(/^AWSStepFunctions\./, '');
      const input = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
      state.calls.push({ action, input });
      const { status, body } = answer(self as SfnWireServer, action, input);
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'req-1' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  self = {
    ...state,
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return self;
}
