import { AddonCatalog, preferredVersion } from './addon-catalog';
import { compareAddonVersions, parseAddonVersion } from './addon-version';
import type { Finding, PlanningPolicy } from './plan-types';
import type { Addon, AddonInfo } from './snapshot';
import type { KubernetesVersion } from './version';

/** The add-on the User Guide names in its one-minor-at-a-time rule (policy `addonMinorRule: 'vpc-cni-only'`). */
const USER_GUIDE_ONE_MINOR = new Set(['vpc-cni']);
/**
 * Add-ons released per Kubernetes minor that follow the control plane: kube-proxy
 * may not be newer than the API server and may trail it within the skew policy,
 * so it moves right after each hop, by design rather than as a compromise.
 */
const FOLLOWS_CONTROL_PLANE = new Set(['kube-proxy']);

/** An add-on move planned around one hop. */
export interface AddonMove {
  readonly name: string;
  readonly hop: KubernetesVersion;
  /** before the control-plane update of `hop`, or after it. */
  readonly when: 'pre-hop' | 'post-hop';
  readonly from: string;
  readonly to: string;
}

export interface AddonPlan {
  readonly moves: AddonMove[];
  readonly findings: Finding[];
}

/**
 * Plans one add-on through the control-plane path `path` (the current version
 * followed by each hop). Rules, from EKS's guidance:
 * - before a hop, an add-on whose version does not run on the next version moves
 *   to one that runs on both (cross-compatible), so it is never incompatible with
 *   the control plane; only when no such version exists does it move right after
 *   the hop (a warned window);
 * - after the last hop it moves to EKS's default for the target when that is newer;
 * - never a downgrade; every add-on moves one minor version at a time (Best
 *   Practices: "Amazon EKS Add-ons may only be upgraded one minor version at a
 *   time"), or only vpc-cni under `addonMinorRule: 'vpc-cni-only'` (the User Guide).
 *   A minor is the upstream component's MAJOR.MINOR: v1.18.3-eksbuild.1 is minor
 *   1.18 (patch and eksbuild do not count; see addon-version.ts).
 */
export function planAddon(
  addon: Addon,
  info: AddonInfo | undefined,
  path: readonly KubernetesVersion[],
  policy: PlanningPolicy,
): AddonPlan {
  const moves: AddonMove[] = [];
  const findings: Finding[] = [];
  const name = addon.addonName;
  if (!info) {
    findings.push({
      code: 'ADDON_NO_COMPATIBILITY_DATA',
      severity: 'block',
      message: `No DescribeAddonVersions data for add-on ${name}: cannot tell which version runs on the target. Capture the snapshot again so it includes ${name}.`,
      resource: name,
    });
    return { moves, findings };
  }
  const catalog = new AddonCatalog(info);
  const stepwise = policy.addonMinorRule === 'every-addon' || USER_GUIDE_ONE_MINOR.has(name);
  let current = addon.addonVersion;

  const move = (hop: KubernetesVersion, when: AddonMove['when'], target: string, cpNow: string): boolean => {
    const chain = stepwise ? minorChain(catalog, current, target, cpNow) : [target];
    if (typeof chain === 'string') {
      findings.push({
        code: 'ADDON_MINOR_GAP',
        severity: 'block',
        message: `${name} must move one minor version at a time from ${current} to ${target}, but DescribeAddonVersions lists no ${name} ${chain}.x compatible with Kubernetes ${cpNow}. Update ${name} by hand or choose a nearer target.`,
        resource: name,
      });
      return false;
    }
    for (const to of chain) {
      moves.push({ name, hop, when, from: current, to });
      current = to;
    }
    return true;
  };

  // A plan rebuilt after a control-plane update, before kube-proxy followed it: it catches
  // up with the cluster before the next hop, since it moves one minor at a time.
  if (FOLLOWS_CONTROL_PLANE.has(name) && path.length > 1) {
    const [now, firstHop] = path as [KubernetesVersion, KubernetesVersion];
    if (!catalog.isCompatible(current, now)) {
      const to = preferredVersion(catalog, catalog.upgradesCompatibleWith(current, [now]), now);
      if (to !== undefined && !move(firstHop, 'pre-hop', to, now)) return { moves, findings };
    }
  }

  for (let i = 1; i < path.length; i++) {
    const prev = path[i - 1] as KubernetesVersion;
    const hop = path[i] as KubernetesVersion;
    if (catalog.isCompatible(current, hop)) continue;
    if (FOLLOWS_CONTROL_PLANE.has(name)) {
      const to = preferredVersion(catalog, catalog.upgradesCompatibleWith(current, [hop]), hop);
      if (to !== undefined) {
        if (!move(hop, 'post-hop', to, hop)) return { moves, findings };
        continue;
      }
    }
    const cross = catalog.upgradesCompatibleWith(current, [prev, hop]);
    const crossTarget = preferredVersion(catalog, cross, hop);
    if (crossTarget !== undefined) {
      if (!move(hop, 'pre-hop', crossTarget, prev)) return { moves, findings };
      continue;
    }
    const after = catalog.upgradesCompatibleWith(current, [hop]);
    const afterTarget = preferredVersion(catalog, after, hop);
    if (afterTarget === undefined) {
      findings.push({
        code: 'ADDON_NO_COMPATIBLE_VERSION',
        severity: 'block',
        message: `Add-on ${name} ${current} does not run on Kubernetes ${hop} and no newer version compatible with ${hop} is listed (no downgrades). Remove or replace ${name} before upgrading, or check DescribeAddonVersions for ${hop}.`,
        resource: name,
      });
      return { moves, findings };
    }
    findings.push({
      code: 'ADDON_INCOMPATIBLE_WINDOW',
      severity: 'warn',
      message: `No ${name} version runs on both ${prev} and ${hop}: ${name} ${current} runs unsupported between the control-plane update to ${hop} and its own update to ${afterTarget}.`,
      resource: name,
    });
    if (!move(hop, 'post-hop', afterTarget, hop)) return { moves, findings };
  }

  const target = path.at(-1);
  if (target === undefined) return { moves, findings };
  const preferred = catalog.defaultFor(target);
  // Stryker disable next-line ConditionalExpression: without a default, compareAddonVersions(undefined, current) is -1, as an unparseable version sorts first (equivalent; the guard is for the type)
  if (preferred !== undefined && compareAddonVersions(preferred, current) > 0) {
    move(target, 'post-hop', preferred, target);
  } else if (!catalog.isCompatible(current, target)) {
    // Only reached with no hops: the cluster is at the target already.
    const candidates = catalog.upgradesCompatibleWith(current, [target]);
    const to = preferredVersion(catalog, candidates, target);
    if (to === undefined) {
      findings.push({
        code: 'ADDON_NO_COMPATIBLE_VERSION',
        severity: 'block',
        message: `Add-on ${name} ${current} does not run on Kubernetes ${target} and no newer compatible version is listed.`,
        resource: name,
      });
    } else {
      move(target, 'post-hop', to, target);
    }
  }
  return { moves, findings };
}

/**
 * The versions to pass through from `from` to `to`, one minor at a time: for each
 * intermediate minor, its newest version that runs on `clusterVersion`, then `to`.
 * The missing minor ("1.37") when an intermediate minor has no such version.
 */
function minorChain(
  catalog: AddonCatalog,
  from: string,
  to: string,
  clusterVersion: string,
): string[] | string {
  const a = parseAddonVersion(from);
  const b = parseAddonVersion(to);
  if (
    !a ||
    // Stryker disable next-line ConditionalExpression: `to` is newer than a semver `from`, so it is semver too (unparseable versions sort first); this narrows the type (equivalent)
    !b ||
    a.major !== b.major
  )
    return [to];
  const chain: string[] = [];
  for (let minor = a.minor + 1; minor < b.minor; minor++) {
    const step = catalog.newestOfMinor(`${a.major}.${minor}`, clusterVersion);
    if (step === undefined) return `v${a.major}.${minor}`;
    chain.push(step);
  }
  chain.push(to);
  return chain;
}
