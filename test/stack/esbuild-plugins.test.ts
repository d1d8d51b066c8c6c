import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';

/**
 * plugins/esbuild-plugins.js (custom.esbuild.plugins in serverless.yml): the AWS SDK's
 * schema files with literal trait keys, so that esbuild drops the schemas a bundle
 * does not use. Checked on the EC2 client the functions use for two reads: the
 * bundle is small, and the bundled client writes the same requests and reads the
 * same answers as the SDK itself.
 */
const ROOT = join(__dirname, '..', '..');
const plugins = require(join(ROOT, 'plugins', 'esbuild-plugins.js')) as Plugin[] & {
  literalKeys: (text: string) => string;
};

const ENTRY = [
  "import { EC2Client, DescribeSubnetsCommand, DescribeLaunchTemplatesCommand } from '@aws-sdk/client-ec2';",
  'export { EC2Client, DescribeSubnetsCommand, DescribeLaunchTemplatesCommand };',
].join('\n');

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eua-esbuild-plugins-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The entry bundled as the functions are (ESM resolution, minified); bytes of client-ec2 in it. */
async function bundle(withPlugins: boolean, outfile: string): Promise<number> {
  const result = await build({
    stdin: { contents: ENTRY, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    minify: true,
    keepNames: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    mainFields: ['module', 'main'],
    plugins: withPlugins ? [...plugins] : [],
    outfile,
    metafile: true,
    logLevel: 'silent',
  });
  const [output] = Object.values(result.metafile.outputs);
  return Object.entries(output?.inputs ?? {})
    .filter(([path]) => path.includes('node_modules/@aws-sdk/client-ec2/'))
    .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
}

describe('literalKeys', () => {
  test('a computed key over a string constant of the file becomes that string', () => {
    const text = [
      'const _xN = "xmlName";',
      'const _eQN = "ec2QueryName";',
      'export var A$ = [3, n0, _A, 0, [_S], [[() => B$, { [_eQN]: `SubnetId`, [_xN]: _sI }]]];',
    ].join('\n');
    expect(plugins.literalKeys(text).split('\n')[2]).toBe(
      'export var A$ = [3, n0, _A, 0, [_S], [[() => B$, { "ec2QueryName": `SubnetId`, "xmlName": _sI }]]];',
    );
  });

  test('a key over anything else is left as it is', () => {
    const text = ['let _x = "x";', 'const _n = 5;', 'var A$ = { [_x]: 1, [_n]: 2, [_missing]: 3 };'].join(
      '\n',
    );
    expect(plugins.literalKeys(text)).toBe(text);
  });
});

describe('the EC2 client in a bundle', () => {
  test('keeps only the schemas of the commands used', async () => {
    const plain = await bundle(false, join(dir, 'plain.js'));
    const lean = await bundle(true, join(dir, 'lean.js'));
    expect(plain).toBeGreaterThan(400 * 1024);
    expect(lean).toBeLessThan(40 * 1024);
  }, 60_000);

  test('writes the same requests and reads the same answers as the SDK', async () => {
    await bundle(true, join(dir, 'lean.js'));
    const sdk = converse(require.resolve('@aws-sdk/client-ec2', { paths: [ROOT] }));
    const bundled = converse(join(dir, 'lean.js'));
    expect(bundled).toEqual(sdk);
    // The answers were read, not just equally empty.
    expect(sdk.subnets).toEqual({
      Subnets: [
        {
          SubnetId: 'subnet-0a1',
          AvailabilityZone: 'us-east-1a',
          AvailableIpAddressCount: 3,
          Tags: [{ Key: 'Name', Value: 'private-a' }],
        },
      ],
    });
    expect(sdk.subnetsRequest).toContain('SubnetId.1=subnet-0a1');
  }, 60_000);
});

const SUBNETS_XML = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeSubnetsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</requestId>
  <subnetSet><item>
    <subnetId>subnet-0a1</subnetId><availabilityZone>us-east-1a</availabilityZone>
    <availableIpAddressCount>3</availableIpAddressCount>
    <tagSet><item><key>Name</key><value>private-a</value></item></tagSet>
  </item></subnetSet>
</DescribeSubnetsResponse>`;

const TEMPLATES_XML = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeLaunchTemplatesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>1afa6e44-eb38-4229-8db6-d5eaEXAMPLE</requestId>
  <launchTemplates><item>
    <launchTemplateId>lt-0abc</launchTemplateId><launchTemplateName>workers</launchTemplateName>
    <defaultVersionNumber>3</defaultVersionNumber><latestVersionNumber>4</latestVersionNumber>
  </item></launchTemplates>
</DescribeLaunchTemplatesResponse>`;

interface Conversation {
  subnetsRequest: string;
  subnets: unknown;
  templatesRequest: string;
  templates: unknown;
}

/** In a fresh node: both commands through the module at `path`, answered by canned XML. */
function converse(path: string): Conversation {
  const script = `
const { Readable } = require('node:stream');
const { EC2Client, DescribeSubnetsCommand, DescribeLaunchTemplatesCommand } = require(${JSON.stringify(path)});
const answers = [${JSON.stringify(SUBNETS_XML)}, ${JSON.stringify(TEMPLATES_XML)}];
const requests = [];
const requestHandler = {
  handle: async (request) => {
    requests.push(String(request.body));
    return { response: { statusCode: 200, headers: { 'content-type': 'text/xml' }, body: Readable.from([Buffer.from(answers[requests.length - 1])]) } };
  },
};
const client = new EC2Client({ region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 'SECRET' }, requestHandler });
(async () => {
  const { $metadata: _s, ...subnets } = await client.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-0a1'] }));
  const { $metadata: _t, ...templates } = await client.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: ['lt-0abc'] }));
  process.stdout.write(JSON.stringify({ subnetsRequest: requests[0], subnets, templatesRequest: requests[1], templates }));
})().catch((e) => { console.error(e); process.exit(1); });
`;
  const r = spawnSync(process.execPath, ['-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  if (r.status !== 0) throw new Error(`${path}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Conversation;
}
