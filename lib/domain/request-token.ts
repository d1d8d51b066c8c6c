import { createHash } from 'node:crypto';
import { InvalidRequestError } from './errors';

/**
 * The EKS clientRequestToken of one plan step of one upgrade: the same
 * (upgradeId, stepId) always gives the same token, so a retried Lambda or a
 * replayed state never starts a second update. EKS documents the token as a
 * plain string with no length trait (Smithy model: `smithy.api#idempotencyToken`
 * on `com.amazonaws.eks#String`); the SDK fills it with a UUID when absent, so we
 * emit that same shape: a name-based UUID (version 5 layout, SHA-256 digest),
 * 36 characters of [0-9a-f-].
 * @throws InvalidRequestError when either part is empty.
 */
export function clientRequestToken(upgradeId: string, stepId: string): string {
  if (upgradeId.length === 0 || stepId.length === 0) {
    throw new InvalidRequestError('a clientRequestToken needs a non-empty upgrade id and step id');
  }
  // NUL cannot occur in either id, so ("a:b", "c") and ("a", "b:c") never collide.
  const bytes = createHash('sha256').update(`${upgradeId}\u0000${stepId}`).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
