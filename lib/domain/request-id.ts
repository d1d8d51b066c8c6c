import { z } from 'zod';

/**
 * The rule for a caller's request id. The id becomes part of a Step Functions
 * execution name (80 characters in all, of A-Z a-z 0-9 - _) and of artifact keys
 * `upgrades/<upgradeId>/...`, so it holds nothing a name or a key path could be
 * confused by: no dots (hence no `..`), no slashes, no spaces, nothing invisible.
 */
export const MAX_REQUEST_ID = 40;
const ALLOWED = /^[A-Za-z0-9_-]+$/;

/** What is wrong with `id` as a request id, naming the rule; undefined when it is fine. */
export function requestIdProblem(id: string): string | undefined {
  if (id.length === 0) return 'the request id is empty; give 1-40 letters, digits, - or _';
  if (id.length > MAX_REQUEST_ID) {
    return `the request id is ${id.length} characters long; at most ${MAX_REQUEST_ID} are allowed`;
  }
  if (id.includes('..')) return 'the request id contains ".."; use letters, digits, - and _ only';
  if (!ALLOWED.test(id)) {
    const bad = [...id].find((c) => !ALLOWED.test(c)) ?? '';
    return `the request id contains ${JSON.stringify(bad)}; use letters, digits, - and _ only`;
  }
  return undefined;
}

/** The zod form of the same rule, for the upgrade.requested detail. */
export const requestIdSchema = z.string().superRefine((id, ctx) => {
  const problem = requestIdProblem(id);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});
