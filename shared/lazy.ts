/**
 * Memoises a factory: the value is built on the first call and the same
 * value is returned after. Module-level values that cost something to build
 * (zod schemas above all) are declared with it, so a Lambda's init builds
 * only what its first request uses (issue #13 item 6), not every schema of
 * every module it imports. The one home of such caches.
 *
 * @example
 * ```ts
 * const topicSchema = lazy(() => z.strictObject({ name: z.string() }));
 * topicSchema() === topicSchema(); // true
 * ```
 */
export const lazy = <T>(build: () => T): (() => T) => {
  let built = false;
  let value: T;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value;
  };
};
