import { ParameterValidationError } from '../../lib/aws/errors';
import {
  MAX_NAME_LENGTH,
  nameIssues,
  normalizePrefix,
  qualifyName,
  validateParameter,
  valueIssues,
} from '../../lib/aws/ssm/parameter-rules';

describe('nameIssues', () => {
  test.each(['/eks-upgrade-agent/production/cluster/name', 'simple', '/a_b.c-d/E9'])(
    '%s is valid',
    (name) => {
      expect(nameIssues(name)).toEqual([]);
    },
  );

  test.each([
    ['/has space/x', 'only a-z'],
    ['/bad*char', 'only a-z'],
    ['/aws/service/x', 'aws'],
    ['/SSM/x', 'ssm'],
    ['awsome', 'aws'],
    ['a/b', 'start with "/"'],
    ['/a//b', '//'],
    ['/a/b/', '//'],
    ['', 'empty'],
  ])('%s is refused (%s)', (name, fragment) => {
    expect(nameIssues(name).join(' ')).toContain(fragment);
  });

  test('at most 15 levels', () => {
    const fifteen = `/${Array.from({ length: 15 }, (_, i) => `l${i}`).join('/')}`;
    expect(nameIssues(fifteen)).toEqual([]);
    expect(nameIssues(`${fifteen}/l15`).join(' ')).toContain('16 levels; at most 15');
  });

  test('the name limit keeps room for the ARN within 1011 characters', () => {
    expect(MAX_NAME_LENGTH).toBeLessThan(1011);
    expect(nameIssues(`/${'a'.repeat(MAX_NAME_LENGTH - 1)}`)).toEqual([]);
    expect(nameIssues(`/${'a'.repeat(MAX_NAME_LENGTH)}`).join(' ')).toContain('ARN');
  });
});

describe('valueIssues', () => {
  test('Standard takes 4 KB, Advanced 8 KB, counted in UTF-8 bytes', () => {
    expect(valueIssues({ name: '/p', value: 'a'.repeat(4096) })).toEqual([]);
    expect(valueIssues({ name: '/p', value: 'a'.repeat(4097) }).join(' ')).toContain(
      'Standard tier takes at most 4096',
    );
    expect(valueIssues({ name: '/p', value: 'a'.repeat(8192), tier: 'Advanced' })).toEqual([]);
    expect(valueIssues({ name: '/p', value: 'a'.repeat(8193), tier: 'Advanced' }).join(' ')).toContain(
      '8192',
    );
    // 2,049 two-byte characters are 4,098 bytes.
    expect(valueIssues({ name: '/p', value: 'é'.repeat(2049) }).join(' ')).toContain('4098 bytes');
  });

  test('an empty value is refused', () => {
    expect(valueIssues({ name: '/p', value: '' }).join(' ')).toContain('empty');
  });

  test('keyId belongs to SecureString only', () => {
    expect(valueIssues({ name: '/p', value: 'v', type: 'String', keyId: 'alias/k' }).join(' ')).toContain(
      'keyId',
    );
    expect(valueIssues({ name: '/p', value: 'v', type: 'SecureString', keyId: 'alias/k' })).toEqual([]);
  });

  test('description and tag limits', () => {
    expect(valueIssues({ name: '/p', value: 'v', description: 'd'.repeat(1025) }).join(' ')).toContain(
      '1024',
    );
    const tags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    expect(valueIssues({ name: '/p', value: 'v', tags }).join(' ')).toContain('50 tags');
  });
});

describe('validateParameter', () => {
  test('throws ParameterValidationError listing every issue, never the value', () => {
    const secret = 'ghp_supersecretvalue'.repeat(300);
    let caught: unknown;
    try {
      validateParameter({ name: '/aws/bad name', value: secret, type: 'SecureString' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ParameterValidationError);
    const error = caught as ParameterValidationError;
    expect(error.name).toBe('ParameterValidationError');
    expect(error.issues.length).toBeGreaterThanOrEqual(3);
    expect(error.message).not.toContain('ghp_supersecretvalue');
    expect(JSON.stringify(error)).not.toContain('ghp_supersecretvalue');
  });
});

describe('prefixes and names', () => {
  test('normalizePrefix adds the slashes', () => {
    expect(normalizePrefix('eks-upgrade-agent')).toBe('/eks-upgrade-agent/');
    expect(normalizePrefix('/eks-upgrade-agent/')).toBe('/eks-upgrade-agent/');
  });

  test('qualifyName puts relative names under the prefix and keeps full ones', () => {
    expect(qualifyName('/eks-upgrade-agent/', 'cluster/production/name')).toBe(
      '/eks-upgrade-agent/cluster/production/name',
    );
    expect(qualifyName('/eks-upgrade-agent/', '/other/x')).toBe('/other/x');
    expect(() => qualifyName('/eks-upgrade-agent/', 'bad name')).toThrow(ParameterValidationError);
  });
});
