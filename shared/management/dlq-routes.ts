/**
 * The management routes over the dead-letter queue. The analyses and moves
 * themselves live in shared/dlq; these handlers validate the request, call
 * them and answer.
 */
import { archiveStats } from '../dlq/archive-stats';
import { manualRetry } from '../dlq/manual-retry';
import { dlqStats } from '../dlq/stats';
import { ConflictError } from '../http/errors';
import { kafkaErrorType } from '../kafka/producer-errors';
import { jsonResponse } from '../http/problem';
import type { RouteHandler } from './context';
import { UnknownTopicError } from './errors';

/**
 * GET /dead-letter-queue/stats: the DLQ's depth and analysis (scope
 * `pending` or `all`) and the archive's counts.
 *
 * @example
 * ```ts
 * const routes = { 'GET /dead-letter-queue/stats': dlqStatsRoute };
 * ```
 */
export const dlqStatsRoute: RouteHandler<'GET /dead-letter-queue/stats'> = async (
  { query: { scope } },
  context,
) => {
  const admin = await context.admin();
  const topics = await admin.listTopics();
  if (!topics.includes(context.platform.dlq.topic))
    throw new UnknownTopicError(context.platform.dlq.topic);
  const stats = await dlqStats({
    kafka: context.kafka(),
    admin,
    dlq: context.platform.dlq,
    scope,
    maxRecords: context.config.dlqStatsMaxRecords,
    timeoutMs: context.config.dlqStatsTimeoutMs,
    now: context.now,
  });
  const archive = topics.includes(context.platform.dlq.archiveTopic)
    ? await archiveStats({
        kafka: context.kafka(),
        admin,
        topic: context.platform.dlq.archiveTopic,
        maxRecords: context.config.dlqStatsMaxRecords,
        timeoutMs: context.config.dlqStatsTimeoutMs,
      })
    : null;
  return jsonResponse(200, { ...stats, archive });
};

/** Another run of the same transactional id fenced this one (the type is on a cause of the error). */
const isFenced = (error: unknown): boolean =>
  /FENCED|INVALID_PRODUCER_EPOCH|CONCURRENT_TRANSACTIONS/.test(kafkaErrorType(error) ?? '');

/**
 * POST /dead-letter-queue/retry: validates the body (422 naming the
 * fields), runs the manual retry, answers what moved (or, in a dry run,
 * what would). A concurrent DLQ-retry run fences this one: 409, try again.
 *
 * @example
 * ```ts
 * const routes = { 'POST /dead-letter-queue/retry': dlqRetryRoute };
 * ```
 */
export const dlqRetryRoute: RouteHandler<'POST /dead-letter-queue/retry'> =
  async function dlqRetryRoute({ body }, context) {
    try {
      const result = await manualRetry(
        {
          kafka: context.kafka(),
          admin: await context.admin(),
          dlq: context.platform.dlq,
          logger: context.logger,
          now: () => new Date(context.now()),
        },
        body,
      );
      context.logger.info('manual dlq retry done', {
        source: result.source,
        dryRun: result.dryRun,
        matched: result.matched,
        moved: result.moved,
      });
      return jsonResponse(200, result);
    } catch (error) {
      if (isFenced(error))
        throw new ConflictError('another dead-letter retry run is in progress; try again', {
          cause: error,
        });
      throw error;
    }
  };
