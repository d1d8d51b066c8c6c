import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** What the X-Ray SDK sends the daemon for the handler's subsegment (the parts the tests read). */
export interface SentSegment {
  readonly name: string;
  readonly annotations?: Record<string, unknown>;
  readonly fault?: boolean;
  readonly cause?: { readonly exceptions?: readonly { readonly type?: string; readonly message?: string }[] };
}

/** The environment Lambda gives a traced invocation, as far as Powertools and the X-Ray SDK read it. */
function lambdaEnv(fn: string, taskRoot: string, daemonPort: number): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'us-east-1',
    AWS_LAMBDA_FUNCTION_NAME: fn,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    LAMBDA_TASK_ROOT: taskRoot,
    _HANDLER: `handlers/${fn}.handler`,
    _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
    AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${daemonPort}`,
    AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'not-a-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    EKS_UPGRADE_AGENT_BACKEND: 'aws',
    EKS_UPGRADE_AGENT_STAGE: 'dev',
    EVENT_BUS_NAME: 'eks-upgrade-agent-dev',
    ARTIFACT_BUCKET: 'artifacts',
    AGENT_TABLE: 'agent',
    STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:eks-upgrade-agent-dev',
    POWERTOOLS_SERVICE_NAME: 'eks-upgrade-agent',
  };
}

/** Runs in the child: one invocation of the handler; prints the error's name, if any. */
const CHILD = [
  'const { handler } = require(process.env.TEST_HANDLER);',
  'const context = { functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, awsRequestId: "r-1", getRemainingTimeInMillis: () => 10000 };',
  'handler(JSON.parse(process.env.TEST_EVENT), context).then(',
  '  () => console.log("ok"),',
  '  (e) => console.log(e.name));',
].join('\n');

/**
 * The zip's files written to a task root, and one traced invocation of the handler
 * in a fresh node with Lambda's environment, an X-Ray "daemon" (a UDP socket) taking
 * what the SDK sends. Resolves with the subsegments sent and what the child printed.
 */
export async function tracedInvocation(
  files: ReadonlyMap<string, Buffer>,
  fn: string,
  event: unknown,
): Promise<{ segments: SentSegment[]; outcome: string; stderr: string }> {
  const taskRoot = mkdtempSync(join(tmpdir(), 'eua-traced-'));
  const socket = createSocket('udp4');
  const segments: SentSegment[] = [];
  socket.on('message', (message) => {
    // The daemon protocol: a JSON header line, then the segment document.
    const [, document] = message.toString('utf8').split('\n');
    if (document) segments.push(JSON.parse(document) as SentSegment);
  });
  try {
    for (const [name, content] of files) {
      mkdirSync(dirname(join(taskRoot, name)), { recursive: true });
      writeFileSync(join(taskRoot, name), content);
    }
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const { outcome, stderr } = await new Promise<{ outcome: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', CHILD], {
        cwd: taskRoot,
        env: {
          ...lambdaEnv(fn, taskRoot, socket.address().port),
          TEST_HANDLER: join(taskRoot, 'handlers', `${fn}.js`),
          TEST_EVENT: JSON.stringify(event),
        },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString();
      });
      child.on('error', reject);
      child.on('close', () => resolve({ outcome: out.trim().split('\n').at(-1) ?? '', stderr: err }));
    });
    // UDP from the child arrives before it exits, but is read on this side's next turns.
    await new Promise((resolve) => setTimeout(resolve, 100));
    return { segments, outcome, stderr };
  } finally {
    socket.close();
    rmSync(taskRoot, { recursive: true, force: true });
  }
}
