import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParameterValidationError } from '../../lib/aws/errors';
import { defaultConfig, InvalidConfigError } from '../../lib/domain/config';
import { InvalidRequestError } from '../../lib/domain/errors';
import {
  ARTIFACTS_DIR_NAME,
  FileArtifactStore,
  InvalidArtifactKeyError,
} from '../../lib/sandbox/artifact-store';
import { FileClusterLock, LOCKS_FILE_NAME } from '../../lib/sandbox/cluster-lock';
import { SandboxConfigSource } from '../../lib/sandbox/config-source';
import { ManualClock } from '../../lib/sandbox/eks';
import { fileOncePerUpgrade, ONCE_FILE_NAME } from '../../lib/sandbox/once';
import { LocalParameterStore, PARAMETERS_FILE_NAME } from '../../lib/sandbox/parameter-store';
import { SandboxStateError } from '../../lib/sandbox/state-store';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eks-local-ports-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const T0 = new Date('2025-03-03T09:00:00.000Z');

describe('FileArtifactStore', () => {
  it('given a stored plan, when another store on the same dir reads the key, then it gets the same JSON from artifacts/<key>', async () => {
    const stateDir = tempDir();
    const plan = { upgradeId: 'u-1', steps: [{ id: 'control-plane:1.30', minutes: 25 }], dryRun: false };
    await new FileArtifactStore({ stateDir }).putJson('upgrades/u-1/plan.json', plan);

    await expect(new FileArtifactStore({ stateDir }).getJson('upgrades/u-1/plan.json')).resolves.toEqual(
      plan,
    );
    const file = join(stateDir, ARTIFACTS_DIR_NAME, 'upgrades', 'u-1', 'plan.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(plan);
  });

  it('given a key written twice, when read, then the last value wins', async () => {
    const store = new FileArtifactStore({ stateDir: tempDir() });
    await store.putJson('upgrades/u-1/record.json', { status: 'running' });
    await store.putJson('upgrades/u-1/record.json', { status: 'done' });
    await expect(store.getJson('upgrades/u-1/record.json')).resolves.toEqual({ status: 'done' });
  });

  it('given no artifact, when read, then undefined', async () => {
    const store = new FileArtifactStore({ stateDir: tempDir() });
    await expect(store.getJson('upgrades/none/plan.json')).resolves.toBeUndefined();
  });

  it.each([
    ['../outside.json'],
    ['upgrades/../../outside.json'],
    ['upgrades/u-1/..'],
    ['/etc/passwd'],
    ['C:/windows/plan.json'],
    ['upgrades\\u-1\\plan.json'],
    ['upgrades//plan.json'],
    ['upgrades/./plan.json'],
    [''],
  ])('given the key %p, when used, then InvalidArtifactKeyError and nothing is written', async (key) => {
    const stateDir = tempDir();
    const store = new FileArtifactStore({ stateDir });
    await expect(store.putJson(key, { x: 1 })).rejects.toBeInstanceOf(InvalidArtifactKeyError);
    await expect(store.getJson(key)).rejects.toMatchObject({
      name: 'InvalidArtifactKeyError',
      retryable: false,
    });
    expect(() => readFileSync(join(stateDir, 'outside.json'))).toThrow();
  });

  it('given a corrupt artifact file, when read, then SandboxStateError naming the file', async () => {
    const stateDir = tempDir();
    const store = new FileArtifactStore({ stateDir });
    await store.putJson('upgrades/u-1/plan.json', { ok: true });
    const path = store.pathOf('upgrades/u-1/plan.json');
    writeFileSync(path, '{"ok": tr');

    const error = await store.getJson('upgrades/u-1/plan.json').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandboxStateError);
    expect(error).toMatchObject({ name: 'SandboxStateError', path });
    expect((error as Error).message).toContain(path);
  });
});

describe('FileClusterLock', () => {
  function lockOn(stateDir: string, clock: ManualClock) {
    return new FileClusterLock({ stateDir, clock });
  }

  it('given a free cluster, when acquired, then locks.json records holder and expiry', async () => {
    const stateDir = tempDir();
    const lock = lockOn(stateDir, new ManualClock(T0));
    await expect(lock.acquire('orders', 'exec-a', 3600)).resolves.toEqual({ acquired: true });
    const stored = JSON.parse(readFileSync(join(stateDir, LOCKS_FILE_NAME), 'utf8'));
    expect(stored).toEqual({
      orders: { holder: 'exec-a', acquiredAt: T0.toISOString(), expiresAt: '2025-03-03T10:00:00.000Z' },
    });
  });

  it('given a held lock, when another holder (in another instance) asks, then refused with holder and expiry', async () => {
    const stateDir = tempDir();
    const clock = new ManualClock(T0);
    await lockOn(stateDir, clock).acquire('orders', 'exec-a', 3600);
    await expect(lockOn(stateDir, clock).acquire('orders', 'exec-b', 3600)).resolves.toEqual({
      acquired: false,
      heldBy: 'exec-a (until 2025-03-03T10:00:00.000Z)',
    });
  });

  it('given a held lock, when the same holder asks again, then re-acquired with a renewed expiry', async () => {
    const stateDir = tempDir();
    const clock = new ManualClock(T0);
    const lock = lockOn(stateDir, clock);
    await lock.acquire('orders', 'exec-a', 3600);
    clock.advanceMinutes(30);
    await expect(lock.acquire('orders', 'exec-a', 3600)).resolves.toEqual({ acquired: true });
    expect(lock.inspect('orders')?.expiresAt).toBe('2025-03-03T10:30:00.000Z');
  });

  it('given locks on two clusters, when each is asked, then they are independent', async () => {
    const lock = lockOn(tempDir(), new ManualClock(T0));
    await expect(lock.acquire('orders', 'exec-a', 600)).resolves.toEqual({ acquired: true });
    await expect(lock.acquire('payments', 'exec-b', 600)).resolves.toEqual({ acquired: true });
  });

  it('given a lock, when time reaches its expiry, then another holder takes it over', async () => {
    const clock = new ManualClock(T0);
    const lock = lockOn(tempDir(), clock);
    await lock.acquire('orders', 'exec-a', 600);
    clock.advanceMinutes(9);
    await expect(lock.acquire('orders', 'exec-b', 600)).resolves.toMatchObject({ acquired: false });
    clock.advanceMinutes(1);
    await expect(lock.acquire('orders', 'exec-b', 600)).resolves.toEqual({ acquired: true });
    expect(lock.inspect('orders')).toMatchObject({
      holder: 'exec-b',
      acquiredAt: '2025-03-03T09:10:00.000Z',
    });
    await expect(lock.acquire('orders', 'exec-a', 600)).resolves.toEqual({
      acquired: false,
      heldBy: 'exec-b (until 2025-03-03T09:20:00.000Z)',
    });
  });

  it('given a held lock, when someone else releases it, then it stays; when the holder releases, then it is free', async () => {
    const clock = new ManualClock(T0);
    const lock = lockOn(tempDir(), clock);
    await lock.acquire('orders', 'exec-a', 3600);
    await lock.release('orders', 'exec-b');
    await expect(lock.acquire('orders', 'exec-b', 3600)).resolves.toMatchObject({ acquired: false });
    await lock.release('orders', 'exec-a');
    expect(lock.inspect('orders')).toBeUndefined();
    await expect(lock.acquire('orders', 'exec-b', 3600)).resolves.toEqual({ acquired: true });
  });

  it('given no lock file, when released, then nothing happens', async () => {
    const stateDir = tempDir();
    await lockOn(stateDir, new ManualClock(T0)).release('orders', 'exec-a');
    expect(() => readFileSync(join(stateDir, LOCKS_FILE_NAME))).toThrow();
  });
});

describe('SandboxConfigSource', () => {
  const CONFIG_PATH = '/eks-upgrade-agent/local/config';

  it('given nothing in the parameter store, when loaded, then the defaults', async () => {
    const source = new SandboxConfigSource({ stateDir: tempDir() });
    expect(source.path).toBe(CONFIG_PATH);
    await expect(source.load()).resolves.toEqual(defaultConfig());
  });

  it('given a value put in the parameter store, when loaded, then it reaches the configuration (strings coerced)', async () => {
    const stateDir = tempDir();
    const store = new LocalParameterStore({ stateDir });
    await store.putParameter({ name: `${CONFIG_PATH}/validation/soakSeconds`, value: '60', type: 'String' });
    await store.putParameter({
      name: `${CONFIG_PATH}/execution/forceNodegroupUpdates`,
      value: 'true',
      type: 'SecureString',
    });

    const config = await new SandboxConfigSource({ stateDir }).load();
    expect(config.validation).toEqual({ ...defaultConfig().validation, soakSeconds: 60 });
    expect(config.execution).toEqual({ ...defaultConfig().execution, forceNodegroupUpdates: true });
    expect(config.lockTtlSeconds).toBe(defaultConfig().lockTtlSeconds);
  });

  it('given a stored tree and overrides, when loaded, then the overrides win key by key over the store', async () => {
    const stateDir = tempDir();
    await new LocalParameterStore({ stateDir }).putConfiguration(CONFIG_PATH, {
      validation: { soakSeconds: 60, maxErrorRate: 0.05 },
      lockTtlSeconds: 600,
    });
    const config = await new SandboxConfigSource({
      stateDir,
      overrides: { validation: { maxErrorRate: 0.02 }, execution: { forceNodegroupUpdates: 'true' } },
    }).load();

    expect(config.validation).toEqual({ ...defaultConfig().validation, soakSeconds: 60, maxErrorRate: 0.02 });
    expect(config.execution.forceNodegroupUpdates).toBe(true);
    expect(config.execution.minPollSeconds).toBe(defaultConfig().execution.minPollSeconds);
    expect(config.lockTtlSeconds).toBe(600);
  });

  it("given another stage, when loaded, then only that stage's tree is read", async () => {
    const stateDir = tempDir();
    const store = new LocalParameterStore({ stateDir });
    await store.putConfiguration(CONFIG_PATH, { lockTtlSeconds: 600 });
    await store.putConfiguration('/eks-upgrade-agent/prod/config', { lockTtlSeconds: 900 });

    expect((await new SandboxConfigSource({ stateDir, stage: 'prod' }).load()).lockTtlSeconds).toBe(900);
    expect((await new SandboxConfigSource({ stateDir, store }).load()).lockTtlSeconds).toBe(600);
    expect((await new SandboxConfigSource({ stateDir, stage: 'qa' }).load()).lockTtlSeconds).toBe(
      defaultConfig().lockTtlSeconds,
    );
  });

  it('given a parameter put after the first load, when loaded again, then the change is seen (no cache)', async () => {
    const stateDir = tempDir();
    const source = new SandboxConfigSource({ stateDir });
    const store = new LocalParameterStore({ stateDir });
    await store.putParameter({ name: `${CONFIG_PATH}/lockTtlSeconds`, value: '600', type: 'String' });
    expect((await source.load()).lockTtlSeconds).toBe(600);
    await store.putParameter({
      name: `${CONFIG_PATH}/lockTtlSeconds`,
      value: '900',
      type: 'String',
      overwrite: true,
    });
    expect((await source.load()).lockTtlSeconds).toBe(900);
  });

  it('given a bad value in the parameter store, when loaded, then InvalidConfigError naming the key', async () => {
    const stateDir = tempDir();
    await new LocalParameterStore({ stateDir }).putParameter({
      name: `${CONFIG_PATH}/validation/maxErrorRate`,
      value: '5',
      type: 'String',
    });
    const error = await new SandboxConfigSource({ stateDir }).load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect(error).toMatchObject({ name: 'InvalidConfigError', retryable: false });
    expect((error as Error).message).toContain('validation.maxErrorRate');
  });

  it('given a bad stored value fixed by an override, when loaded, then the override wins', async () => {
    const stateDir = tempDir();
    await new LocalParameterStore({ stateDir }).putConfiguration(CONFIG_PATH, {
      validation: { maxErrorRate: 5 },
    });
    const config = await new SandboxConfigSource({
      stateDir,
      overrides: { validation: { maxErrorRate: 0.1 } },
    }).load();
    expect(config.validation.maxErrorRate).toBe(0.1);
  });

  it('given a bad override, when loaded, then InvalidConfigError naming the key', async () => {
    const source = new SandboxConfigSource({
      stateDir: tempDir(),
      overrides: { execution: { addonResolveConflicts: 'MERGE' as 'NONE' } },
    });
    await expect(source.load()).rejects.toThrow(/execution\.addonResolveConflicts/);
    await expect(source.load()).rejects.toMatchObject({ name: 'InvalidConfigError', retryable: false });
  });

  it('given a stage that is not a valid name level, when loaded, then ParameterValidationError', async () => {
    const source = new SandboxConfigSource({ stateDir: tempDir(), stage: 'my stage' });
    await expect(source.load()).rejects.toBeInstanceOf(ParameterValidationError);
  });

  it('given a corrupt parameters.json, when loaded, then SandboxStateError naming the file (not the defaults)', async () => {
    const stateDir = tempDir();
    writeFileSync(join(stateDir, PARAMETERS_FILE_NAME), '{"/eks-upgrade-agent/local/config/x": ');
    const error = await new SandboxConfigSource({ stateDir }).load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandboxStateError);
    expect((error as Error).message).toContain(join(stateDir, PARAMETERS_FILE_NAME));
  });
});

describe('fileOncePerUpgrade', () => {
  interface Req {
    upgradeId: string;
    note?: string;
  }

  it('given a completed call, when called again (even by another instance), then the stored result and fn not run', async () => {
    const stateDir = tempDir();
    const fn = jest.fn(async (req: Req) => ({ outcome: 'stopped', for: req.upgradeId }));
    const first = await fileOncePerUpgrade({ stateDir, purpose: 'rollback' })(fn)({ upgradeId: 'u-1' });
    const again = await fileOncePerUpgrade({ stateDir, purpose: 'rollback' })(fn)({
      upgradeId: 'u-1',
      note: 'other path',
    });

    expect(first).toEqual({ outcome: 'stopped', for: 'u-1' });
    expect(again).toEqual(first);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('given a stored result, then once.json holds it under purpose#upgradeId with the clock time', async () => {
    const stateDir = tempDir();
    const once = fileOncePerUpgrade({ stateDir, clock: new ManualClock(T0) });
    async function performRollback(req: Req) {
      return { done: req.upgradeId };
    }
    await once(performRollback)({ upgradeId: 'u-1' });
    const stored = JSON.parse(readFileSync(join(stateDir, ONCE_FILE_NAME), 'utf8'));
    expect(stored).toEqual({
      'performRollback#u-1': {
        status: 'COMPLETED',
        purpose: 'performRollback',
        upgradeId: 'u-1',
        completedAt: T0.toISOString(),
        result: { done: 'u-1' },
      },
    });
  });

  it('given different upgrade ids or purposes, when called, then each runs once', async () => {
    const stateDir = tempDir();
    const fn = jest.fn(async (req: Req) => req.upgradeId);
    const a = fileOncePerUpgrade({ stateDir, purpose: 'a' })(fn);
    const b = fileOncePerUpgrade({ stateDir, purpose: 'b' })(fn);
    await a({ upgradeId: 'u-1' });
    await a({ upgradeId: 'u-2' });
    await b({ upgradeId: 'u-1' });
    await a({ upgradeId: 'u-1' });
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('given concurrent calls in one process, when the first is in flight, then the others await the same result', async () => {
    const stateDir = tempDir();
    let finish: (value: string) => void = () => {};
    const fn = jest.fn(
      (_req: Req) =>
        new Promise<string>((resolve) => {
          finish = resolve;
        }),
    );
    const once = fileOncePerUpgrade({ stateDir });
    const calls = [
      once(fn)({ upgradeId: 'u-1' }),
      once(fn)({ upgradeId: 'u-1' }),
      once(fn)({ upgradeId: 'u-1' }),
    ];
    expect(fn).toHaveBeenCalledTimes(1);
    finish('revert-started');
    await expect(Promise.all(calls)).resolves.toEqual(['revert-started', 'revert-started', 'revert-started']);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('given a failing first call, when called again, then the error was not stored and fn runs again', async () => {
    const stateDir = tempDir();
    const fn = jest
      .fn<Promise<string>, [Req]>()
      .mockRejectedValueOnce(new Error('EKS throttled'))
      .mockResolvedValueOnce('stopped');
    const wrapped = fileOncePerUpgrade({ stateDir })(fn);

    await expect(wrapped({ upgradeId: 'u-1' })).rejects.toThrow('EKS throttled');
    expect(JSON.parse(readFileSync(join(stateDir, ONCE_FILE_NAME), 'utf8'))).toEqual({});
    await expect(wrapped({ upgradeId: 'u-1' })).resolves.toBe('stopped');
    await expect(wrapped({ upgradeId: 'u-1' })).resolves.toBe('stopped');
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('given a result of undefined, when called again, then undefined without running fn', async () => {
    const fn = jest.fn(async (_req: Req) => undefined);
    const wrapped = fileOncePerUpgrade({ stateDir: tempDir() })(fn);
    await expect(wrapped({ upgradeId: 'u-1' })).resolves.toBeUndefined();
    await expect(wrapped({ upgradeId: 'u-1' })).resolves.toBeUndefined();
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('given an input without an upgradeId, when called, then InvalidRequestError and fn not run', async () => {
    const fn = jest.fn(async (_req: Req) => 'x');
    await expect(fileOncePerUpgrade({ stateDir: tempDir() })(fn)({ upgradeId: '' })).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    expect(fn).not.toHaveBeenCalled();
  });
});
