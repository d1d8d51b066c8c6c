import { MAX_TEXT_CHARS } from '../../../lib/domain/bounded';
import { UndeclaredEventError, UpgradeEvents } from '../../../lib/phases/emit';
import { mayPublish } from '../../../lib/phases/published-events';
import {
  artifactKeys,
  enterPhase,
  loadPlan,
  loadRecord,
  loadSnapshot,
  loadValidationRecord,
  requireRecord,
  saveValidationRecord,
} from '../../../lib/phases/records';
import { record, UPGRADE } from '../../support/phase-fixtures';
import { NOW, phaseWorld } from '../../support/phase-world';

/** UpgradeEvents (the phase envelope) and the upgrade's documents in the artifact store. */

const context = { upgradeId: UPGRADE, clusterName: 'test-cluster', correlationId: 'exec-1' };

describe('UpgradeEvents.phase', () => {
  test('given work that succeeds with a summary, then started and completed carry the envelope and the clock time', async () => {
    const w = phaseWorld();
    const events = UpgradeEvents.of('execution', w.deps, context);
    expect(await events.phase('execution', async () => 7, { summarize: (n) => `n=${n}` })).toBe(7);
    expect(w.published).toEqual([
      {
        detailType: 'phase.started',
        detail: { schemaVersion: '1', ...context, occurredAt: NOW, phase: 'execution' },
      },
      {
        detailType: 'phase.completed',
        detail: {
          schemaVersion: '1',
          ...context,
          occurredAt: NOW,
          phase: 'execution',
          summary: 'n=7',
          durationSeconds: 0,
        },
      },
    ]);
  });

  test('phase.completed carries the seconds from the call (or from `since`) to its end, by the clock', async () => {
    const w = phaseWorld();
    const events = UpgradeEvents.of('execution', w.deps, context);
    await events.phase(
      'execution',
      async () => {
        w.setNow('2026-11-28T10:02:30.000Z');
        return 1;
      },
      { summarize: () => 'ok' },
    );
    await events.phase('execution', async () => 1, {
      announceStart: false,
      summarize: () => 'ok',
      since: () => '2026-11-28T09:00:00.000Z',
    });
    expect(w.details('phase.completed').map((d) => d.durationSeconds)).toEqual([150, 3750]);
  });

  test('given announceStart false and no summary, then nothing is published', async () => {
    const w = phaseWorld();
    const events = UpgradeEvents.of('execution', w.deps, context);
    await events.phase('execution', async () => 1, { announceStart: false, summarize: () => undefined });
    await events.phase('execution', async () => 1, { announceStart: false });
    expect(w.published).toEqual([]);
  });

  test('given a thrown non-Error, then phase.failed names it Error with its text, and the original is rethrown', async () => {
    const w = phaseWorld();
    const events = UpgradeEvents.of('validation', w.deps, context);
    await expect(
      events.phase('validation', async () => {
        throw 'boom';
      }),
    ).rejects.toBe('boom');
    expect(w.details('phase.failed')).toEqual([
      expect.objectContaining({ phase: 'validation', error: { name: 'Error', message: 'boom' } }),
    ]);
  });

  test("given an error text longer than an event holds, then phase.failed bounds it and points to the phase's log", async () => {
    const w = phaseWorld();
    const events = UpgradeEvents.of('validation', w.deps, context);
    const long = 'x'.repeat(MAX_TEXT_CHARS + 1);
    await expect(
      events.phase('validation', async () => {
        throw new Error(long);
      }),
    ).rejects.toThrow(long);
    const [failed] = w.details('phase.failed');
    expect(failed?.error.message).toHaveLength(MAX_TEXT_CHARS);
    expect(failed?.error.message).toMatch(
      new RegExp(
        `^x+ … \\(${MAX_TEXT_CHARS + 1} characters in all; the whole: the validation function's log\\)$`,
      ),
    );
  });

  test('given phase.failed cannot be delivered, then the work error still reaches the state machine', async () => {
    const w = phaseWorld();
    const events = UpgradeEvents.of('perception', w.deps, context);
    jest
      .mocked(w.deps.events.publish)
      .mockResolvedValueOnce(undefined)
      .mockRejectedValueOnce(new Error('bus down'));
    const work = Object.assign(new Error('read failed'), { name: 'ThrottlingException' });
    await expect(
      events.phase('perception', async () => {
        throw work;
      }),
    ).rejects.toBe(work);
  });

  test('given a state-machine input, then forInput takes the cluster from the request', async () => {
    const w = phaseWorld();
    const events = UpgradeEvents.forInput('perception', w.deps, {
      upgradeId: 'u-9',
      correlationId: 'c-9',
      request: { clusterName: 'other' },
    });
    expect(events.context).toEqual({ upgradeId: 'u-9', clusterName: 'other', correlationId: 'c-9' });
    expect(events.by).toBe('perception');
  });

  test('UndeclaredEventError says where to declare the type', () => {
    const error = new UndeclaredEventError('trigger', 'phase.started');
    expect(error.name).toBe('UndeclaredEventError');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      "trigger may not publish phase.started: add it to PUBLISHED_EVENTS (lib/phases/published-events.ts) and to the trigger role's events:PutEvents condition in serverless.yml",
    );
    expect(mayPublish('trigger', 'upgrade.failed')).toBe(true);
    expect(mayPublish('trigger', 'phase.started')).toBe(false);
  });
});

describe('records', () => {
  test('artifact keys live under the upgrade id', () => {
    expect(artifactKeys.snapshot('u')).toBe('upgrades/u/snapshot.json');
    expect(artifactKeys.plan('u')).toBe('upgrades/u/plan.json');
    expect(artifactKeys.record('u')).toBe('upgrades/u/record.json');
    expect(artifactKeys.validation('u')).toBe('upgrades/u/validation.json');
  });

  test('given a record, then enterPhase stores it with the new phase and returns it', async () => {
    const w = phaseWorld();
    await w.deps.artifacts.putJson(artifactKeys.record(UPGRADE), record({ phase: 'reasoning' }));
    const updated = await enterPhase(w.deps.artifacts, UPGRADE, 'validation');
    expect(updated).toEqual(record({ phase: 'validation' }));
    expect(await loadRecord(w.deps.artifacts, UPGRADE)).toEqual(updated);
  });

  test('given a malformed record, then loading it fails rather than trusting it', async () => {
    const w = phaseWorld();
    await w.deps.artifacts.putJson(artifactKeys.record(UPGRADE), { upgradeId: UPGRADE });
    await expect(requireRecord(w.deps.artifacts, UPGRADE)).rejects.toThrow();
  });

  test('given a verdict, then it is read back; given none or a malformed one, then undefined', async () => {
    const w = phaseWorld();
    expect(await loadValidationRecord(w.deps.artifacts, UPGRADE)).toBeUndefined();
    const verdict = {
      upgradeId: UPGRADE,
      clusterName: 'test-cluster',
      targetVersion: '1.30',
      passed: false,
      failedChecks: ['nodegroups'],
      judgedAt: NOW,
    };
    await saveValidationRecord(w.deps.artifacts, verdict);
    expect(w.store.get(artifactKeys.validation(UPGRADE))).toEqual(verdict);
    expect(await loadValidationRecord(w.deps.artifacts, UPGRADE)).toEqual(verdict);
    await w.deps.artifacts.putJson(artifactKeys.validation(UPGRADE), { ...verdict, passed: 'no' });
    expect(await loadValidationRecord(w.deps.artifacts, UPGRADE)).toBeUndefined();
  });

  test('given no plan or snapshot at a key, then InvalidRequestError names the key', async () => {
    const w = phaseWorld();
    await expect(loadPlan(w.deps.artifacts, 'k/plan.json')).rejects.toMatchObject({
      name: 'InvalidRequestError',
      message: 'no plan at k/plan.json',
    });
    await expect(loadSnapshot(w.deps.artifacts, 'k/snap.json')).rejects.toMatchObject({
      name: 'InvalidRequestError',
      message: 'no snapshot at k/snap.json',
    });
  });
});
