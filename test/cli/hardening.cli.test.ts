import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../lib/cli/io';
import { run } from '../../lib/cli/main';
import { STATE_DIR_MARKER } from '../../lib/sandbox/state-dir';

const PAYMENTS = 'demo/snapshots/payments-prod-1.30.json';
const tmp = () => mkdtempSync(join(tmpdir(), 'eua-cli-hardening-'));

interface Captured extends CliIo {
  out: string;
  err: string;
}

/** The CLI in-process, as bin/ runs it; `onStderr` lets a test act while the run is under way. */
function io(onStderr?: (text: string) => void): Captured {
  const state: Captured = {
    out: '',
    err: '',
    exitCode: 0,
    now: () => new Date('2026-12-01T09:00:00Z'),
    stdout: (t) => {
      state.out += t;
    },
    stderr: (t) => {
      state.err += t;
      onStderr?.(t);
    },
  };
  return state;
}

async function cli(args: readonly string[], out: Captured = io()) {
  const code = await run(['node', 'eks-upgrade-agent', ...args], out);
  return { code, out: out.out, err: out.err };
}

/** One line on stderr, no stack trace, nothing on stdout: the bad-input contract. */
function expectOneLineRefusal(r: { code: number; out: string; err: string }, message: string | RegExp) {
  expect(r.code).toBe(2);
  expect(r.out).toBe('');
  expect(r.err.split('\n').filter(Boolean)).toHaveLength(1);
  if (typeof message === 'string') expect(r.err).toContain(message);
  else expect(r.err).toMatch(message);
  expect(r.err).not.toMatch(/internal error|\n\s+at /);
}

describe('run --sandbox never deletes what it did not create', () => {
  test.each([[[]], [['--dry-run']], [['--keep-state']]])(
    'a --state-dir that is a regular file is refused and kept (%j)',
    async (extra) => {
      const file = join(tmp(), 'notes.txt');
      writeFileSync(file, 'keep me');
      const r = await cli(['run', '--sandbox', '--state-dir', file, ...extra]);
      expectOneLineRefusal(r, 'exists and is not a directory');
      expect(readFileSync(file, 'utf8')).toBe('keep me');
    },
  );

  test('a git checkout as --state-dir is refused, its files intact, even with --dry-run', async () => {
    const repo = tmp();
    mkdirSync(join(repo, '.git'));
    writeFileSync(join(repo, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(repo, 'package.json'), '{}');
    const r = await cli(['run', '--sandbox', '--dry-run', '--state-dir', repo]);
    expectOneLineRefusal(r, /is not a sandbox state directory: it holds 2 entries/);
    expect(readdirSync(repo).sort()).toEqual(['.git', 'package.json']);
    expect(readFileSync(join(repo, '.git', 'HEAD'), 'utf8')).toContain('refs/heads/main');
  });

  test('a marked directory is started afresh, and a file of the user in it is kept', async () => {
    const dir = join(tmp(), 'state');
    expect((await cli(['run', '--sandbox', '--quiet', '--target', '1.31', '--state-dir', dir])).code).toBe(0);
    writeFileSync(join(dir, 'my-notes.txt'), 'mine');
    const again = await cli(['run', '--sandbox', '--quiet', '--target', '1.31', '--state-dir', dir]);
    expect(again.code).toBe(0);
    expect(again.out).toContain('payments-prod 1.30 -> 1.31: COMPLETED');
    expect(readFileSync(join(dir, 'my-notes.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(dir, STATE_DIR_MARKER))).toBe(true);
  });

  test('a marker of another format is refused with a message saying so', async () => {
    const dir = tmp();
    writeFileSync(join(dir, STATE_DIR_MARKER), JSON.stringify({ format: 2, createdBy: 'a newer agent' }));
    const r = await cli(['run', '--sandbox', '--state-dir', dir]);
    expectOneLineRefusal(r, 'sandbox state directory of format 2, and this version reads format 1 only');
  });

  test('a --state-dir below a regular file names the path and the cause, exit 2', async () => {
    const file = join(tmp(), 'file');
    writeFileSync(file, '');
    const r = await cli(['run', '--sandbox', '--state-dir', join(file, 'state')]);
    expectOneLineRefusal(r, `${join(file, 'state')}: ENOTDIR (a part of the path is not a directory)`);
  });
});

describe('run --sandbox checks every argument before anything runs', () => {
  test.each([
    [['--target', '01.32'], '"01.32" has a leading zero; write it as 1.32'],
    [['--target', '1.300'], '"1.300" is out of range: the minor version must be 0-99'],
    [['--target', '1.99999999999'], 'is out of range'],
    [['--target', '2.0'], 'Kubernetes has only major version 1'],
    [['--target', ''], 'is not a Kubernetes minor version'],
    [['--scenario', 'nope'], 'unknown sandbox scenario "nope"; valid scenarios: happy,'],
    [['--scenario', ''], 'unknown sandbox scenario ""'],
    [['--strategy', 'yolo'], '--strategy must be one of in_place, blue_green'],
    [['--output', 'yaml'], '--output must be text or json'],
    [['--request-id', 'x'.repeat(41)], '--request-id: the request id is 41 characters long; at most 40'],
    [['--request-id', '../../etc'], '--request-id: the request id contains ".."'],
    [['--request-id', 'chg/1'], '--request-id: the request id contains "/"'],
    [['--request-id', ''], '--request-id: the request id is empty'],
    [['--cluster', 'someone-else'], '--cluster "someone-else" is not in the snapshot'],
    [['--cluster', ''], '--cluster is empty'],
    [['--snapshot', ''], 'the snapshot path is empty'],
    [['--snapshot', '/dev/null'], 'cannot read snapshot /dev/null: it is not a regular file'],
    [['--snapshot', 'demo/snapshots'], 'cannot read snapshot demo/snapshots: it is a directory'],
    [['--events-out', 'demo'], '--events-out demo is a directory'],
    [['--events-out', '/no/such/dir/events.jsonl'], 'the directory /no/such/dir does not exist'],
    [['--report-out', ''], '--report-out is empty'],
    [
      ['--report-out', 'report.txt'],
      '--report-out report.txt: the extension says the format; use .json (the report) or .html (a page of the upgrade), not .txt',
    ],
    [['--report-out', 'report'], 'use .json (the report) or .html (a page of the upgrade)'],
  ])('%j exits 2 with one line, and the state directory is not even created', async (args, message) => {
    const stateDir = join(tmp(), 'state');
    const r = await cli(['run', '--sandbox', ...args, '--state-dir', stateDir]);
    expectOneLineRefusal(r, message);
    expect(existsSync(stateDir)).toBe(false);
  });

  test('a --report-out naming the --snapshot file is refused, and the snapshot kept', async () => {
    const snapshot = join(tmp(), 'snapshot.json');
    writeFileSync(snapshot, readFileSync(PAYMENTS));
    const other = join(snapshot, '..', '.', 'snapshot.json');
    const r = await cli([
      'run',
      '--sandbox',
      '--snapshot',
      snapshot,
      '--report-out',
      other,
      '--state-dir',
      join(tmp(), 's'),
    ]);
    expectOneLineRefusal(r, 'is the same file as --snapshot');
    expect(readFileSync(snapshot, 'utf8')).toBe(readFileSync(PAYMENTS, 'utf8'));
  });

  test('an output path that cannot be written exits 2 before the simulated cluster moves', async () => {
    const dir = join(tmp(), 'state');
    expect((await cli(['run', '--sandbox', '--quiet', '--target', '1.31', '--state-dir', dir])).code).toBe(0);
    const world = readFileSync(join(dir, 'eks-world.json'), 'utf8');
    const r = await cli([
      'run',
      '--sandbox',
      '--keep-state',
      '--target',
      '1.32',
      '--state-dir',
      dir,
      '--report-out',
      join(tmp(), 'missing', 'report.json'),
    ]);
    expectOneLineRefusal(r, /--report-out .*report\.json: the directory .*missing does not exist/);
    expect(readFileSync(join(dir, 'eks-world.json'), 'utf8')).toBe(world);
  });

  test('a write that still fails after the run: the report reaches stdout, the error is named, exit 1', async () => {
    const dir = tmp();
    const eventsOut = join(dir, 'events.jsonl');
    const reportOut = join(dir, 'report.json');
    // The path becomes a directory while the upgrade runs, after the checks passed.
    const out = io(() => {
      if (!existsSync(eventsOut)) mkdirSync(eventsOut);
    });
    const r = await cli(
      [
        'run',
        '--sandbox',
        '--target',
        '1.31',
        '--state-dir',
        join(dir, 'state'),
        '--events-out',
        eventsOut,
        '--report-out',
        reportOut,
      ],
      out,
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain('Upgrade payments-prod 1.30 -> 1.31: COMPLETED');
    expect(r.err).toContain(
      `error: OutputWriteError: cannot write events to ${eventsOut}: EISDIR (it is a directory) (the report is on stdout)`,
    );
    expect(JSON.parse(readFileSync(reportOut, 'utf8')).outcome).toBe('completed');
  });
});

describe('JSON files with a UTF-8 byte order mark are read', () => {
  const withBom = (file: string) => {
    const path = join(tmp(), 'bom.json');
    writeFileSync(path, `\uFEFF${readFileSync(file, 'utf8')}`);
    return path;
  };

  test('plan --snapshot', async () => {
    const r = await cli(['plan', '--snapshot', withBom(PAYMENTS), '--target', '1.31']);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain('READY');
  });

  test('run --sandbox --snapshot', async () => {
    const r = await cli([
      'run',
      '--sandbox',
      '--quiet',
      '--dry-run',
      '--snapshot',
      withBom(PAYMENTS),
      '--state-dir',
      join(tmp(), 's'),
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('PLANNED');
  });

  test('events test-pattern --pattern and --event', async () => {
    const r = await cli([
      'events',
      'test-pattern',
      '--pattern',
      withBom('events/rules/upgrade-trigger.json'),
      '--event',
      withBom('events/samples/upgrade.requested.json'),
    ]);
    expect([r.code, r.out]).toEqual([0, 'true\n']);
  });
});

describe('odd files given as --snapshot', () => {
  test('a file over the size limit is refused without being read', async () => {
    const big = join(tmp(), 'big.json');
    writeFileSync(big, Buffer.alloc(17 * 1024 * 1024, 0x20));
    const r = await cli(['plan', '--snapshot', big, '--target', '1.31']);
    expectOneLineRefusal(r, /big\.json is 17\.0 MB; the limit is 16\.0 MB/);
  });

  test('an empty file says it is empty', async () => {
    const empty = join(tmp(), 'empty.json');
    writeFileSync(empty, '');
    expectOneLineRefusal(await cli(['plan', '--snapshot', empty, '--target', '1.31']), 'is empty');
  });
});
