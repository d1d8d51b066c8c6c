import * as z from 'zod';
import { InvalidRequestError } from './errors';
import { lazy } from './lazy';

/** A Kubernetes minor version as EKS spells it: "1.29". */
export type KubernetesVersion = `${number}.${number}`;

/** Kubernetes has had one major version; EKS offers 1.x only. */
export const KUBERNETES_MAJOR = 1;
/**
 * The greatest minor accepted. Kubernetes ships about three minors a year, so 99
 * is decades away; the bound keeps every loop over minors short (an unbounded
 * `1.99999999999` once built hops until the process ran out of memory).
 */
export const MAX_MINOR = 99;

/** Echoed values are cut: a version argument may be any string a user pastes. */
const ECHO_LIMIT = 40;

export interface ParsedVersion {
  readonly major: number;
  readonly minor: number;
}

function echo(value: string): string {
  return JSON.stringify(value.length > ECHO_LIMIT ? `${value.slice(0, ECHO_LIMIT)}…` : value);
}

/**
 * What is wrong with `value` as a Kubernetes minor version, in words a person can
 * act on; undefined when it is one. "01.32" is refused rather than read as 1.32:
 * a version is compared as text in events, names and keys, so it has one spelling.
 */
export function versionProblem(value: string): string | undefined {
  const match = /^(\d+)\.(\d+)$/.exec(value);
  if (!match) {
    return `${echo(value)} is not a Kubernetes minor version; write it as MAJOR.MINOR, for example 1.30`;
  }
  // Stryker disable next-line StringLiteral: both groups are set whenever the pattern matches (equivalent)
  const [, majorText = '', minorText = ''] = match;
  if (/^0\d/.test(majorText) || /^0\d/.test(minorText)) {
    return `${echo(value)} has a leading zero; write it as ${Number(majorText)}.${Number(minorText)}`;
  }
  if (Number(majorText) !== KUBERNETES_MAJOR) {
    return `${echo(value)} is not a version EKS offers: Kubernetes has only major version ${KUBERNETES_MAJOR} (write it as 1.MINOR, for example 1.30)`;
  }
  // No leading zero here, so more than two digits is more than 99.
  if (Number(minorText) > MAX_MINOR) {
    return `${echo(value)} is out of range: the minor version must be 0-${MAX_MINOR} (EKS versions look like 1.32)`;
  }
  return undefined;
}

/** True when `value` is a Kubernetes minor version such as "1.29" (see versionProblem). */
export function isKubernetesVersion(value: string): value is KubernetesVersion {
  return versionProblem(value) === undefined;
}

/**
 * Parses "1.29" into its parts.
 * @throws InvalidRequestError when the value is not 1.MINOR with MINOR 0-99 and no leading zero.
 */
export function parseVersion(value: string): ParsedVersion {
  const problem = versionProblem(value);
  if (problem !== undefined) throw new InvalidRequestError(problem);
  const [major, minor] = value.split('.').map(Number) as [number, number];
  return { major, minor };
}

/** The zod form of the same rule, for the schemas at the edges (events, requests). */
export const kubernetesVersionSchema = lazy(() =>
  z.string().superRefine((value, ctx) => {
    const problem = versionProblem(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  }),
);

export function formatVersion(version: ParsedVersion): KubernetesVersion {
  return `${version.major}.${version.minor}`;
}

/** Negative when a < b, zero when equal, positive when a > b (both are 1.MINOR: parseVersion). */
export function compareVersions(a: string, b: string): number {
  return parseVersion(a).minor - parseVersion(b).minor;
}

/** How many minor versions `behind` trails `ahead` (negative when it is newer). */
export function minorsBehind(behind: string, ahead: string): number {
  return parseVersion(ahead).minor - parseVersion(behind).minor;
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
 * hops("1.28", "1.30") = ["1.29", "1.30"]. Empty when target <= current. Both
 * are parsed with their bounds, so there are never more than MAX_MINOR hops.
 * @throws InvalidRequestError when either is not a valid version.
 */
export function hops(current: string, target: string): KubernetesVersion[] {
  const from = parseVersion(current).minor;
  const to = parseVersion(target).minor;
  const result: KubernetesVersion[] = [];
  for (let minor = from + 1; minor <= to; minor += 1) {
    result.push(formatVersion({ major: KUBERNETES_MAJOR, minor }));
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
