import * as z from 'zod';
import { lazy } from '../lazy';
import { PlatformDefinitionError } from './errors';
import type { PlatformDefinition } from './schema';

/** AWS's range of MaximumBatchingWindowInSeconds (0–300 s), in ms. */
const MAX_WINDOW_MS = 300_000;

/** Batching windows set per environment: one for every consumer, and/or per consumer. */
export interface BatchingWindows {
  /** Every consumer's window, unless named in `byConsumer`. */
  readonly all?: number;
  readonly byConsumer: Readonly<Record<string, number>>;
}

/**
 * Reads `"0"` (every consumer) or `"conversation-log=0,ai-responses=1000"`
 * (per consumer; a bare number among the pairs sets the others), the same
 * syntax in the local environment and the CDK context.
 *
 * @example
 * ```ts
 * batchingWindowsSchema().parse('250,conversation-log=0'); // { all: 250, byConsumer: { 'conversation-log': 0 } }
 * ```
 */
export const batchingWindowsSchema = lazy(() => {
  const windowMs = z.string().regex(/^\d+$/).transform(Number).pipe(z.number().max(MAX_WINDOW_MS));
  return z.union([z.number(), z.string()]).transform((value, ctx): BatchingWindows => {
    const byConsumer: Record<string, number> = {};
    let all: number | undefined;
    for (const part of String(value).split(',')) {
      const item = part.trim();
      if (item === '') continue;
      const [name, ms] = item.includes('=') ? item.split('=', 2) : [undefined, item];
      const parsed = windowMs.safeParse(ms?.trim());
      if (!parsed.success) {
        ctx.addIssue({
          code: 'custom',
          message: `"${item}": a window is a whole number of ms from 0 to ${MAX_WINDOW_MS} ("<ms>" or "<consumer>=<ms>", comma-separated)`,
        });
        return z.NEVER;
      }
      if (name === undefined) all = parsed.data;
      else byConsumer[name.trim()] = parsed.data;
    }
    return all === undefined ? { byConsumer } : { all, byConsumer };
  });
});

/**
 * The definition with each consumer's `maximumBatchingWindowMs` replaced by
 * the environment's setting (the definition's value stays the default).
 * Throws {@link PlatformDefinitionError} naming a consumer the definition lacks.
 *
 * @example
 * ```ts
 * withBatchingWindows(platform, { byConsumer: { 'conversation-log': 0 } });
 * ```
 */
export const withBatchingWindows = (
  def: PlatformDefinition,
  windows: BatchingWindows | undefined,
): PlatformDefinition => {
  if (windows === undefined) return def;
  const unknown = Object.keys(windows.byConsumer).filter(
    (name) => !def.consumers.some((c) => c.name === name),
  );
  if (unknown.length > 0)
    throw new PlatformDefinitionError(
      unknown.map((name) => `batching window: consumer "${name}" is not in the definition`),
    );
  return {
    ...def,
    consumers: def.consumers.map((c) => ({
      ...c,
      maximumBatchingWindowMs:
        windows.byConsumer[c.name] ?? windows.all ?? c.maximumBatchingWindowMs,
    })),
  };
};
