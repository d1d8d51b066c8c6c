import { createHash } from 'node:crypto';
import { z } from 'zod';
import { snapshotSchema } from '../../domain/snapshot';

/**
 * The sandbox world as it is kept on disk: every cluster's current state (in
 * snapshot format, so reading it back is a copy), the updates EKS has accepted,
 * virtual time and call counters. One JSON file, so separate processes (`sls
 * invoke local` of different handlers) share one world. Validated on load: a state
 * file is input like any other.
 */

export const STATE_SCHEMA_VERSION = 1;

const updateErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  resourceIds: z.array(z.string()),
});

/** What an update changes on the resource when it succeeds. */
const effectSchema = z.object({
  version: z.string().optional(),
  platformVersion: z.string().optional(),
  addonVersion: z.string().optional(),
});

const targetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('cluster') }),
  z.object({ kind: z.literal('nodegroup'), name: z.string() }),
  z.object({ kind: z.literal('addon'), name: z.string() }),
]);

/** One accepted update. Its outcome is decided when it starts and revealed when it ends. */
export const simUpdateSchema = z.object({
  id: z.string(),
  /** EKS's UpdateType. */
  type: z.enum(['VersionUpdate', 'VersionRollback', 'AddonUpdate']),
  target: targetSchema,
  /** EKS's Update.params ({type, value}), as DescribeUpdate lists them. */
  params: z.array(z.object({ type: z.string(), value: z.string() })),
  clientRequestToken: z.string().optional(),
  /** The request a token was used for: the same token with another request is refused. */
  fingerprint: z.string(),
  createdAt: z.string(),
  /** When the update stops being InProgress (virtual time). */
  endsAt: z.string(),
  result: z.enum(['Successful', 'Failed', 'Cancelled']),
  errors: z.array(updateErrorSchema),
  effect: effectSchema,
  /** The resource's values when the update started (a rollback restores the platform version). */
  before: effectSchema,
  /** True once the end has passed and the outcome has been applied to the resource. */
  settled: z.boolean(),
});

/** A CreateNodegroup or DeleteNodegroup EKS accepted; like an update, its end is fixed when it starts. */
export const nodegroupOpSchema = z.object({
  kind: z.enum(['create', 'delete']),
  nodegroupName: z.string(),
  clientRequestToken: z.string().optional(),
  startedAt: z.string(),
  endsAt: z.string(),
  settled: z.boolean(),
  /** A create that ends CREATE_FAILED, with EKS's health issue (scenario provision-failure). */
  failure: z.object({ code: z.string(), message: z.string() }).optional(),
});

/**
 * A blue/green create or delete EKS accepted (a cluster, an add-on, a Fargate
 * profile); like an update, its end is fixed when it starts.
 */
export const lifecycleOpSchema = z.object({
  kind: z.enum(['create', 'delete']),
  resource: z.enum(['cluster', 'addon', 'fargate']),
  name: z.string(),
  startedAt: z.string(),
  endsAt: z.string(),
  settled: z.boolean(),
});

/** One record of a hosted zone (weighted CNAMEs: a set identifier and a weight). */
export const recordSetSchema = z.object({
  name: z.string(),
  type: z.string(),
  setIdentifier: z.string().optional(),
  weight: z.number().int().min(0).max(255).optional(),
  ttl: z.number().int().nonnegative(),
  value: z.string(),
});

const clusterWorldSchema = z.object({
  snapshot: snapshotSchema(),
  /** The control-plane version the world started with (metrics breach once it moves). */
  initialVersion: z.string(),
  updates: z.array(simUpdateSchema),
  /** Node groups being created or deleted (lib/sandbox/eks/nodegroup-ops.ts). */
  nodegroupOps: z.array(nodegroupOpSchema).default([]),
  /** Creates and deletes of the cluster itself, its add-ons and Fargate profiles (blue/green). */
  lifecycleOps: z.array(lifecycleOpSchema).default([]),
  /** True for a cluster created through CreateCluster (a green cluster), not read from a snapshot. */
  created: z.boolean().default(false),
});

export const sandboxStateSchema = z.object({
  schemaVersion: z.literal(STATE_SCHEMA_VERSION),
  scenario: z.string(),
  clock: z.object({ epoch: z.string(), offsetMinutes: z.number().nonnegative() }),
  /** Feeds update ids, so a replayed world produces the same ids. */
  sequence: z.number().int().nonnegative(),
  /** Calls per sandbox operation: the throttling fault counts them; the CLI reports them. */
  calls: z.record(z.string(), z.number().int().nonnegative()),
  clusters: z.record(z.string(), clusterWorldSchema),
  /** Clusters DeleteCluster removed: their last version and when they went (reports). */
  deletedClusters: z.record(z.string(), z.object({ version: z.string(), deletedAt: z.string() })).default({}),
  /** Route 53: hosted zones by id, each with its records. */
  hostedZones: z
    .record(z.string(), z.object({ name: z.string(), records: z.array(recordSetSchema) }))
    .default({}),
});

export type SandboxState = z.infer<typeof sandboxStateSchema>;
export type ClusterWorld = SandboxState['clusters'][string];
export type SimUpdate = z.infer<typeof simUpdateSchema>;
export type UpdateTarget = SimUpdate['target'];
export type NodegroupOp = z.infer<typeof nodegroupOpSchema>;
export type LifecycleOp = z.infer<typeof lifecycleOpSchema>;
export type RecordSet = z.infer<typeof recordSetSchema>;

/**
 * The next update id, shaped like EKS's (a UUID) but derived from the world's
 * sequence, so replaying the same calls on the same seed gives the same ids.
 */
export function nextUpdateId(state: SandboxState, clusterName: string): string {
  state.sequence += 1;
  const hex = createHash('sha256').update(`${clusterName}\u0000${state.sequence}`, 'utf8').digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
