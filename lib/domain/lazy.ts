/**
 * A value built on its first use and kept: a schema or a default a bundle may never
 * need is then not built at cold start (Lambda INIT), and one that is needed is built
 * once. Plain memoisation, nothing else: `const schema = lazy(() => z.object({...}))`
 * is read as `schema()`.
 */
export function lazy<T>(build: () => T): () => T {
  let built: { readonly value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
}
