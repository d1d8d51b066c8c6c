import { compareAddonVersions, parseAddonVersion } from '../../../lib/domain/addon-version';
import {
  compareVersions,
  hops,
  maxKubeletSkew,
  minorsBehind,
  parseVersion,
} from '../../../lib/domain/version';

describe('Kubernetes versions', () => {
  test('hops are one minor each, none when the target is not ahead', () => {
    expect(hops('1.28', '1.31')).toEqual(['1.29', '1.30', '1.31']);
    expect(hops('1.30', '1.30')).toEqual([]);
    expect(hops('1.30', '1.29')).toEqual([]);
  });
  test('versions compare numerically, not as text', () => {
    expect(compareVersions('1.9', '1.10')).toBeLessThan(0);
    expect(minorsBehind('1.25', '1.29')).toBe(4);
  });
  test('kubelet skew is 3 minors from API server 1.28 on, 2 before', () => {
    expect(maxKubeletSkew('1.27')).toBe(2);
    expect(maxKubeletSkew('1.28')).toBe(3);
    expect(maxKubeletSkew('1.33')).toBe(3);
  });
  test.each(['1', '1.2.3', 'v1.29', '', '1.x'])('"%s" is rejected with an actionable message', (bad) => {
    expect(() => parseVersion(bad)).toThrow(/write it as MAJOR\.MINOR/);
  });
});

describe('add-on versions', () => {
  test('order by major, minor, patch, then eksbuild number', () => {
    const sorted = [
      'v1.18.3-eksbuild.3',
      'v1.9.0-eksbuild.1',
      'v1.18.3-eksbuild.10',
      'v1.18.10-eksbuild.1',
    ].sort(compareAddonVersions);
    expect(sorted).toEqual([
      'v1.9.0-eksbuild.1',
      'v1.18.3-eksbuild.3',
      'v1.18.3-eksbuild.10',
      'v1.18.10-eksbuild.1',
    ]);
  });
  test('parse reads the eksbuild number', () => {
    expect(parseAddonVersion('v1.11.4-eksbuild.2')).toEqual({ major: 1, minor: 11, patch: 4, build: 2 });
    expect(parseAddonVersion('latest')).toBeUndefined();
  });
});
