import { addonMinorKey, compareAddonVersions } from './addon-version';
import type { AddonInfo } from './snapshot';

/**
 * Questions the planner asks of DescribeAddonVersions data for one add-on:
 * which versions run on which Kubernetes version, and which is EKS's default.
 */
export class AddonCatalog {
  private readonly compat = new Map<string, Set<string>>();
  private readonly defaults = new Map<string, string>();
  /** Every version listed, ascending. */
  readonly versions: readonly string[];

  constructor(info: AddonInfo) {
    for (const entry of info.addonVersions) {
      const clusterVersions = new Set<string>();
      for (const c of entry.compatibilities) {
        clusterVersions.add(c.clusterVersion);
        if (c.defaultVersion) this.defaults.set(c.clusterVersion, entry.addonVersion);
      }
      this.compat.set(entry.addonVersion, clusterVersions);
    }
    this.versions = [...this.compat.keys()].sort(compareAddonVersions);
  }

  isCompatible(addonVersion: string, clusterVersion: string): boolean {
    return this.compat.get(addonVersion)?.has(clusterVersion) ?? false;
  }

  /** EKS's default version for a Kubernetes version, when the data names one. */
  defaultFor(clusterVersion: string): string | undefined {
    return this.defaults.get(clusterVersion);
  }

  /** Versions newer than `current` that run on every one of `clusterVersions`, ascending. */
  upgradesCompatibleWith(current: string, clusterVersions: readonly string[]): string[] {
    return this.versions.filter(
      (v) => compareAddonVersions(v, current) > 0 && clusterVersions.every((k) => this.isCompatible(v, k)),
    );
  }

  /** The newest version of one add-on minor ("1.18") that runs on `clusterVersion`. */
  newestOfMinor(minor: string, clusterVersion: string): string | undefined {
    const matching = this.versions.filter(
      (v) => addonMinorKey(v) === minor && this.isCompatible(v, clusterVersion),
    );
    return matching.at(-1);
  }
}

/**
 * Picks the version to move to among `candidates` (ascending): EKS's default for
 * `preferFor` when it is a candidate, else the newest candidate.
 */
export function preferredVersion(
  catalog: AddonCatalog,
  candidates: readonly string[],
  preferFor: string,
): string | undefined {
  const preferred = catalog.defaultFor(preferFor);
  // Stryker disable next-line ConditionalExpression: candidates are strings, so they never include undefined (equivalent; the guard is for the type)
  if (preferred !== undefined && candidates.includes(preferred)) return preferred;
  return candidates.at(-1);
}
