import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { AddonCatalog } from '../../domain/addon-catalog';
import { type EnvironmentSnapshot, parseSnapshot } from '../../domain/snapshot';
import { compareVersions, isKubernetesVersion, nextMinor, previousMinor } from '../../domain/version';
import type { Prng } from './prng';

/**
 * A seed's cluster: one of the demo or real-world snapshots, widened (node-group
 * count and versions, which add-ons are installed and at which version, whether
 * its blocking defects are healed), and the target it is upgraded to.
 */

const REPO = resolve(__dirname, '..', '..', '..');
export const DEMO_DIR = join(REPO, 'demo', 'snapshots');
/** `../shared/realworld/aws-responses` beside the repository: real AWS output nobody here wrote. */
export const REALWORLD_DIR = resolve(REPO, '..', 'shared', 'realworld', 'aws-responses');

export interface SnapshotBase {
  /** The file's name, printed with every seed so a reader knows where the shape came from. */
  readonly source: string;
  readonly snapshot: EnvironmentSnapshot;
  /** How many times more often it is drawn than a weight-1 base. */
  readonly weight: number;
}

export interface ClusterShape {
  readonly source: string;
  readonly snapshot: EnvironmentSnapshot;
  readonly targetVersion: string;
  readonly force: boolean;
}

/**
 * The snapshots shapes are drawn from: `files` when given (`--snapshot`), else the
 * demo snapshots and every real-world response that is a valid snapshot, in file order.
 * @throws InvalidSnapshotError when a given file is not a snapshot.
 */
export function loadBases(files?: readonly string[]): SnapshotBase[] {
  const read = (path: string) => parseSnapshot(JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, '')));
  if (files !== undefined && files.length > 0) {
    return files.map((path) => ({ source: basename(path), snapshot: read(path), weight: 1 }));
  }
  const bases: SnapshotBase[] = [];
  for (const dir of [DEMO_DIR, REALWORLD_DIR]) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort()) {
      try {
        // The demo clusters are shaped to upgrade; most real-world responses are partial.
        bases.push({ source: name, snapshot: read(join(dir, name)), weight: dir === DEMO_DIR ? 4 : 1 });
      } catch {
        // Responses the agent refuses (a registered cluster, PascalCase) are not clusters to upgrade.
      }
    }
  }
  return bases;
}

/** The add-on catalogue a base without compatibility data borrows (the demo's, 1.23 to 1.33). */
function richestCatalogue(bases: readonly SnapshotBase[]): EnvironmentSnapshot['addonVersions'] {
  let best: EnvironmentSnapshot['addonVersions'] = [];
  for (const b of bases) if (b.snapshot.addonVersions.length > best.length) best = b.snapshot.addonVersions;
  return best;
}

export function drawShape(prng: Prng, bases: readonly SnapshotBase[]): ClusterShape {
  const base = prng.pick(bases.flatMap((b) => Array.from({ length: b.weight }, () => b)));
  const snapshot = structuredClone(base.snapshot);
  snapshot.capturedAt ??= '2026-11-30T09:00:00.000Z';
  const current = snapshot.cluster.version;
  if (snapshot.addonVersions.length === 0 || prng.chance(0.3)) {
    snapshot.addonVersions = structuredClone(richestCatalogue(bases));
  }
  if (prng.chance(0.75)) heal(snapshot);
  snapshot.addons = drawAddons(prng, snapshot, current);
  snapshot.nodegroups = drawNodegroups(prng, snapshot, current);
  const newest = newestKnown(snapshot);
  let targetVersion = isKubernetesVersion(current) ? nextMinor(current) : current;
  for (let hops = prng.pick([1, 1, 1, 2, 2, 3]); hops > 1; hops--) {
    if (compareVersions(nextMinor(targetVersion), newest) > 0) break;
    targetVersion = nextMinor(targetVersion);
  }
  return { source: base.source, snapshot, targetVersion, force: prng.chance(0.15) };
}

/** What keeps most bases from upgrading at all: a cluster or resources mid-operation, subnets out of IPs. */
function heal(snapshot: EnvironmentSnapshot): void {
  snapshot.cluster.status = 'ACTIVE';
  for (const ng of snapshot.nodegroups) {
    ng.status = 'ACTIVE';
    ng.health = { issues: [] };
  }
  for (const subnet of snapshot.subnets)
    subnet.AvailableIpAddressCount = Math.max(subnet.AvailableIpAddressCount ?? 0, 250);
}

function drawAddons(
  prng: Prng,
  snapshot: EnvironmentSnapshot,
  current: string,
): EnvironmentSnapshot['addons'] {
  const template = snapshot.addons[0];
  const installed = new Map(snapshot.addons.map((a) => [a.addonName, a]));
  const out: EnvironmentSnapshot['addons'] = [];
  for (const info of snapshot.addonVersions) {
    if (!prng.chance(installed.has(info.addonName) ? 0.85 : 0.35)) continue;
    const catalog = new AddonCatalog(info);
    const fitting = catalog.versions.filter((v) => catalog.isCompatible(v, current));
    if (fitting.length === 0) continue;
    const existing = installed.get(info.addonName);
    const addonVersion = prng.pick(fitting);
    out.push({
      ...(existing ?? template ?? {}),
      addonName: info.addonName,
      clusterName: snapshot.cluster.name,
      addonVersion,
      status: 'ACTIVE',
      health: { issues: [] },
    } as EnvironmentSnapshot['addons'][number]);
  }
  return out;
}

function drawNodegroups(
  prng: Prng,
  snapshot: EnvironmentSnapshot,
  current: string,
): EnvironmentSnapshot['nodegroups'] {
  const templates = snapshot.nodegroups;
  if (templates.length === 0 || !isKubernetesVersion(current)) return templates;
  const count = prng.pick([1, 1, 2, 2, 3, 3, 4, 5, 6]);
  const out: EnvironmentSnapshot['nodegroups'] = [];
  for (let i = 0; i < count; i++) {
    const template = structuredClone(prng.pick(templates));
    const behind = prng.chance(0.2) ? prng.int(1, 2) : 0;
    let version = current;
    for (let k = 0; k < behind && compareVersions(previousMinor(version), '1.0') > 0; k++)
      version = previousMinor(version);
    const name = `${template.nodegroupName.slice(0, 40)}-${i}`;
    const desired = prng.int(1, 6);
    out.push({
      ...template,
      nodegroupName: name,
      ...(template.nodegroupArn
        ? {
            nodegroupArn: template.nodegroupArn.replace(
              /nodegroup\/[^/]+\/[^/]+/,
              `nodegroup/${snapshot.cluster.name}/${name}`,
            ),
          }
        : {}),
      version,
      scalingConfig: {
        minSize: 1,
        maxSize: Math.max(desired, template.scalingConfig?.maxSize ?? desired),
        desiredSize: desired,
      },
    });
  }
  return out;
}

/** The newest Kubernetes version any add-on's compatibility data names. */
function newestKnown(snapshot: EnvironmentSnapshot): string {
  let newest = snapshot.cluster.version;
  for (const info of snapshot.addonVersions)
    for (const v of info.addonVersions)
      for (const c of v.compatibilities)
        if (compareVersions(c.clusterVersion, newest) > 0) newest = c.clusterVersion;
  return newest;
}
