import { appendFile } from 'node:fs/promises';
import middy from '@middy/core';
import type { MiddlewareObj } from '@middy/core';
import type { Context, MSKEvent } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { EventBus } from '../../shared/consumer/bus';
import { ConsumerConfigError } from '../../shared/consumer/errors';
import { esmGroupId } from '../../shared/platform';
import { processBatch } from '../../shared/consumer/process-batch';
import type { BatchOutcome, BatchResponse } from '../../shared/consumer/process-batch';
import { createDlqWriter } from '../../shared/dlq/writer';
import { checkFunctionEnvironment } from '../../shared/kafka/check-settings';
import { getDlqProducer } from '../../shared/kafka/producer-instance';
import type { DlqWriter } from '../../shared/dlq/writer';
import { createLogger } from '../../shared/observability/logger';
import { flushMetricsAfter } from '../../shared/observability/metrics-middleware';
import { loadPlatform } from '../../shared/platform';
import type { ConsumerDefinition, PlatformDefinition } from '../../shared/platform';
import { loadConsumerEnv } from './consumer-env';
import { xrayTracing } from '../../shared/tracing/xray';

/** Options of {@link createConsumerHandler}. */
export interface ConsumerHandlerOptions {
  /** The consumer's name in the platform definition. */
  readonly consumer: string;
  /** The event bus with the consumer's handlers. */
  readonly bus: EventBus;
  /** @default the definition under XSEVEN_TOPIC_PREFIX ({@link loadPlatform}) */
  readonly platform?: PlatformDefinition;
  /** @default the container's DLQ producer (shared/kafka), reused across invocations */
  readonly dlqWriter?: DlqWriter;
  readonly logger?: Logger;
  /** @default XSEVEN_MAX_RECORD_BYTES or MAX_RECORD_BYTES (shared/platform/limits.ts) */
  readonly maxRecordBytes?: number;
  /** @default XSEVEN_CONSUMER_RESERVE_MS or 1000 */
  readonly reserveMs?: number;
  /** Environment to read (tests). @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Each invocation's outcome, by its context, for the after-middlewares. */
type Outcomes = WeakMap<object, BatchOutcome>;

/**
 * Appends the ids of the processed events to a journal file before the
 * invocation returns (so before the ESM commits): a local, at-least-once
 * record of what each consumer handled.
 *
 * @example
 * ```ts
 * middy(handler).use(handledJournal('/tmp/handled.log', 'conversation-log', outcomes));
 * ```
 */
export const handledJournal = (
  path: string,
  consumer: string,
  outcomes: Outcomes,
): MiddlewareObj<unknown, unknown, Error, Context> => ({
  after: async function appendHandledIds(request) {
    const ids = outcomes.get(request.context)?.processedEventIds ?? [];
    outcomes.delete(request.context);
    if (ids.length > 0) await appendFile(path, ids.map((id) => `${consumer} ${id}\n`).join(''));
  },
});

const consumerOf = (
  def: PlatformDefinition,
  name: string,
  deployedFor: string | undefined,
): ConsumerDefinition => {
  // The stack names the consumer each function is deployed for: a module built for
  // another consumer (a wrong handlerModule) fails at start, not record by record.
  if (deployedFor !== undefined && deployedFor !== name)
    throw new ConsumerConfigError(
      `this handler serves consumer "${name}", but the function was deployed for "${deployedFor}" (XSEVEN_CONSUMER_NAME)`,
    );
  const consumer = def.consumers.find((c) => c.name === name);
  if (!consumer)
    throw new ConsumerConfigError(`consumer "${name}" is not in the platform definition`);
  return consumer;
};

/**
 * A middy-wrapped Lambda handler for MSK events: decodes, validates and
 * routes each record through `bus`, dead-letters failed records (awaited)
 * and returns `{ batchItemFailures }`. The same handler runs in AWS and
 * under the local ESM.
 *
 * @example
 * ```ts
 * const bus = new EventBus().subscribe('conversation.started', conversationLog);
 * export const handler = createConsumerHandler({ consumer: 'conversation-log', bus });
 * ```
 */
export const createConsumerHandler = (options: ConsumerHandlerOptions) => {
  // Every setting at init, not at the first record: a bad one names its variable.
  checkFunctionEnvironment(options.env ?? process.env);
  const env = loadConsumerEnv(options.env);
  const def = options.platform ?? loadPlatform(options.env).platform;
  const consumer = consumerOf(def, options.consumer, env.XSEVEN_CONSUMER_NAME);
  const logger = options.logger ?? createLogger(consumer.name);
  // The DLQ producer is built at the first dead letter, not at init: most
  // invocations send none, and its settings were checked above.
  let writer = options.dlqWriter;
  const dlq: DlqWriter = {
    write: (letters) =>
      (writer ??= createDlqWriter({ producer: getDlqProducer(logger), dlq: def.dlq })).write(
        letters,
      ),
  };
  // Kept only for the journal, which deletes each entry once written: an
  // outcome (every processed event id) must not outlive its invocation.
  const outcomes: Outcomes | undefined =
    env.XSEVEN_HANDLED_LOG === undefined ? undefined : new WeakMap();

  const handle = async (event: MSKEvent, context: Context): Promise<BatchResponse> => {
    const outcome = await processBatch(event, context, {
      bus: options.bus,
      dlq,
      logger,
      consumerGroup: (topic) => esmGroupId(consumer, topic),
      functionName: context.functionName || consumer.name,
      reportBatchItemFailures: consumer.reportBatchItemFailures,
      maxRecordBytes: options.maxRecordBytes ?? env.XSEVEN_MAX_RECORD_BYTES,
      reserveMs: options.reserveMs ?? env.XSEVEN_CONSUMER_RESERVE_MS,
    });
    outcomes?.set(context, outcome);
    logger.info('batch processed', {
      processed: outcome.processedEventIds.length,
      deadLettered: outcome.deadLettered,
      redeliver: outcome.unprocessed,
    });
    return outcome.response;
  };

  const wrapped = middy<MSKEvent, BatchResponse, Error, Context>(handle)
    .use(xrayTracing())
    .use(injectLambdaContext(logger))
    .use(flushMetricsAfter());
  if (env.XSEVEN_HANDLED_LOG !== undefined && outcomes !== undefined)
    wrapped.use(handledJournal(env.XSEVEN_HANDLED_LOG, consumer.name, outcomes));
  return wrapped;
};
