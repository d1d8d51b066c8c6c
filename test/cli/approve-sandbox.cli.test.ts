import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/run-cli';

/**
 * The approval gate from a terminal, on the sandbox, as a user runs it:
 * `run --sandbox --require-approval` stops after the plan (exit 5), and
 * `approve|reject <id> --sandbox` answers it and runs it on in that process.
 */
jest.setTimeout(120_000);

function waitingUpgrade() {
  const stateDir = join(mkdtempSync(join(tmpdir(), 'eua-approve-cli-')), 'sandbox');
  const run = runCli([
    'run',
    '--sandbox',
    '--target',
    '1.31',
    '--require-approval',
    '--state-dir',
    stateDir,
    '--quiet',
    '--output',
    'json',
  ]);
  const report = JSON.parse(run.stdout);
  return { stateDir, run, upgradeId: report.upgradeId as string, report };
}

const approval = (stateDir: string, id: string) =>
  JSON.parse(readFileSync(join(stateDir, 'artifacts', 'upgrades', id, 'approval.json'), 'utf8'));

describe('approve | reject --sandbox', () => {
  test('run --require-approval waits after the plan (exit 5); approve runs it to the end, once', () => {
    const { stateDir, run, upgradeId, report } = waitingUpgrade();
    expect(run.code).toBe(5);
    expect(report).toMatchObject({ outcome: 'awaiting-approval', completedSteps: 0 });
    expect(report.summary).toContain(`eks-upgrade-agent approve ${upgradeId} --sandbox`);

    const approved = runCli([
      'approve',
      upgradeId,
      '--sandbox',
      '--state-dir',
      stateDir,
      '--comment',
      'CAB-9',
    ]);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toMatch(
      new RegExp(`^approved upgrade ${upgradeId} as local:\\S+; it completed\\n$`),
    );
    expect(approval(stateDir, upgradeId)).toMatchObject({ status: 'approved', comment: 'CAB-9' });

    const again = runCli(['reject', upgradeId, '--sandbox', '--state-dir', stateDir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('is SUCCEEDED and not waiting for an approval');
    expect(again.stderr).not.toMatch(/\n\s+at /);
  });

  test('reject ends it, recorded with who and why', () => {
    const { stateDir, upgradeId } = waitingUpgrade();
    const rejected = runCli([
      'reject',
      upgradeId,
      '--sandbox',
      '--state-dir',
      stateDir,
      '--comment',
      'freeze',
    ]);
    expect(rejected.code).toBe(0);
    expect(rejected.stdout).toContain(`rejected upgrade ${upgradeId} as local:`);
    expect(rejected.stdout).toContain('it failed: rejected by local:');
    expect(approval(stateDir, upgradeId)).toMatchObject({ status: 'rejected', comment: 'freeze' });
  });

  test('bad input: an empty state directory, --sandbox with --stage', () => {
    const none = runCli([
      'approve',
      'x',
      '--sandbox',
      '--state-dir',
      mkdtempSync(join(tmpdir(), 'eua-none-')),
    ]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no sandbox upgrades in');
    const both = runCli(['approve', 'x', '--sandbox', '--stage', 'prod']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--sandbox and --stage: one or the other');
  });
});
