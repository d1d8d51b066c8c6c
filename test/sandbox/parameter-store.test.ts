import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigurationNotFoundError,
  ParameterNotFoundError,
  ParameterValidationError,
} from '../../lib/aws/errors';
import { ManualClock } from '../../lib/sandbox/eks';
import {
  AGENT_PARAMETER_PREFIX,
  agentConfigurationPath,
  LocalParameterStore,
  PARAMETER_KEY_FILE_NAME,
  PARAMETER_VERSION_LIMIT,
  PARAMETERS_FILE_NAME,
  ParameterAlreadyExistsError,
  ParameterStoreKeyError,
  ParameterVersionNotFoundError,
} from '../../lib/sandbox/parameter-store';
import { SandboxStateError } from '../../lib/sandbox/state-store';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eks-parameter-store-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const T0 = new Date('2025-03-03T09:00:00.000Z');
const NAME = '/eks-upgrade-agent/local/config/lockTtlSeconds';
const SECRET = 'hunter2-correct-horse-battery-staple';

function storeOn(stateDir: string, clock = new ManualClock(T0)): LocalParameterStore {
  return new LocalParameterStore({ stateDir, clock });
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('LocalParameterStore: versions and overwrite', () => {
  it('given a new name, when put, then version 1 in parameters.json and read back by another instance', async () => {
    const stateDir = tempDir();
    await expect(
      storeOn(stateDir).putParameter({ name: NAME, value: '600', type: 'String' }),
    ).resolves.toEqual({
      version: 1,
    });

    await expect(storeOn(stateDir).getParameter(NAME)).resolves.toEqual({
      name: NAME,
      type: 'String',
      value: '600',
      version: 1,
      lastModifiedDate: T0.toISOString(),
    });
    const stored = JSON.parse(readFileSync(join(stateDir, PARAMETERS_FILE_NAME), 'utf8'));
    expect(stored[NAME].versions).toHaveLength(1);
  });

  it('given an existing name, when put without overwrite, then ParameterAlreadyExistsError and the value is kept', async () => {
    const store = storeOn(tempDir());
    await store.putParameter({ name: NAME, value: '600', type: 'String' });

    const error = await caught(store.putParameter({ name: NAME, value: '900', type: 'String' }));
    expect(error).toBeInstanceOf(ParameterAlreadyExistsError);
    expect(error).toMatchObject({
      name: 'ParameterAlreadyExistsError',
      retryable: false,
      parameterName: NAME,
    });
    expect((error as Error).message).toContain(NAME);
    await expect(store.getParameter(NAME)).resolves.toMatchObject({ value: '600', version: 1 });
  });

  it('given overwrites, when read, then versions increment (even for the same value) and old ones stay readable', async () => {
    const clock = new ManualClock(T0);
    const store = storeOn(tempDir(), clock);
    await store.putParameter({ name: NAME, value: '600', type: 'String', description: 'lock ttl' });
    clock.advanceMinutes(1);
    await expect(
      store.putParameter({ name: NAME, value: '900', type: 'String', overwrite: true }),
    ).resolves.toEqual({ version: 2 });
    clock.advanceMinutes(1);
    await expect(
      store.putParameter({ name: NAME, value: '900', type: 'String', overwrite: true }),
    ).resolves.toEqual({ version: 3 });

    await expect(store.getParameter(NAME)).resolves.toMatchObject({ value: '900', version: 3 });
    await expect(store.getParameter(NAME, { version: 1 })).resolves.toMatchObject({
      value: '600',
      version: 1,
      lastModifiedDate: T0.toISOString(),
    });
    const missing = await caught(store.getParameter(NAME, { version: 4 }));
    expect(missing).toBeInstanceOf(ParameterVersionNotFoundError);
    expect(missing).toMatchObject({ name: 'ParameterVersionNotFoundError', parameterName: NAME, version: 4 });
  });

  it('given three versions, when the history is read, then oldest first with dates, descriptions and no labels', async () => {
    const clock = new ManualClock(T0);
    const store = storeOn(tempDir(), clock);
    await store.putParameter({ name: NAME, value: 'a', type: 'String', description: 'first' });
    clock.advanceMinutes(5);
    await store.putParameter({ name: NAME, value: 'b', type: 'String', overwrite: true });
    clock.advanceMinutes(5);
    await store.putParameter({
      name: NAME,
      value: 'c',
      type: 'StringList',
      overwrite: true,
      description: 'third',
    });

    await expect(store.getParameterHistory(NAME)).resolves.toEqual([
      {
        name: NAME,
        type: 'String',
        value: 'a',
        version: 1,
        lastModifiedDate: '2025-03-03T09:00:00.000Z',
        description: 'first',
        labels: [],
        tier: 'Standard',
      },
      {
        name: NAME,
        type: 'String',
        value: 'b',
        version: 2,
        lastModifiedDate: '2025-03-03T09:05:00.000Z',
        description: 'first',
        labels: [],
        tier: 'Standard',
      },
      {
        name: NAME,
        type: 'StringList',
        value: 'c',
        version: 3,
        lastModifiedDate: '2025-03-03T09:10:00.000Z',
        description: 'third',
        labels: [],
        tier: 'Standard',
      },
    ]);
  });

  it(`given ${PARAMETER_VERSION_LIMIT + 5} puts, when read, then the last ${PARAMETER_VERSION_LIMIT} versions are kept and the oldest dropped`, async () => {
    const stateDir = tempDir();
    const store = storeOn(stateDir);
    for (let i = 1; i <= PARAMETER_VERSION_LIMIT + 5; i++) {
      await store.putParameter({ name: NAME, value: `v${i}`, type: 'String', overwrite: true });
    }

    const history = await store.getParameterHistory(NAME);
    expect(history).toHaveLength(PARAMETER_VERSION_LIMIT);
    expect(history[0]).toMatchObject({ version: 6, value: 'v6' });
    expect(history.at(-1)).toMatchObject({ version: PARAMETER_VERSION_LIMIT + 5, value: 'v105' });
    await expect(store.getParameter(NAME, { version: 5 })).rejects.toBeInstanceOf(
      ParameterVersionNotFoundError,
    );
    await expect(store.getParameter(NAME, { version: 6 })).resolves.toMatchObject({ value: 'v6' });
    await expect(
      store.putParameter({ name: NAME, value: 'next', type: 'String', overwrite: true }),
    ).resolves.toEqual({ version: PARAMETER_VERSION_LIMIT + 6 });
  });

  it('given a deleted parameter, when put again, then it starts over at version 1 with no history', async () => {
    const store = storeOn(tempDir());
    await store.putParameter({ name: NAME, value: 'a', type: 'String' });
    await store.putParameter({ name: NAME, value: 'b', type: 'String', overwrite: true });
    await store.deleteParameter(NAME);

    await expect(store.getParameter(NAME)).rejects.toBeInstanceOf(ParameterNotFoundError);
    await expect(store.putParameter({ name: NAME, value: 'c', type: 'String' })).resolves.toEqual({
      version: 1,
    });
    await expect(store.getParameterHistory(NAME)).resolves.toHaveLength(1);
  });

  it('given no such parameter, when read, its history read or deleted, then ParameterNotFoundError naming it', async () => {
    const store = storeOn(tempDir());
    for (const attempt of [
      store.getParameter('/eks-upgrade-agent/none'),
      store.getParameterHistory('/eks-upgrade-agent/none'),
      store.deleteParameter('/eks-upgrade-agent/none'),
    ]) {
      const error = await caught(attempt);
      expect(error).toBeInstanceOf(ParameterNotFoundError);
      expect(error).toMatchObject({
        name: 'ParameterNotFoundError',
        parameterName: '/eks-upgrade-agent/none',
      });
    }
  });

  it('given some names exist, when deleted together, then deleted and invalid are listed; more than 10 are refused', async () => {
    const store = storeOn(tempDir());
    await store.putParameter({ name: '/app/a', value: '1', type: 'String' });
    await store.putParameter({ name: '/app/b', value: '2', type: 'String' });

    await expect(store.deleteParameters(['/app/a', '/app/none', '/app/b'])).resolves.toEqual({
      deleted: ['/app/a', '/app/b'],
      invalid: ['/app/none'],
    });
    await expect(store.getParametersByPath('/app')).resolves.toEqual([]);
    const names = Array.from({ length: 11 }, (_, i) => `/app/p${i}`);
    await expect(store.deleteParameters(names)).rejects.toBeInstanceOf(ParameterValidationError);
  });
});

describe('LocalParameterStore: types and tags', () => {
  it('given a StringList, when read, then its text comes back and its type is StringList', async () => {
    const store = storeOn(tempDir());
    await store.putParameter({ name: '/app/regions', value: 'eu-west-1,us-east-1', type: 'StringList' });
    await expect(store.getParameter('/app/regions')).resolves.toMatchObject({
      type: 'StringList',
      value: 'eu-west-1,us-east-1',
    });
  });

  it('given tags on create, when listed, then stored; tags with overwrite are refused as in SSM, added separately', async () => {
    const store = storeOn(tempDir());
    await store.putParameter({ name: '/app/a', value: '1', type: 'String', tags: { team: 'platform' } });
    await expect(store.listTagsForParameter('/app/a')).resolves.toEqual({ team: 'platform' });

    const error = await caught(
      store.putParameter({
        name: '/app/a',
        value: '2',
        type: 'String',
        overwrite: true,
        tags: { team: 'x' },
      }),
    );
    expect(error).toBeInstanceOf(ParameterValidationError);
    expect((error as Error).message).toContain('/app/a');
    await expect(store.getParameter('/app/a')).resolves.toMatchObject({ version: 1 });

    await store.addTagsToParameter('/app/a', { owner: 'sre', team: 'eks' });
    await store.removeTagsFromParameter('/app/a', ['owner']);
    await expect(store.listTagsForParameter('/app/a')).resolves.toEqual({ team: 'eks' });
    await expect(store.addTagsToParameter('/app/a', { 'aws:owner': 'x' })).rejects.toBeInstanceOf(
      ParameterValidationError,
    );
  });
});

describe('LocalParameterStore: name and value rules', () => {
  it.each([
    ['a space', '/app/my param', 'no spaces'],
    ['the aws prefix', '/aws/app/x', 'reserved'],
    ['the ssm prefix', 'SSMthing', 'reserved'],
    ['no leading slash in a hierarchy', 'app/x', 'must start with "/"'],
    ['an empty level', '/app//x', '"//"'],
    ['16 levels', `/${Array.from({ length: 16 }, (_, i) => `l${i}`).join('/')}`, 'at most 15'],
    ['over 947 characters', `/${'n'.repeat(947)}`, 'AWS counts the ARN'],
  ])('given a name with %s, when put, then ParameterValidationError naming it', async (_, name, issue) => {
    const stateDir = tempDir();
    const error = await caught(storeOn(stateDir).putParameter({ name, value: 'x', type: 'String' }));
    expect(error).toBeInstanceOf(ParameterValidationError);
    expect(error).toMatchObject({ name: 'ParameterValidationError', parameterName: name, retryable: false });
    expect((error as Error).message).toContain(JSON.stringify(name));
    expect((error as Error).message).toContain(issue);
    expect(() => readFileSync(join(stateDir, PARAMETERS_FILE_NAME))).toThrow();
  });

  it('given 15 levels, when put, then accepted', async () => {
    const name = `/${Array.from({ length: 15 }, (_, i) => `l${i}`).join('/')}`;
    await expect(storeOn(tempDir()).putParameter({ name, value: 'x', type: 'String' })).resolves.toEqual({
      version: 1,
    });
  });

  it('given values of 4096 and 4097 bytes (Standard tier), when put, then the first is stored and the second refused without quoting it', async () => {
    const store = storeOn(tempDir());
    await expect(
      store.putParameter({ name: '/app/big', value: 'é'.repeat(2048), type: 'String' }),
    ).resolves.toEqual({
      version: 1,
    });
    const tooBig = `${'é'.repeat(2048)}Z`;
    const error = await caught(
      store.putParameter({ name: '/app/bigger', value: tooBig, type: 'SecureString' }),
    );
    expect(error).toBeInstanceOf(ParameterValidationError);
    expect((error as Error).message).toContain('/app/bigger');
    expect((error as Error).message).toContain('4097 bytes');
    expect((error as Error).message).not.toContain('éé');
  });

  it('given an empty value or an unknown type, when put, then ParameterValidationError', async () => {
    const store = storeOn(tempDir());
    await expect(store.putParameter({ name: '/app/x', value: '', type: 'String' })).rejects.toThrow(/empty/);
    await expect(
      store.putParameter({ name: '/app/x', value: 'v', type: 'Integer' as 'String' }),
    ).rejects.toBeInstanceOf(ParameterValidationError);
  });

  it('given a bad name, when read or queried by path, then ParameterValidationError before any file is read', async () => {
    const store = storeOn(tempDir());
    await expect(store.getParameter('/app/bad name')).rejects.toBeInstanceOf(ParameterValidationError);
    await expect(store.getParametersByPath('app')).rejects.toThrow(/must start with "\/"/);
  });

  it('given a corrupt parameters.json, when read, then SandboxStateError naming the file', async () => {
    const stateDir = tempDir();
    writeFileSync(join(stateDir, PARAMETERS_FILE_NAME), JSON.stringify({ '/app/x': { versions: [] } }));
    const error = await caught(storeOn(stateDir).getParameter('/app/x'));
    expect(error).toBeInstanceOf(SandboxStateError);
    expect((error as Error).message).toContain(join(stateDir, PARAMETERS_FILE_NAME));
  });
});

describe('LocalParameterStore: SecureString', () => {
  it('given a SecureString, then parameters.json holds no plaintext and the key file is created with mode 0600', async () => {
    const stateDir = tempDir();
    const store = storeOn(stateDir);
    await store.putParameter({ name: '/app/plain', value: 'visible', type: 'String' });
    expect(() => statSync(join(stateDir, PARAMETER_KEY_FILE_NAME))).toThrow();

    await store.putParameter({ name: '/app/token', value: SECRET, type: 'SecureString' });
    const onDisk = readFileSync(join(stateDir, PARAMETERS_FILE_NAME), 'utf8');
    expect(onDisk).not.toContain(SECRET);
    expect(onDisk).not.toContain(Buffer.from(SECRET).toString('base64'));
    expect(onDisk).toContain('visible');
    if (process.platform !== 'win32') {
      expect(statSync(join(stateDir, PARAMETER_KEY_FILE_NAME)).mode & 0o777).toBe(0o600);
    }
  });

  it('given a SecureString, when read without decryption, then the ciphertext; with decryption, then the value', async () => {
    const stateDir = tempDir();
    await storeOn(stateDir).putParameter({ name: '/app/token', value: SECRET, type: 'SecureString' });
    const store = storeOn(stateDir);

    const encrypted = await store.getParameter('/app/token');
    expect(encrypted.type).toBe('SecureString');
    expect(encrypted.value).not.toContain(SECRET);
    const stored = JSON.parse(readFileSync(join(stateDir, PARAMETERS_FILE_NAME), 'utf8'));
    expect(encrypted.value).toBe(stored['/app/token'].versions[0].value);
    await expect(store.getParameter('/app/token', { withDecryption: true })).resolves.toMatchObject({
      value: SECRET,
    });
  });

  it('given the same value twice, then two different ciphertexts (a fresh IV each time), both decrypting', async () => {
    const store = storeOn(tempDir());
    await store.putParameter({ name: '/app/token', value: SECRET, type: 'SecureString' });
    await store.putParameter({ name: '/app/token', value: SECRET, type: 'SecureString', overwrite: true });
    const [v1, v2] = await store.getParameterHistory('/app/token');
    expect(v1?.value).not.toBe(v2?.value);
    const decrypted = await store.getParameterHistory('/app/token', { withDecryption: true });
    expect(decrypted.map((h) => h.value)).toEqual([SECRET, SECRET]);
  });

  it('given a replaced key file, when decrypted, then ParameterStoreKeyError (mismatch); reads without decryption still work', async () => {
    const stateDir = tempDir();
    const store = storeOn(stateDir);
    await store.putParameter({ name: '/app/token', value: SECRET, type: 'SecureString' });
    writeFileSync(join(stateDir, PARAMETER_KEY_FILE_NAME), `${randomBytes(32).toString('base64')}\n`);

    const error = await caught(store.getParameter('/app/token', { withDecryption: true }));
    expect(error).toBeInstanceOf(ParameterStoreKeyError);
    expect(error).toMatchObject({ name: 'ParameterStoreKeyError', problem: 'mismatch', retryable: false });
    expect((error as Error).message).toContain('/app/token');
    expect((error as Error).message).not.toContain(SECRET);
    await expect(store.getParameter('/app/token')).resolves.toMatchObject({ type: 'SecureString' });
  });

  it('given a deleted key file, when decrypted or another SecureString is put, then ParameterStoreKeyError (missing), no new key', async () => {
    const stateDir = tempDir();
    const store = storeOn(stateDir);
    await store.putParameter({ name: '/app/token', value: SECRET, type: 'SecureString' });
    rmSync(join(stateDir, PARAMETER_KEY_FILE_NAME));

    await expect(store.getParameter('/app/token', { withDecryption: true })).rejects.toMatchObject({
      name: 'ParameterStoreKeyError',
      problem: 'missing',
    });
    await expect(
      store.putParameter({ name: '/app/other', value: 'x', type: 'SecureString' }),
    ).rejects.toBeInstanceOf(ParameterStoreKeyError);
    expect(() => statSync(join(stateDir, PARAMETER_KEY_FILE_NAME))).toThrow();
  });

  it('given a key file that is not a 32-byte key, when decrypted, then ParameterStoreKeyError (malformed)', async () => {
    const stateDir = tempDir();
    const store = storeOn(stateDir);
    await store.putParameter({ name: '/app/token', value: SECRET, type: 'SecureString' });
    writeFileSync(join(stateDir, PARAMETER_KEY_FILE_NAME), 'not a key\n');
    await expect(store.getParameter('/app/token', { withDecryption: true })).rejects.toMatchObject({
      name: 'ParameterStoreKeyError',
      problem: 'malformed',
    });
  });

  it('given a ciphertext copied to another name, when decrypted, then refused (bound to its name)', async () => {
    const stateDir = tempDir();
    const store = storeOn(stateDir);
    await store.putParameter({ name: '/app/token', value: SECRET, type: 'SecureString' });
    const file = join(stateDir, PARAMETERS_FILE_NAME);
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    stored['/app/copy'] = stored['/app/token'];
    writeFileSync(file, JSON.stringify(stored));
    await expect(store.getParameter('/app/copy', { withDecryption: true })).rejects.toMatchObject({
      problem: 'mismatch',
    });
  });
});

describe('LocalParameterStore: path queries', () => {
  async function seeded(): Promise<LocalParameterStore> {
    const store = storeOn(tempDir());
    await store.putParameter({ name: '/app/a', value: '1', type: 'String' });
    await store.putParameter({ name: '/app/b/c', value: '2', type: 'String' });
    await store.putParameter({ name: '/app/b/d/e', value: SECRET, type: 'SecureString' });
    await store.putParameter({ name: '/apple/x', value: '3', type: 'String' });
    await store.putParameter({ name: 'top', value: '4', type: 'String' });
    return store;
  }

  it('given a tree, when queried without recursion, then only the level right below the path', async () => {
    const store = await seeded();
    await expect(store.getParametersByPath('/app')).resolves.toMatchObject([{ name: '/app/a', value: '1' }]);
    await expect(store.getParametersByPath('/app/b/')).resolves.toMatchObject([{ name: '/app/b/c' }]);
    const root = (await store.getParametersByPath('/')).map((p) => p.name);
    expect(root).toEqual(['top']);
  });

  it('given a tree, when queried recursively, then every level below (not a sibling sharing the prefix)', async () => {
    const store = await seeded();
    const all = await store.getParametersByPath('/app', { recursive: true });
    expect(all.map((p) => p.name)).toEqual(['/app/a', '/app/b/c', '/app/b/d/e']);
    expect(all[2]?.value).not.toBe(SECRET);
    const decrypted = await store.getParametersByPath('/app', { recursive: true, withDecryption: true });
    expect(decrypted[2]?.value).toBe(SECRET);
  });

  it('given a parameter named like the path, when queried, then it is not included', async () => {
    const store = await seeded();
    await store.putParameter({ name: '/app/b', value: 'self', type: 'String' });
    const names = (await store.getParametersByPath('/app/b', { recursive: true })).map((p) => p.name);
    expect(names).toEqual(['/app/b/c', '/app/b/d/e']);
  });
});

describe('LocalParameterStore: configuration trees', () => {
  const PREFIX = agentConfigurationPath('local');

  it('the configuration path matches the AWS layout', () => {
    expect(AGENT_PARAMETER_PREFIX).toBe('/eks-upgrade-agent/');
    expect(PREFIX).toBe('/eks-upgrade-agent/local/config');
    expect(() => agentConfigurationPath('my stage')).toThrow(ParameterValidationError);
  });

  it('given a nested configuration, when put and read back, then the same tree, one parameter per leaf', async () => {
    const store = storeOn(tempDir());
    const tree = {
      validation: {
        soakSeconds: 60,
        metrics: { type: 'custom', namespace: 'Shop', dimensions: { Service: 'orders' } },
      },
      execution: { forceNodegroupUpdates: true, note: 'true', empty: '' },
      api: { token: SECRET },
      lockTtlSeconds: null,
      list: [1, 'two'],
    };
    const versions = await store.putConfiguration(PREFIX, tree, { secureKeys: ['api/token'] });

    expect(versions).toMatchObject({
      '/eks-upgrade-agent/local/config/validation/soakSeconds': 1,
      '/eks-upgrade-agent/local/config/validation/metrics/dimensions/Service': 1,
      '/eks-upgrade-agent/local/config/api/token': 1,
    });
    expect(Object.keys(versions)).toHaveLength(10);
    await expect(store.getParameter(`${PREFIX}/validation/soakSeconds`)).resolves.toMatchObject({
      value: '60',
    });
    await expect(store.getParameter(`${PREFIX}/validation/metrics/type`)).resolves.toMatchObject({
      value: 'custom',
    });
    await expect(store.getParameter(`${PREFIX}/api/token`)).resolves.toMatchObject({ type: 'SecureString' });
    await expect(store.getConfiguration(PREFIX)).resolves.toEqual(tree);
    await expect(store.getConfiguration(`${PREFIX}/`)).resolves.toEqual(tree);

    await expect(store.putConfiguration(PREFIX, { validation: { soakSeconds: 90 } })).resolves.toEqual({
      [`${PREFIX}/validation/soakSeconds`]: 2,
    });
  });

  it('given a StringList leaf, when the configuration is read, then an array', async () => {
    const store = storeOn(tempDir());
    await store.putParameter({ name: `${PREFIX}/regions`, value: 'a,b', type: 'StringList' });
    await expect(store.getConfiguration(PREFIX)).resolves.toEqual({ regions: ['a', 'b'] });
  });

  it('given a bad key, when put, then ParameterValidationError naming it and nothing is written', async () => {
    const stateDir = tempDir();
    const store = storeOn(stateDir);
    const error = await caught(store.putConfiguration(PREFIX, { good: 1, nested: { 'bad key': 2 } }));
    expect(error).toBeInstanceOf(ParameterValidationError);
    expect((error as Error).message).toContain('nested/bad key');
    expect(() => readFileSync(join(stateDir, PARAMETERS_FILE_NAME))).toThrow();
  });

  it('given a too-long value, when put, then nothing of the configuration is written', async () => {
    const store = storeOn(tempDir());
    await expect(store.putConfiguration(PREFIX, { a: 'ok', b: 'x'.repeat(5000) })).rejects.toBeInstanceOf(
      ParameterValidationError,
    );
    await expect(store.getConfiguration(PREFIX)).rejects.toBeInstanceOf(ConfigurationNotFoundError);
  });

  it('given nothing under the prefix, when read, then ConfigurationNotFoundError with the path', async () => {
    const store = storeOn(tempDir());
    await store.putParameter({ name: '/eks-upgrade-agent/other/config/x', value: '1', type: 'String' });
    await expect(store.getConfiguration(PREFIX)).rejects.toMatchObject({
      name: 'ConfigurationNotFoundError',
      path: PREFIX,
    });
  });

  it('given a stored configuration, when deleted, then it is gone and other stages stay', async () => {
    const store = storeOn(tempDir());
    await store.putConfiguration(PREFIX, { a: 1, b: { c: 2 } });
    await store.putConfiguration(agentConfigurationPath('prod'), { a: 3 });
    await expect(store.deleteConfiguration(PREFIX)).resolves.toEqual([`${PREFIX}/a`, `${PREFIX}/b/c`]);
    await expect(store.getConfiguration(PREFIX)).rejects.toBeInstanceOf(ConfigurationNotFoundError);
    await expect(store.getConfiguration(agentConfigurationPath('prod'))).resolves.toEqual({ a: 3 });
  });

  it('given overwrite false and an existing leaf, when put, then ParameterAlreadyExistsError and nothing written', async () => {
    const store = storeOn(tempDir());
    await store.putConfiguration(PREFIX, { a: 1 });
    await expect(store.putConfiguration(PREFIX, { b: 2, a: 5 }, { overwrite: false })).rejects.toBeInstanceOf(
      ParameterAlreadyExistsError,
    );
    await expect(store.getConfiguration(PREFIX)).resolves.toEqual({ a: 1 });
  });
});
