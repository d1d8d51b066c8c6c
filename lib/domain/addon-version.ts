/**
 * EKS add-on versions look like "v1.18.3-eksbuild.1": the upstream component's
 * semantic version, then EKS's build of it. This module orders them and reads
 * their minor, which the one-minor-at-a-time rule needs. The minor is the upstream
 * MAJOR.MINOR ("1.18"): a new patch or eksbuild is not a minor step, and a change
 * of major is one step of its own (there is no minor to pass through).
 */
export interface AddonSemver {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly build: number;
}

/** Parses an add-on version; undefined when it is not of the vX.Y.Z[-eksbuild.N] form. */
export function parseAddonVersion(value: string): AddonSemver | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:-eksbuild\.(\d+))?/.exec(value);
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
