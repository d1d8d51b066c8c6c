import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSandboxUpgrade } from '../../../lib/sandbox/local-run';
import {
  inspectStateDir,
  isSandboxEntry,
  prepareStateDir,
  STATE_DIR_FORMAT,
  STATE_DIR_MARKER,
} from '../../../lib/sandbox/state-dir';

const tmp = () => mkdtempSync(join(tmpdir(), 'eua-state-dir-'));
const SNAPSHOT = 'demo/snapshots/payments-prod-1.30.json';
const refused = (name: string, message: RegExp) =>
  expect.objectContaining({ name, message: expect.stringMatching(message) });

describe('the sandbox state directory: the sandbox deletes only what it created', () => {
  test('a new path is created and marked with the format version', () => {
    const dir = join(tmp(), 'a', 'b');
    expect(prepareStateDir(dir, { keepState: false, now: () => new Date('2026-12-01T00:00:00Z') })).toBe(
      'absent',
    );
    expect(JSON.parse(readFileSync(join(dir, STATE_DIR_MARKER), 'utf8'))).toEqual({
      format: STATE_DIR_FORMAT,
      createdBy: 'eks-upgrade-agent sandbox',
      createdAt: '2026-12-01T00:00:00.000Z',
    });
  });

  test('an empty directory is adopted', () => {
    const dir = tmp();
    expect(prepareStateDir(dir, { keepState: false })).toBe('empty');
    expect(readdirSync(dir)).toEqual([STATE_DIR_MARKER]);
  });

  test('a non-empty directory without the marker is refused, and nothing in it is touched', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'README.md'), 'mine');
    mkdirSync(join(dir, '.git'));
    for (const keepState of [false, true]) {
      expect(() => prepareStateDir(dir, { keepState })).toThrow(
        refused(
          'StateDirRefusedError',
          /is not a sandbox state directory: it holds 2 entries .*nothing was changed/,
        ),
      );
    }
    expect(readdirSync(dir).sort()).toEqual(['.git', 'README.md']);
  });

  test('a directory holding only files the sandbox would write, but no marker, is still refused', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'locks.json'), '{}');
    expect(() => prepareStateDir(dir, { keepState: false })).toThrow(
      refused(
        'StateDirRefusedError',
        /no \.eks-upgrade-agent-sandbox\.json.*a sandbox from before the marker: if so, delete it yourself \(rm -r /,
      ),
    );
    expect(existsSync(join(dir, 'locks.json'))).toBe(true);
  });

  test('a foreign directory gets no hint to delete it', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'locks.json'), '{}');
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    expect(() => prepareStateDir(dir, { keepState: false })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('rm -r') }),
    );
  });

  test('a regular file is refused and kept', () => {
    const file = join(tmp(), 'notes.txt');
    writeFileSync(file, 'keep me');
    expect(() => prepareStateDir(file, { keepState: false })).toThrow(
      refused('StateDirRefusedError', /exists and is not a directory/),
    );
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });

  test('a marker of an unknown format is refused with a message saying so', () => {
    const dir = tmp();
    writeFileSync(join(dir, STATE_DIR_MARKER), JSON.stringify({ format: 2 }));
    writeFileSync(join(dir, 'eks-world.json'), '{}');
    expect(() => prepareStateDir(dir, { keepState: false })).toThrow(
      refused('StateDirRefusedError', /of format 2, and this version reads format 1 only/),
    );
    expect(existsSync(join(dir, 'eks-world.json'))).toBe(true);
  });

  test('an unreadable marker is refused', () => {
    const dir = tmp();
    writeFileSync(join(dir, STATE_DIR_MARKER), 'not json');
    expect(() => inspectStateDir(dir)).toThrow(refused('StateDirRefusedError', /not a sandbox marker/));
  });

  test('starting afresh in a marked directory removes the sandbox files only', () => {
    const dir = tmp();
    prepareStateDir(dir, { keepState: false });
    writeFileSync(join(dir, 'eks-world.json'), '{}');
    writeFileSync(join(dir, 'locks.json.123.abcd.tmp'), '{}');
    writeFileSync(join(dir, 'locks.json.lock'), '{"pid":1}');
    mkdirSync(join(dir, 'artifacts', 'upgrades'), { recursive: true });
    writeFileSync(join(dir, 'my-notes.txt'), 'mine');
    prepareStateDir(dir, { keepState: true });
    expect(readdirSync(dir)).toHaveLength(6);
    prepareStateDir(dir, { keepState: false });
    expect(readdirSync(dir).sort()).toEqual([STATE_DIR_MARKER, 'my-notes.txt'].sort());
  });

  test('a path under a regular file names the path and the cause (ENOTDIR), as a bad input', () => {
    const file = join(tmp(), 'file');
    writeFileSync(file, '');
    expect(() => prepareStateDir(join(file, 'state'), { keepState: false })).toThrow(
      expect.objectContaining({
        name: 'FileAccessError',
        retryable: false,
        message: expect.stringMatching(/state: ENOTDIR \(a part of the path is not a directory\)$/),
      }),
    );
  });

  test('a dangling symbolic link is refused, not followed', () => {
    const link = join(tmp(), 'link');
    symlinkSync(join(tmp(), 'gone', 'x'), link);
    expect(() => prepareStateDir(link, { keepState: false })).toThrow(
      refused('StateDirRefusedError', /symbolic link to a path that does not exist/),
    );
  });

  (existsSync('/proc/self') ? test : test.skip)(
    'a path the system refuses (/proc/...) is a named error, not a hang (recursive mkdir loops there)',
    () => {
      expect(() => prepareStateDir('/proc/eks-upgrade-agent-test', { keepState: false })).toThrow(
        expect.objectContaining({ name: 'FileAccessError', message: expect.stringContaining('ENOENT') }),
      );
    },
  );

  test('a whole upgrade writes only entries the sandbox knows it may remove', async () => {
    const dir = tmp();
    const report = await runSandboxUpgrade({
      stateDir: dir,
      snapshotFile: SNAPSHOT,
      targetVersion: '1.31',
      scenario: 'validation-failure',
    });
    expect(report.outcome).toBe('rolled-back');
    const unknown = readdirSync(dir).filter((e) => e !== STATE_DIR_MARKER && !isSandboxEntry(e));
    expect(unknown).toEqual([]);
  });

  test('runSandboxUpgrade refuses a foreign directory before creating anything in it', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'thesis.tex'), 'years of work');
    await expect(runSandboxUpgrade({ stateDir: dir, snapshotFile: SNAPSHOT, dryRun: true })).rejects.toThrow(
      refused('StateDirRefusedError', /not a sandbox state directory/),
    );
    expect(readdirSync(dir)).toEqual(['thesis.tex']);
  });
});
