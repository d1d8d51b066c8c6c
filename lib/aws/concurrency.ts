/**
 * Bounded concurrency without a dependency: at most `limit` calls in flight.
 * One limiter per snapshot read keeps a cluster with 100 node groups from firing
 * 100 DescribeNodegroup calls at once (EKS throttles DescribeX at scale).
 */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * Creates a limiter that runs at most `limit` tasks at a time, in submission order.
 * @throws RangeError when `limit` is not a positive integer.
 */
export function createLimiter(limit: number): Limiter {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`concurrency limit must be a positive integer, got ${limit}`);
  }
  let active = 0;
  const queue: Array<() => void> = [];
  const release = (): void => {
    active--;
    const next = queue.shift();
    if (next) next();
  };
  return <T>(task: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const run = (): void => {
        active++;
        task().then(resolve, reject).finally(release);
      };
      if (active < limit) run();
      else queue.push(run);
    });
}

/**
 * Maps `items` through `fn` with at most `limit` calls in flight; results keep the input order.
 * Rejects with the first error (calls already started still finish).
 */
export function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const limiter = createLimiter(limit);
  return Promise.all(items.map((item, index) => limiter(() => fn(item, index))));
}
