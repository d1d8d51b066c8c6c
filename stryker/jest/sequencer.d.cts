export function parseTestFiles(text: string): Map<string, string[]>;
export function testsHolding<T extends { path: string }>(
  tests: readonly T[],
  testNamePattern: string,
  idsByFile: ReadonlyMap<string, readonly string[]>,
): T[];
