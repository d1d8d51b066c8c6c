import { AddonCatalog, preferredVersion } from '../../../lib/domain/addon-catalog';
import { addonInfo } from '../../support/snapshot-builder';

/**
 * DescribeAddonVersions lists an add-on's versions newest first; the catalog orders them
 * and answers which run where. Built inside each test (no fixture at load).
 */
const coredns = () =>
  new AddonCatalog(
    addonInfo('coredns', [
      { v: 'v1.11.3-eksbuild.2', on: ['1.30', '1.31'], defaultOn: ['1.31'] },
      { v: 'v1.11.4-eksbuild.1', on: ['1.31'] },
      { v: 'v1.10.1-eksbuild.7', on: ['1.29', '1.30'], defaultOn: ['1.30'] },
      { v: 'v1.11.1-eksbuild.9', on: ['1.30', '1.31'] },
    ]),
  );

describe('AddonCatalog', () => {
  it('orders the versions ascending, whatever order EKS lists them in', () => {
    expect(coredns().versions).toEqual([
      'v1.10.1-eksbuild.7',
      'v1.11.1-eksbuild.9',
      'v1.11.3-eksbuild.2',
      'v1.11.4-eksbuild.1',
    ]);
  });

  it('knows which version runs on which Kubernetes version, and a version it was not told of runs nowhere', () => {
    const catalog = coredns();
    expect(catalog.isCompatible('v1.10.1-eksbuild.7', '1.29')).toBe(true);
    expect(catalog.isCompatible('v1.10.1-eksbuild.7', '1.31')).toBe(false);
    expect(catalog.isCompatible('v9.9.9-eksbuild.1', '1.31')).toBe(false);
  });

  it('offers only versions newer than the current one that run on every given Kubernetes version', () => {
    const catalog = coredns();
    expect(catalog.upgradesCompatibleWith('v1.11.1-eksbuild.9', ['1.30', '1.31'])).toEqual([
      'v1.11.3-eksbuild.2',
    ]);
    expect(catalog.upgradesCompatibleWith('v1.10.1-eksbuild.7', ['1.31'])).toEqual([
      'v1.11.1-eksbuild.9',
      'v1.11.3-eksbuild.2',
      'v1.11.4-eksbuild.1',
    ]);
    expect(catalog.upgradesCompatibleWith('v1.11.4-eksbuild.1', ['1.31'])).toEqual([]);
  });

  it('names the newest of a minor that runs on a version', () => {
    expect(coredns().newestOfMinor('1.11', '1.30')).toBe('v1.11.3-eksbuild.2');
    expect(coredns().newestOfMinor('1.12', '1.30')).toBeUndefined();
  });

  it("prefers EKS's default when it is a candidate, else the newest candidate", () => {
    const catalog = coredns();
    expect(catalog.defaultFor('1.31')).toBe('v1.11.3-eksbuild.2');
    expect(preferredVersion(catalog, ['v1.11.3-eksbuild.2', 'v1.11.4-eksbuild.1'], '1.31')).toBe(
      'v1.11.3-eksbuild.2',
    );
    expect(preferredVersion(catalog, ['v1.11.1-eksbuild.9', 'v1.11.4-eksbuild.1'], '1.31')).toBe(
      'v1.11.4-eksbuild.1',
    );
    expect(preferredVersion(catalog, ['v1.11.4-eksbuild.1'], '1.32')).toBe('v1.11.4-eksbuild.1');
    expect(preferredVersion(catalog, [], '1.31')).toBeUndefined();
  });
});
