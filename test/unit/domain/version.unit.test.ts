import fc from 'fast-check';
import { addonMinorKey, compareAddonVersions, parseAddonVersion } from '../../../lib/domain/addon-version';
import {
  compareVersions,
  hops,
  isKubernetesVersion,
  kubernetesVersionSchema,
  MAX_MINOR,
  maxKubeletSkew,
  minorsBehind,
  nextMinor,
  parseVersion,
  previousMinor,
  versionProblem,
} from '../../../lib/domain/version';
import { snapshot } from '../../support/snapshot-builder';

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
  test.each(['1', '1.2.3', 'v1.29', '', '1.x', ' 1.30', '1.30\n', '１.３０', '1.-1', '+1.30'])(
    '"%s" is rejected with an actionable message',
    (bad) => {
      expect(() => parseVersion(bad)).toThrow(/write it as MAJOR\.MINOR/);
    },
  );
  test.each([
    ['01.32', /"01\.32" has a leading zero; write it as 1\.32/],
    ['1.032', /has a leading zero; write it as 1\.32/],
    ['2.0', /only major version 1/],
    ['100.30', /only major version 1/],
    ['0.9', /only major version 1/],
    ['1.100', /out of range: the minor version must be 0-99/],
    ['1.300', /out of range/],
    ['1.99999999999', /out of range/],
  ])('"%s" is refused by its own rule, not misread', (bad, message) => {
    expect(() => parseVersion(bad)).toThrow(
      expect.objectContaining({ name: 'InvalidRequestError', message: expect.stringMatching(message) }),
    );
  });
  test('a huge value is echoed cut short, so the message stays one readable line', () => {
    expect(() => parseVersion(`1.${'9'.repeat(100_000)}`)).toThrow(/^"1\.9{38}…" is out of range/);
  });
  test('a snapshot is held to the same rule, and the bad part is named by its path', () => {
    expect(() => snapshot({ version: '01.30' })).toThrow(
      expect.objectContaining({
        name: 'InvalidSnapshotError',
        message: expect.stringContaining('cluster.version: "01.30" has a leading zero'),
      }),
    );
  });
  test('a value of exactly the echo limit (40) is shown whole', () => {
    expect(versionProblem('x'.repeat(40))).toBe(
      `"${'x'.repeat(40)}" is not a Kubernetes minor version; write it as MAJOR.MINOR, for example 1.30`,
    );
  });
  test('the type guard and the zod schema say what versionProblem says', () => {
    expect(isKubernetesVersion('1.30')).toBe(true);
    expect(isKubernetesVersion('1.030')).toBe(false);
    const parsed = kubernetesVersionSchema().safeParse('1.030');
    expect(parsed.success ? [] : parsed.error.issues.map((i) => `${i.code}: ${i.message}`)).toEqual([
      `custom: ${versionProblem('1.030')}`,
    ]);
    expect(kubernetesVersionSchema().parse('1.30')).toBe('1.30');
  });
  test('the next and previous minor, numerically', () => {
    expect(nextMinor('1.9')).toBe('1.10');
    expect(previousMinor('1.10')).toBe('1.9');
  });
  test('1.0 and 1.99 are the bounds', () => {
    expect(parseVersion('1.0')).toEqual({ major: 1, minor: 0 });
    expect(parseVersion(`1.${MAX_MINOR}`)).toEqual({ major: 1, minor: MAX_MINOR });
  });
  test('hops refuse an out-of-range target instead of looping (1.99999999999 once ran out of memory)', () => {
    expect(() => hops('1.30', '1.99999999999')).toThrow(/out of range/);
    expect(hops('1.0', '1.99')).toHaveLength(99);
  });
  test('property: every accepted version is 1.N with N in 0..99 written without leading zero, and round-trips', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), (text) => {
        if (!isKubernetesVersion(text)) return;
        const v = parseVersion(text);
        expect(v.major).toBe(1);
        expect(v.minor).toBeGreaterThanOrEqual(0);
        expect(v.minor).toBeLessThanOrEqual(MAX_MINOR);
        expect(`${v.major}.${v.minor}`).toBe(text);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_MINOR }), fc.integer({ min: 0, max: MAX_MINOR }), (a, b) => {
        expect(hops(`1.${a}`, `1.${b}`)).toHaveLength(Math.max(0, b - a));
      }),
    );
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
  test.each([
    ['v10.20.30', { major: 10, minor: 20, patch: 30, build: 0 }],
    // Marketplace add-ons may drop the v; kube-proxy once had a "minimal" variant.
    ['1.2.3', { major: 1, minor: 2, patch: 3, build: 0 }],
    ['v1.29.0-minimal-eksbuild.1', { major: 1, minor: 29, patch: 0, build: 0 }],
  ])('parse %s', (value, parsed) => {
    expect(parseAddonVersion(value)).toEqual(parsed);
  });
  test.each(['v1.2', 'x1.2.3', ' v1.2.3', ''])('%j is not an add-on version', (value) => {
    expect(parseAddonVersion(value)).toBeUndefined();
    expect(addonMinorKey(value)).toBeUndefined();
  });
  test('the minor key is the upstream MAJOR.MINOR, whatever the patch and build', () => {
    expect(addonMinorKey('v1.18.3-eksbuild.1')).toBe('1.18');
    expect(addonMinorKey('v2.0.11')).toBe('2.0');
  });
  test('an unparseable version sorts before every parseable one, and among its kind as text', () => {
    // Text after "v" too, so the order is not the text order by chance.
    expect(compareAddonVersions('zeta', 'v0.0.1')).toBeLessThan(0);
    expect(compareAddonVersions('v0.0.1', 'zeta')).toBeGreaterThan(0);
    expect(['v1.0.0', 'zeta', 'v0.1.0', 'beta'].sort(compareAddonVersions)).toEqual([
      'beta',
      'zeta',
      'v0.1.0',
      'v1.0.0',
    ]);
  });
  test('the order is antisymmetric and agrees with the parsed fields', () => {
    const version = fc
      .tuple(fc.nat(30), fc.nat(30), fc.nat(30), fc.option(fc.nat(30), { nil: undefined }))
      .map(([a, b, c, d]) => `v${a}.${b}.${c}${d === undefined ? '' : `-eksbuild.${d}`}`);
    fc.assert(
      fc.property(version, version, (a, b) => {
        const pa = parseAddonVersion(a);
        const pb = parseAddonVersion(b);
        if (!pa || !pb) throw new Error('generated versions parse');
        const tuple = (p: typeof pa) => [p.major, p.minor, p.patch, p.build];
        const expected = tuple(pa).reduce<number>(
          (acc, x, i) => acc || Math.sign(x - (tuple(pb)[i] ?? 0)),
          0,
        );
        expect(Math.sign(compareAddonVersions(a, b))).toBe(expected);
        expect(Math.sign(compareAddonVersions(b, a))).toBe(-expected);
      }),
    );
  });
});
