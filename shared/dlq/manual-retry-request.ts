import * as z from 'zod';
import { lazy } from '../lazy';

/** Where a manual retry takes records from. */
export const RetrySource = { Dlq: 'dlq', Archive: 'archive' } as const;
export type RetrySource = (typeof RetrySource)[keyof typeof RetrySource];

const isoTime = lazy(() => z.iso.datetime({ offset: true }));

/** The body of POST /dead-letter-queue/retry. Every filter given must match (AND); values within one are alternatives (OR). */
export const manualRetryRequestSchema = lazy(() =>
  z
    .object({
      source: z.enum([RetrySource.Dlq, RetrySource.Archive]).default(RetrySource.Dlq),
      /** Original topics (as on the broker). */
      topics: z.array(z.string().min(1)).min(1).max(100).optional(),
      /** Failure categories (e.g. processing, timeout). */
      categories: z.array(z.string().min(1)).min(1).max(20).optional(),
      /** Event ids (the envelope ids). */
      event_ids: z.array(z.string().min(1)).min(1).max(10_000).optional(),
      /** Last failure at or after this time. */
      from: isoTime().optional(),
      /** Last failure before this time. */
      to: isoTime().optional(),
      /** List what would move, move nothing. */
      dry_run: z.boolean().default(false),
      /** Most records moved (or listed) by one request. */
      limit: z.number().int().min(1).max(10_000).default(1000),
    })
    .strict()
    .refine((r) => r.from === undefined || r.to === undefined || r.from < r.to, {
      path: ['to'],
      message: 'must be after "from"',
    })
    // snake_case on the wire, camelCase inside
    .transform(({ event_ids, dry_run, ...rest }) => ({
      ...rest,
      ...(event_ids === undefined ? {} : { eventIds: event_ids }),
      dryRun: dry_run,
    })),
);
export type ManualRetryRequest = z.output<ReturnType<typeof manualRetryRequestSchema>>;
