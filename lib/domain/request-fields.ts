import * as z from 'zod';
import { lazy } from './lazy';

/**
 * The rules for the fields of an upgrade request that become names and keys.
 *
 * A caller's request id: The id becomes part of a Step Functions
 * execution name (80 characters in all, of A-Z a-z 0-9 - _) and of artifact keys
 * `upgrades/<upgradeId>/...`, so it holds nothing a name or a key path could be
 * confused by: no dots (hence no `..`), no slashes, no spaces, nothing invisible.
 */
export const MAX_REQUEST_ID = 40;

/** What is wrong with `id` as a request id, naming the rule; undefined when it is fine. */
export function requestIdProblem(id: string): string | undefined {
  if (id.length === 0) return 'the request id is empty; give 1-40 letters, digits, - or _';
  if (id.length > MAX_REQUEST_ID) {
    return `the request id is ${id.length} characters long; at most ${MAX_REQUEST_ID} are allowed`;
  }
  if (id.includes('..')) return 'the request id contains ".."; use letters, digits, - and _ only';
  const allowed = /^[A-Za-z0-9_-]+$/;
  if (!allowed.test(id)) {
    // Stryker disable next-line StringLiteral: a non-empty id the pattern refuses has a character it refuses alone (equivalent)
    const bad = [...id].find((c) => !allowed.test(c)) ?? '';
    return `the request id contains ${JSON.stringify(bad)}; use letters, digits, - and _ only`;
  }
  return undefined;
}

/** The zod form of the same rule, for the upgrade.requested detail. */
export const requestIdSchema = lazy(() =>
  z.string().superRefine((id, ctx) => {
    const problem = requestIdProblem(id);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  }),
);

/** EKS's own rule for cluster names (CreateCluster): 1-100 characters, alphanumeric first. */
export const MAX_CLUSTER_NAME = 100;

/**
 * What is wrong with `name` as an EKS cluster name; undefined when EKS could have
 * created it. A request for any other name can only fail, and the name is used
 * in lock keys, execution names and every event.
 */
export function clusterNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the cluster name is empty';
  if (name.length > MAX_CLUSTER_NAME) {
    return `the cluster name is ${name.length} characters long; EKS allows at most ${MAX_CLUSTER_NAME}`;
  }
  if (!/^[0-9A-Za-z][A-Za-z0-9_-]*$/.test(name)) {
    return `${JSON.stringify(name.slice(0, 40))} is not an EKS cluster name: letters, digits, - and _, starting with a letter or digit`;
  }
  return undefined;
}

/** The zod form of the cluster-name rule. */
export const clusterNameSchema = lazy(() =>
  z.string().superRefine((name, ctx) => {
    const problem = clusterNameProblem(name);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  }),
);
