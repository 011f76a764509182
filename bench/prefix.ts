/**
 * A fresh topic prefix for one suite's topics: `bench-<name>-<ms since
 * the epoch>-`. Every topic a bench run creates has one ({@link
 * isBenchTopic}): they are scratch, and bench/topics.ts deletes them when a
 * run begins and ends.
 *
 * @example
 * ```ts
 * withNamespace(platform, benchPrefix('burst')); // bench-burst-1796300000000-
 * ```
 */
export const benchPrefix = (name: string): string => `bench-${name}-${Date.now()}-`;

/** Whether a topic has a {@link benchPrefix}. */
export const isBenchTopic = (topic: string): boolean => /^bench-[\w-]+?-\d{13}-/.test(topic);

// Imported by bench/main.ts before any suite: the publish function builds its
// container context (the definition under XSEVEN_TOPIC_PREFIX) when its module
// is imported, and bench/publish.ts imports it statically. Set later, the
// prefix would reach the bench's topics but not the gateway's publish handler,
// which would write to unprefixed topics that do not exist ("This server does
// not host this topic-partition", 503). Suites needing other topics use
// withNamespace with their own prefix.
process.env.XSEVEN_TOPIC_PREFIX ??= benchPrefix('platform');
