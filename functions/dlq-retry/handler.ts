/**
 * The DLQ-retry Lambda: run on the definition's schedule (EventBridge in
 * AWS, the local scheduler in `npm start`). Each invocation moves what the
 * dead-letter queue holds, within the invocation's remaining time: due
 * records back to their original topic, exhausted ones to the archive,
 * not-yet-due ones re-queued. See docs/dlq-retry.md.
 */
import middy from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { Kafka } from 'kafkajs';
import * as z from 'zod';
import { lazy } from '../../shared/lazy';
import { ValidationError } from '../../shared/errors';
import { withAdmin } from '../../shared/kafka/admin';
import { createKafka } from '../../shared/kafka/client';
import { publishDlqGauges, readDlqGauges } from '../../shared/dlq/gauges';
import type { DlqGauges } from '../../shared/dlq/gauges';
import { runDlqMover } from '../../shared/dlq/mover';
import type { MoverHooks } from '../../shared/dlq/mover';
import type { RandomSource } from '../../shared/dlq/retry-strategies';
import { createLogger } from '../../shared/observability/logger';
import { flushMetricsAfter } from '../../shared/observability/metrics-middleware';
import { loadPlatform } from '../../shared/platform';
import { checkFunctionEnvironment } from '../../shared/kafka/check-settings';
import type { PlatformDefinition } from '../../shared/platform';
import { xrayTracing } from '../../shared/tracing/xray';

/** What an invocation reports (counts only: never payloads). */
export interface DlqRetrySummary {
  readonly read: number;
  readonly retried: number;
  readonly archived: number;
  readonly requeued: number;
  readonly complete: boolean;
  readonly durationMs: number;
  /** Live gauges after the run (null when the broker could not be asked). */
  readonly gauges: DlqGauges | null;
}

/** The part of an EventBridge scheduled event we look at (the local scheduler sends the same). */
const scheduledEventSchema = lazy(() =>
  z
    .object({
      'detail-type': z.string().optional(),
      source: z.string().optional(),
      time: z.string().optional(),
    })
    .loose(),
);

/** The invocation context we need (Lambda's, or the local scheduler's). */
export type InvocationContext = Pick<Context, 'getRemainingTimeInMillis'>;

/** The gauges after a run, published as EMF in Lambda; a failure to read them never fails the run. */
const gaugesAfter = async (
  kafka: Kafka,
  def: PlatformDefinition,
  logger: Logger,
  handledUpTo: ReadonlyMap<number, number>,
): Promise<DlqGauges | null> => {
  try {
    const gauges = await withAdmin(kafka, (admin) =>
      readDlqGauges(kafka, admin, def.dlq, Date.now(), handledUpTo),
    );
    publishDlqGauges(gauges);
    return gauges;
  } catch (error) {
    logger.warn('dlq gauges could not be read', { error });
    return null;
  }
};

/** Options of {@link createDlqRetryHandler}; all default to the deployed ones. */
export interface DlqRetryHandlerOptions {
  readonly kafka?: Kafka;
  readonly platform?: PlatformDefinition;
  readonly logger?: Logger;
  readonly now?: () => Date;
  readonly random?: RandomSource;
  readonly hooks?: MoverHooks;
  /** Time kept free at the end of the invocation. @default 10 % of the remaining time, at least 2 s */
  readonly safetyMarginMs?: number;
  /** Stop after this long without progress. @default 3000 */
  readonly idleMs?: number;
}

/**
 * Builds the DLQ-retry handler. The Kafka client is created once per
 * container and reused by warm invocations.
 *
 * @example
 * ```ts
 * const run = createDlqRetryHandler({ platform: def, kafka });
 * const summary = await run({ source: 'local.scheduler' }, { getRemainingTimeInMillis: () => 60_000 });
 * ```
 */
export const createDlqRetryHandler = (options: DlqRetryHandlerOptions = {}) => {
  const logger = options.logger ?? createLogger('dlq-retry');
  let kafka = options.kafka;
  // Every setting at init, not at the first run: a bad one names its variable.
  checkFunctionEnvironment();
  const def = options.platform ?? loadPlatform().platform;

  const dlqRetry = async (event: unknown, context: InvocationContext): Promise<DlqRetrySummary> => {
    const parsed = scheduledEventSchema().safeParse(event ?? {});
    if (!parsed.success)
      throw new ValidationError(`dlq-retry: unexpected event: ${parsed.error.message}`);
    kafka ??= createKafka({ clientId: 'xseven-dlq-retry', logger });
    const started = Date.now();
    const remaining = context.getRemainingTimeInMillis();
    const margin = options.safetyMarginMs ?? Math.max(2000, Math.floor(remaining * 0.1));
    const result = await runDlqMover({
      kafka,
      dlq: def.dlq,
      logger,
      deadline: started + Math.max(0, remaining - margin),
      ...(options.now ? { now: options.now } : {}),
      ...(options.random ? { random: options.random } : {}),
      ...(options.hooks ? { hooks: options.hooks } : {}),
      ...(options.idleMs === undefined ? {} : { idleMs: options.idleMs }),
    });
    const gauges = await gaugesAfter(kafka, def, logger, result.handledUpTo);
    const summary: DlqRetrySummary = {
      read: result.read,
      retried: result.retried,
      archived: result.archived,
      requeued: result.requeued,
      complete: result.complete,
      durationMs: Date.now() - started,
      gauges,
    };
    logger.info('dlq retry run finished', { ...summary, trigger: parsed.data.source });
    return summary;
  };
  const wrapped = middy<unknown, DlqRetrySummary, Error, Context>(dlqRetry)
    .use(xrayTracing())
    .use(flushMetricsAfter());
  // The local scheduler and the tests pass only the remaining time: all this handler and middy read.
  return (event: unknown, context: InvocationContext): Promise<DlqRetrySummary> =>
    wrapped(event, context as Context);
};

/** The Lambda entry point (EventBridge scheduled event). */
export const handler = createDlqRetryHandler();
