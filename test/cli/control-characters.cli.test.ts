import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../lib/cli/io';
import { run } from '../../lib/cli/main';
import { safeText } from '../../lib/cli/render/safe-text';

const EVIL = '\u001b[2J\r\u0007\u009b\u202e';
// Every C0 control but newline, DEL, C1, and the bidirectional overrides.
// biome-ignore lint/suspicious/noControlCharactersInRegex: detecting control characters is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** The payments demo with data-borne names and texts carrying terminal control sequences. */
function evilSnapshot(options: { clusterName: boolean } = { clusterName: true }): string {
  const s = JSON.parse(readFileSync('demo/snapshots/payments-prod-1.30.json', 'utf8'));
  // A cluster name EKS would never give; `plan` must still print it safely.
  if (options.clusterName) s.cluster.name = `payments${EVIL}prod`;
  s.nodegroups[0].nodegroupName = `general${EVIL}`;
  s.nodegroups[0].clusterName = s.cluster.name;
  s.addons[1].health = { issues: [{ code: 'InsufficientNumberOfReplicas', message: `down${EVIL}` }] };
  for (const insight of s.insights) insight.insightStatus.reason = `${insight.insightStatus.reason}${EVIL}`;
  const file = join(mkdtempSync(join(tmpdir(), 'eua-ctl-')), 'evil.json');
  writeFileSync(file, JSON.stringify(s));
  return file;
}

async function cli(args: readonly string[]) {
  const io: CliIo & { out: string; err: string } = {
    out: '',
    err: '',
    exitCode: 0,
    now: () => new Date('2026-12-01T09:00:00Z'),
    stdout: (t) => {
      io.out += t;
    },
    stderr: (t) => {
      io.err += t;
    },
  };
  const code = await run(['node', 'eks-upgrade-agent', ...args], io);
  return { code, out: io.out, err: io.err };
}

describe('text from data is printed without terminal control characters', () => {
  test('safeText shows each control as its escape, keeps newlines, and is idempotent', () => {
    expect(safeText(`a${EVIL}b\nc\td`)).toBe('a\\u001b[2J\\u000d\\u0007\\u009b\\u202eb\nc\\u0009d');
    expect(safeText(safeText(EVIL))).toBe(safeText(EVIL));
  });

  test.each(['text', 'markdown', 'json'])('plan --output %s', async (format) => {
    const r = await cli(['plan', '--snapshot', evilSnapshot(), '--target', '1.32', '--output', format]);
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(CONTROL);
    // JSON keeps the data exact (escaped); text shows the escapes.
    if (format === 'json') expect(JSON.parse(r.out).cluster).toBe(`payments${EVIL}prod`);
    else expect(r.out).toContain('payments\\u001b[2J\\u000d\\u0007\\u009b\\u202eprod');
  });

  test('run --sandbox: the report and the progress lines', async () => {
    const r = await cli([
      'run',
      '--sandbox',
      '--snapshot',
      evilSnapshot({ clusterName: false }),
      '--target',
      '1.31',
      '--state-dir',
      join(mkdtempSync(join(tmpdir(), 'eua-ctl-')), 'state'),
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('node group general\\u001b[2J');
    expect(r.err).toContain('general\\u001b[2J');
    expect(r.out).not.toMatch(CONTROL);
    expect(r.err).not.toMatch(CONTROL);
  });

  test('run refuses a cluster name EKS could not have created, before anything runs', async () => {
    const r = await cli([
      'run',
      '--sandbox',
      '--snapshot',
      evilSnapshot(),
      '--state-dir',
      join(tmpdir(), 'never'),
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/evil\.json: "payments\\u001b\[2J.*" is not an EKS cluster name/);
  });

  test('an error message quoting data is one line without controls', async () => {
    const r = await cli([
      'run',
      '--sandbox',
      '--cluster',
      `x${EVIL}\ny`,
      '--state-dir',
      join(tmpdir(), 'never'),
    ]);
    expect(r.code).toBe(2);
    expect(r.err.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.err).not.toMatch(CONTROL);
  });
});
