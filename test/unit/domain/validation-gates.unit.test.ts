import { defaultConfig } from '../../../lib/domain/config';
import { judge } from '../../../lib/domain/validation';
import { nodegroup, snapshot } from '../../support/snapshot-builder';

/** The gates' judgement: before a hop's last gate node groups may still run the previous minor. */
const healthy = {
  errorRate: { value: 0.001, sampleCount: 10 },
  latencyP99: { value: 120, sampleCount: 10 },
};
const cluster = (versions: string[]) =>
  snapshot({ version: '1.31', nodegroups: versions.map((v, i) => nodegroup(`ng${i}`, v)) });
const nodegroupsCheck = (verdict: ReturnType<typeof judge>) =>
  verdict.checks.find((c) => c.name === 'nodegroups');

describe('judge at a gate', () => {
  it('given node groups at 1.30 and 1.31 at a control-plane or canary gate of 1.31, then they pass', () => {
    const verdict = judge(
      {
        snapshot: cluster(['1.30', '1.31']),
        targetVersion: '1.31',
        metrics: healthy,
        nodegroupsMayLag: true,
      },
      defaultConfig().validation,
    );
    expect(verdict.passed).toBe(true);
    expect(nodegroupsCheck(verdict)).toEqual({
      name: 'nodegroups',
      passed: true,
      detail: '2 node group(s) ACTIVE at or below 1.31',
    });
  });

  it('given the same cluster at the hop last gate (or the final validation), then the lagging group fails it', () => {
    const verdict = judge(
      { snapshot: cluster(['1.30', '1.31']), targetVersion: '1.31', metrics: healthy },
      defaultConfig().validation,
    );
    expect(verdict.passed).toBe(false);
    expect(nodegroupsCheck(verdict)).toEqual({
      name: 'nodegroups',
      passed: false,
      detail: 'not ready: ng0 (ACTIVE 1.30)',
    });
  });

  it('given a node group newer than the gate hop, then it fails even when node groups may lag', () => {
    const verdict = judge(
      { snapshot: cluster(['1.31']), targetVersion: '1.30', metrics: healthy, nodegroupsMayLag: true },
      defaultConfig().validation,
    );
    expect(nodegroupsCheck(verdict)?.passed).toBe(false);
  });
});
