// Imported by bench/main.ts before any suite: the publish function builds its
// container context (the definition under XSEVEN_TOPIC_PREFIX) when its module
// is imported, and bench/publish.ts imports it statically. Set later, the
// prefix would reach the bench's topics but not the gateway's publish handler,
// which would write to unprefixed topics that do not exist ("This server does
// not host this topic-partition", 503). Suites needing other topics use
// withNamespace with their own prefix.
process.env.XSEVEN_TOPIC_PREFIX ??= `bench-platform-${Date.now()}-`;
