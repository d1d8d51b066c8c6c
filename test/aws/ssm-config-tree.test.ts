import { ParameterValidationError } from '../../lib/aws/errors';
import {
  type ConfigTree,
  decodeValue,
  encodeValue,
  flattenConfig,
  unflattenConfig,
} from '../../lib/aws/ssm/config-tree';

describe('encodeValue / decodeValue', () => {
  test('plain strings are stored as themselves', () => {
    expect(encodeValue('prod-eks-cluster')).toBe('prod-eks-cluster');
    expect(decodeValue('prod-eks-cluster')).toBe('prod-eks-cluster');
  });

  test.each<[string, unknown]>([
    ['number', 0.01],
    ['boolean', true],
    ['null', null],
    ['array', ['a', 'b,c']],
    ['string that looks like a number', '42'],
    ['string that looks like a boolean', 'true'],
    ['empty string', ''],
    ['string that is JSON text', '{"a":1}'],
  ])('%s round-trips exactly', (_, value) => {
    expect(decodeValue(encodeValue(value as string))).toEqual(value);
  });

  test('StringList parameters read back as arrays', () => {
    expect(decodeValue('a,b,c', 'StringList')).toEqual(['a', 'b', 'c']);
  });
});

describe('flattenConfig / unflattenConfig', () => {
  const config: ConfigTree = {
    cluster_name: 'my-cluster',
    validation: { maxErrorRate: 0.01, metrics: { type: 'alb', dimensions: { TargetGroup: 'tg/1' } } },
    trafficSteps: [10, 50, 100],
    enabled: false,
  };

  test('one entry per leaf, keyed by its path', () => {
    expect(flattenConfig(config)).toEqual([
      { path: ['cluster_name'], value: 'my-cluster' },
      { path: ['validation', 'maxErrorRate'], value: '0.01' },
      { path: ['validation', 'metrics', 'type'], value: 'alb' },
      { path: ['validation', 'metrics', 'dimensions', 'TargetGroup'], value: 'tg/1' },
      { path: ['trafficSteps'], value: '[10,50,100]' },
      { path: ['enabled'], value: 'false' },
    ]);
  });

  test('round-trips a nested configuration, whatever order the leaves come back in', () => {
    const leaves = flattenConfig(config).reverse();
    expect(unflattenConfig(leaves)).toEqual(config);
  });

  test('a key that is not a valid name level is refused', () => {
    expect(() => flattenConfig({ 'bad key': 'x' })).toThrow(ParameterValidationError);
    expect(() => flattenConfig({ nested: { 'a/b': 'x' } })).toThrow(ParameterValidationError);
  });

  test('a name that is both a value and a parent is refused', () => {
    const clash = [
      { path: ['a', 'b'], value: 'x' },
      { path: ['a'], value: 'y' },
    ];
    expect(() => unflattenConfig(clash)).toThrow(ParameterValidationError);
  });
});
