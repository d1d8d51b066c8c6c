/**
 * EKS add-on versions look like "v1.18.3-eksbuild.1". This module orders them
 * and reads their minor, which the vpc-cni one-minor-at-a-time rule needs.
 */
export interface AddonSemver {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly build: number;
}

const ADDON_VERSION_PATTERN = /^v?(\d+)\.(\d+)\.(\d+)(?:-eksbuild\.(\d+))?/;

/** Parses an add-on version; undefined when it is not of the vX.Y.Z[-eksbuild.N] form. */
export function parseAddonVersion(value: string): AddonSemver | undefined {
  const match = ADDON_VERSION_PATTERN.exec(value);
  if (!match) return undefined;
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3]),
    build: Number(match[4] ?? 0),
  };
}

/** Orders add-on versions; unparseable versions sort first and compare as text. */
export function compareAddonVersions(a: string, b: string): number {
  const pa = parseAddonVersion(a);
  const pb = parseAddonVersion(b);
  if (!pa || !pb) {
    if (pa) return 1;
    if (pb) return -1;
    return a.localeCompare(b);
  }
  return pa.major - pb.major || pa.minor - pb.minor || pa.patch - pb.patch || pa.build - pb.build;
}

/** "v1.18.3-eksbuild.1" -> "1.18"; undefined when unparseable. */
export function addonMinorKey(value: string): string | undefined {
  const parsed = parseAddonVersion(value);
  return parsed ? `${parsed.major}.${parsed.minor}` : undefined;
}
