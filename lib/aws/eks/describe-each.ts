import { ResourceNotFoundException } from '@aws-sdk/client-eks';
import type { Limiter } from '../concurrency';
import { UnexpectedResponseError } from '../errors';

/**
 * Describes every listed name through the limiter. A resource deleted between
 * List and Describe (ResourceNotFoundException) is skipped: it no longer exists.
 */
export async function describeEach<T>(
  names: readonly string[],
  limit: Limiter,
  describe: (name: string) => Promise<T>,
) {
  const results = await Promise.all(
    names.map((name) =>
      limit(async () => {
        try {
          return await describe(name);
        } catch (error) {
          if (error instanceof ResourceNotFoundException) return undefined;
          throw error;
        }
      }),
    ),
  );
  return results.filter((r): r is Awaited<T> => r !== undefined);
}

/** The object a describe call must return. @throws UnexpectedResponseError when it is missing. */
export function required<T>(value: T | undefined, operation: string, name: string): T {
  if (value === undefined) throw new UnexpectedResponseError(operation, `no object for ${name}`);
  return value;
}
