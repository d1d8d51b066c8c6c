import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidSnapshotError } from '../../lib/domain/errors';
import {
  createSandboxWorld,
  resetSandbox,
  SandboxNotInitializedError,
  SandboxStateConflictError,
  WORLD_FILE_NAME,
} from '../../lib/sandbox/eks';
import { defaultStateDir, JsonStateFile, SandboxStateError } from '../../lib/sandbox/state-store';
import {
  CLUSTER,
  controlPlaneStep,
  EPOCH,
  FIXTURE_FILE,
  fixtureSnapshot,
  opts,
  started,
  tempStateDir,
} from '../fixtures/sandbox/world';

describe('sandbox world persistence across processes', () => {
  it('given two worlds on one state dir, when one starts an update, then the other sees it and its progress', async () => {
    const stateDir = tempStateDir();
    const handlerA = createSandboxWorld({ snapshotFile: FIXTURE_FILE, stateDir });
    const handlerB = createSandboxWorld({ stateDir });
    const ref = started(
      await handlerA.updateRunner.startStep(CLUSTER, controlPlaneStep('1.29', '1.30'), opts('cp')),
    );
    await expect(handlerB.updateRunner.describeUpdate(ref)).resolves.toMatchObject({ state: 'InProgress' });
    handlerA.advance(25);
    expect(handlerB.now()).toEqual(new Date(EPOCH.getTime() + 25 * 60_000));
    await expect(handlerB.updateRunner.describeUpdate(ref)).resolves.toMatchObject({ state: 'Successful' });
    expect((await handlerB.snapshotReader.readSnapshot(CLUSTER)).cluster.version).toBe('1.30');
  });

  it('given the same token from another world instance, when the step is retried there, then the same update', async () => {
    const stateDir = tempStateDir();
    const a = createSandboxWorld({ snapshotFile: FIXTURE_FILE, stateDir });
    const b = createSandboxWorld({ snapshotFile: FIXTURE_FILE, stateDir });
    const first = started(
      await a.updateRunner.startStep(CLUSTER, controlPlaneStep('1.29', '1.30'), opts('cp')),
    );
    const again = started(
      await b.updateRunner.startStep(CLUSTER, controlPlaneStep('1.29', '1.30'), opts('cp')),
    );
    expect(again).toEqual(first);
  });

  it('given a stored world, when opened, then its snapshot file is not read again', async () => {
    const stateDir = tempStateDir();
    await createSandboxWorld({ snapshotFile: FIXTURE_FILE, stateDir }).snapshotReader.readSnapshot(CLUSTER);
    const later = createSandboxWorld({ snapshotFile: join(stateDir, 'gone.json'), stateDir });
    await expect(later.snapshotReader.readSnapshot(CLUSTER)).resolves.toMatchObject({
      cluster: { name: CLUSTER },
    });
  });

  it('given a world of one scenario, when opened for another, then SandboxStateConflictError says to reset', async () => {
    const stateDir = tempStateDir();
    createSandboxWorld({ snapshotFile: FIXTURE_FILE, stateDir, scenario: 'busy' }).now();
    const other = createSandboxWorld({ stateDir, scenario: 'happy' });
    expect(() => other.now()).toThrow(SandboxStateConflictError);
    expect(() => other.now()).toThrow(/runs scenario "busy", not "happy"; reset the sandbox/);
    expect(createSandboxWorld({ stateDir }).scenario().name).toBe('busy');
  });

  it('given a world, when reset, then the next call starts over from the snapshot', async () => {
    const stateDir = tempStateDir();
    const world = createSandboxWorld({ snapshotFile: FIXTURE_FILE, stateDir, epoch: EPOCH });
    started(await world.updateRunner.startStep(CLUSTER, controlPlaneStep('1.29', '1.30'), opts('cp')));
    world.advance(30);
    resetSandbox(stateDir);
    expect(existsSync(join(stateDir, WORLD_FILE_NAME))).toBe(false);
    expect(world.inspect()).toMatchObject({ sequence: 0, clock: { offsetMinutes: 0 } });
    expect((await world.snapshotReader.readSnapshot(CLUSTER)).cluster.version).toBe('1.29');
  });

  it('given no state and no snapshot, when used, then SandboxNotInitializedError', () => {
    expect(() => createSandboxWorld({ stateDir: tempStateDir() }).now()).toThrow(SandboxNotInitializedError);
  });

  it('given a snapshot file that is not JSON, when the world is created, then InvalidSnapshotError naming it', () => {
    const dir = tempStateDir();
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{ nope');
    const world = createSandboxWorld({ snapshotFile: file, stateDir: dir });
    expect(() => world.now()).toThrow(InvalidSnapshotError);
    expect(() => world.now()).toThrow(file);
  });

  it('given an invalid inline snapshot, when the world is built, then it fails fast', () => {
    const snapshot = { ...fixtureSnapshot(), cluster: { name: 'x' } };
    expect(() => createSandboxWorld({ snapshot, stateDir: tempStateDir() })).toThrow(InvalidSnapshotError);
  });

  it('given a fleet of two snapshots, when read, then each cluster is its own world with its own busy rule', async () => {
    const second = fixtureSnapshot();
    second.cluster.name = 'payments-prod';
    const world = createSandboxWorld({
      snapshots: [fixtureSnapshot(), second],
      stateDir: tempStateDir(),
      epoch: EPOCH,
    });
    started(await world.updateRunner.startStep(CLUSTER, controlPlaneStep('1.29', '1.30'), opts('a')));
    const other = await world.updateRunner.startStep(
      'payments-prod',
      controlPlaneStep('1.29', '1.30'),
      opts('b'),
    );
    expect(other.kind).toBe('started');
  });
});

describe('sandbox world in separate OS processes', () => {
  const tsx = join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');
  const lib = join(__dirname, '..', '..', 'lib', 'sandbox', 'eks');

  /** Runs `body` in a new Node process (like a second `sls invoke local`) with `world` on `stateDir`. */
  function inChild(stateDir: string, body: string): unknown {
    const script = `
      import { createSandboxWorld } from ${JSON.stringify(lib)};
      const world = createSandboxWorld({ snapshotFile: ${JSON.stringify(FIXTURE_FILE)}, stateDir: ${JSON.stringify(stateDir)} });
      (async () => { ${body} })().then((out) => process.stdout.write(JSON.stringify(out)));`;
    return JSON.parse(execFileSync(tsx, ['-e', script], { encoding: 'utf8' }));
  }

  it('given an update started by one process, when another advances time and a third describes it, then Successful', async () => {
    const stateDir = tempStateDir();
    const outcome = inChild(
      stateDir,
      `return world.updateRunner.startStep('${CLUSTER}', ${JSON.stringify(controlPlaneStep('1.29', '1.30'))}, { clientRequestToken: 'cp', force: false });`,
    ) as { update: { updateId: string } };
    createSandboxWorld({ stateDir }).advance(25);
    const status = inChild(
      stateDir,
      `return world.updateRunner.describeUpdate({ clusterName: '${CLUSTER}', updateId: '${outcome.update.updateId}' });`,
    );
    expect(status).toMatchObject({ state: 'Successful', type: 'VersionUpdate' });
  }, 30_000);
});

describe('state store', () => {
  const parse = (raw: unknown) => raw as { n: number };

  it('given a save, when loaded, then the value comes back and no temp file is left', () => {
    const dir = join(tempStateDir(), 'nested', 'dir');
    const file = new JsonStateFile(join(dir, 'x.json'), parse);
    expect(file.load()).toBeUndefined();
    file.save({ n: 1 });
    file.save({ n: 2 });
    expect(file.load()).toEqual({ n: 2 });
    expect(readdirSync(dir)).toEqual(['x.json']);
  });

  it('given a corrupt file, when loaded, then SandboxStateError naming the path', () => {
    const path = join(tempStateDir(), 'x.json');
    writeFileSync(path, 'not json');
    expect(() => new JsonStateFile(path, parse).load()).toThrow(SandboxStateError);
  });

  it('given a file of the wrong shape, when a world opens it, then SandboxStateError', () => {
    const stateDir = tempStateDir();
    writeFileSync(join(stateDir, WORLD_FILE_NAME), JSON.stringify({ schemaVersion: 99 }));
    expect(() => createSandboxWorld({ stateDir }).now()).toThrow(/not a state file this version can read/);
  });

  it('defaults to .eks-upgrade-agent/sandbox under the working directory', () => {
    expect(defaultStateDir('/srv/app')).toBe('/srv/app/.eks-upgrade-agent/sandbox');
  });

  it('writes human-readable JSON', () => {
    const stateDir = tempStateDir();
    createSandboxWorld({ snapshotFile: FIXTURE_FILE, stateDir }).now();
    const text = readFileSync(join(stateDir, WORLD_FILE_NAME), 'utf8');
    expect(JSON.parse(text)).toMatchObject({ schemaVersion: 1, scenario: 'happy' });
    expect(text).toContain('\n  "scenario": "happy"');
  });
});
