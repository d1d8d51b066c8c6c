import { ParameterValidationError } from '../errors';

/**
 * Parameter Store's rules for names and values, checked before any call so a bad
 * parameter fails with a clear, named error instead of an SDK ValidationException.
 * Pure (no SDK import): the local sandbox enforces the same rules.
 *
 * Sources (AWS Systems Manager API reference, PutParameter; user guide, parameter
 * tiers): names use a-zA-Z0-9_.- and "/" between levels, no spaces, at most 15
 * levels, never start with "aws" or "ssm" (any case); the 1011-character name
 * limit includes the ARN before the name; values are at most 4 KB (Standard) or
 * 8 KB (Advanced); descriptions at most 1024 characters; at most 50 tags.
 */

export type ParameterType = 'String' | 'StringList' | 'SecureString';
export type ParameterTier = 'Standard' | 'Advanced' | 'Intelligent-Tiering';

export const MAX_HIERARCHY_DEPTH = 15;
/** The limit AWS states for a name counted with its ARN ("arn:aws:ssm:REGION:ACCOUNT:parameter/..."). */
export const MAX_NAME_WITH_ARN = 1011;
/**
 * Room kept for the ARN before the name: the longest partition and region
 * ("arn:aws-iso-b:ssm:us-isob-east-1:123456789012:parameter/") is 56 characters.
 */
export const ARN_ALLOWANCE = 64;
export const MAX_NAME_LENGTH = MAX_NAME_WITH_ARN - ARN_ALLOWANCE;
export const MAX_DESCRIPTION_LENGTH = 1024;
export const MAX_TAGS = 50;

/** Value limits in bytes (UTF-8, the conservative reading of "4 KB"). Intelligent-Tiering may pick Advanced. */
export const MAX_VALUE_BYTES: Readonly<Record<ParameterTier, number>> = {
  Standard: 4 * 1024,
  Advanced: 8 * 1024,
  'Intelligent-Tiering': 8 * 1024,
};

const NAME_CHARACTERS = /^[a-zA-Z0-9_.\-/]+$/;
/** One level of a hierarchical name: what a configuration key may be. */
export const SEGMENT_PATTERN = /^[a-zA-Z0-9_.-]+$/;
const RESERVED_PREFIX = /^\/?(aws|ssm)/i;

/** Every way `name` breaks the naming rules; empty when it is valid. */
export function nameIssues(name: string): string[] {
  const issues: string[] = [];
  if (name.length === 0) return ['the name is empty'];
  if (!NAME_CHARACTERS.test(name)) issues.push('use only a-z, A-Z, 0-9, "_", ".", "-" and "/" (no spaces)');
  if (name.length > MAX_NAME_LENGTH) {
    issues.push(`the name is ${name.length} characters; at most ${MAX_NAME_LENGTH} (AWS counts the ARN too)`);
  }
  if (RESERVED_PREFIX.test(name)) issues.push('names must not start with "aws" or "ssm" (reserved by AWS)');
  if (name.includes('/')) {
    if (!name.startsWith('/')) issues.push('a hierarchical name must start with "/"');
    const segments = name.split('/').slice(1);
    if (segments.some((s) => s.length === 0)) issues.push('a name must not contain "//" or end with "/"');
    if (segments.length > MAX_HIERARCHY_DEPTH) {
      issues.push(`the name has ${segments.length} levels; at most ${MAX_HIERARCHY_DEPTH}`);
    }
  }
  return issues;
}

export interface ParameterShape {
  readonly name: string;
  readonly value: string;
  readonly type?: ParameterType;
  readonly tier?: ParameterTier;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly keyId?: string;
}

/** Every way the value and its settings break the rules. Never quotes the value. */
export function valueIssues(p: ParameterShape): string[] {
  const issues: string[] = [];
  const tier = p.tier ?? 'Standard';
  const size = new TextEncoder().encode(p.value).length;
  if (size === 0) issues.push('the value is empty; Parameter Store needs at least one character');
  if (size > MAX_VALUE_BYTES[tier]) {
    issues.push(`the value is ${size} bytes; the ${tier} tier takes at most ${MAX_VALUE_BYTES[tier]}`);
  }
  if (p.keyId !== undefined && p.type !== 'SecureString') issues.push('keyId applies to SecureString only');
  if (p.description !== undefined && p.description.length > MAX_DESCRIPTION_LENGTH) {
    issues.push(`the description is over ${MAX_DESCRIPTION_LENGTH} characters`);
  }
  if (p.tags !== undefined && Object.keys(p.tags).length > MAX_TAGS) issues.push(`at most ${MAX_TAGS} tags`);
  return issues;
}

/**
 * Checks a parameter before it is sent.
 * @throws ParameterValidationError listing every issue (the value itself is never quoted).
 */
export function validateParameter(p: ParameterShape): void {
  const issues = [...nameIssues(p.name), ...valueIssues(p)];
  if (issues.length > 0) throw new ParameterValidationError(p.name, issues);
}

/**
 * Checks a name alone (reads, deletes, paths).
 * @throws ParameterValidationError listing every issue.
 */
export function validateName(name: string): void {
  const issues = nameIssues(name);
  if (issues.length > 0) throw new ParameterValidationError(name, issues);
}

/**
 * The prefix in canonical form: leading and trailing "/" ("eks" -> "/eks/").
 * @throws ParameterValidationError when it breaks the naming rules.
 */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  if (trimmed.length === 0) return '/';
  const normalized = `/${trimmed}/`;
  validateName(`/${trimmed}`);
  return normalized;
}

/**
 * The full name of `name` under `prefix`; a name starting with "/" is already full.
 * @throws ParameterValidationError when the result breaks the naming rules.
 */
export function qualifyName(prefix: string, name: string): string {
  const full = name.startsWith('/') ? name : `${normalizePrefix(prefix)}${name}`;
  validateName(full);
  return full;
}
