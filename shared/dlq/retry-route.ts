/**
 * POST /dead-letter-queue/retry of the management API: validates the body
 * (422 naming the fields), runs the manual retry, answers what moved (or,
 * in a dry run, what would). A concurrent DLQ-retry run fences this one:
 * 409, try again.
 */
import { ConflictError } from '../http/errors';
import { jsonResponse } from '../http/problem';
import { parseJsonBody } from '../management/request';
import type { RouteHandler } from '../management/routes';
import { DlqMoveError } from './errors';
import { manualRetry, manualRetryRequestSchema } from './manual-retry';

const isFenced = (error: unknown): boolean => {
  const cause = error instanceof DlqMoveError ? error.cause : error;
  const type = (cause as { type?: unknown } | undefined)?.type;
  return (
    typeof type === 'string' && /FENCED|INVALID_PRODUCER_EPOCH|CONCURRENT_TRANSACTIONS/.test(type)
  );
};

/**
 * The route handler (registered in shared/management/routes.ts).
 *
 * @example
 * ```ts
 * const routes = { 'POST /dead-letter-queue/retry': dlqRetryRoute };
 * ```
 */
export const dlqRetryRoute: RouteHandler = async function dlqRetryRoute(request, context) {
  const body = parseJsonBody(request.event, manualRetryRequestSchema);
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
