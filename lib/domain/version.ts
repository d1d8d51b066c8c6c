import { InvalidRequestError } from './errors';

/** A Kubernetes minor version as EKS spells it: "1.29". */
export type KubernetesVersion = `${number}.${number}`;

const VERSION_PATTERN = /^(\d+)\.(\d+)$/;

export interface ParsedVersion {
  readonly major: number;
  readonly minor: number;
}

/** True when `value` is a Kubernetes minor version such as "1.29". */
export function isKubernetesVersion(value: string): value is KubernetesVersion {
  return VERSION_PATTERN.test(value);
}

/**
 * Parses "1.29" into its parts.
 * @throws InvalidRequestError when the value is not MAJOR.MINOR.
 */
export function parseVersion(value: string): ParsedVersion {
  const match = VERSION_PATTERN.exec(value);
  if (!match) {
    throw new InvalidRequestError(
      `"${value}" is not a Kubernetes minor version; write it as MAJOR.MINOR, for example 1.30`,
    );
  }
  return { major: Number(match[1]), minor: Number(match[2]) };
}

export function formatVersion(version: ParsedVersion): KubernetesVersion {
  return `${version.major}.${version.minor}`;
}

/** Negative when a < b, zero when equal, positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  return pa.major === pb.major ? pa.minor - pb.minor : pa.major - pb.major;
}

/** How many minor versions `behind` trails `ahead` (negative when it is newer). Same major assumed. */
export function minorsBehind(behind: string, ahead: string): number {
  const b = parseVersion(behind);
  const a = parseVersion(ahead);
  if (a.major !== b.major) {
    throw new InvalidRequestError(`cannot compare ${behind} and ${ahead}: different major versions`);
  }
  return a.minor - b.minor;
}

/** The next minor version: 1.29 -> 1.30. */
export function nextMinor(version: string): KubernetesVersion {
  const v = parseVersion(version);
  return formatVersion({ major: v.major, minor: v.minor + 1 });
}

/** The previous minor version: 1.30 -> 1.29. */
export function previousMinor(version: string): KubernetesVersion {
  const v = parseVersion(version);
  return formatVersion({ major: v.major, minor: v.minor - 1 });
}

/**
 * The control-plane hops from `current` to `target`, one minor each:
 * hops("1.28", "1.30") = ["1.29", "1.30"]. Empty when target <= current.
 */
export function hops(current: string, target: string): KubernetesVersion[] {
  const result: KubernetesVersion[] = [];
  let version = parseVersion(current);
  const goal = parseVersion(target);
  if (goal.major !== version.major) return result;
  while (version.minor < goal.minor) {
    version = { major: version.major, minor: version.minor + 1 };
    result.push(formatVersion(version));
  }
  return result;
}

/**
 * The greatest kubelet skew Kubernetes allows below an API server at `apiServer`:
 * 3 minors since 1.28, 2 before.
 */
export function maxKubeletSkew(apiServer: string): number {
  return compareVersions(apiServer, '1.28') >= 0 ? 3 : 2;
}
