/**
 * The local scheduler: runs the DLQ-retry handler as EventBridge does in
 * AWS, every `dlq.scheduleMinutes` of the definition, or every
 * `XSEVEN_DLQ_RETRY_INTERVAL_SECONDS` when set (local use and tests). Runs
 * never overlap: the next one is scheduled when the previous one ends.
 */
import * as z from 'zod';
import { createDlqRetryHandler } from '../../functions/dlq-retry/handler';
import type { DlqRetrySummary } from '../../functions/dlq-retry/handler';
import { LocalEnv, envShape, parseEnv } from '../../shared/platform/env';
import type { LocalRuntimeContext, LocalService, RunningService } from '../runtime/service';

const schedulerEnvSchema = z.object(
  envShape(LocalEnv.DlqRetryIntervalSeconds, LocalEnv.DlqRetryTimeoutSeconds),
);

/** A running scheduler, with a way to await the next completed run (tests). */
export interface RunningScheduler extends RunningService {
  readonly intervalMs: number;
  /** Resolves with the summary of the next run that completes. */
  readonly nextRun: () => Promise<DlqRetrySummary>;
}

/**
 * Starts the scheduler on a runtime context.
 *
 * @example
 * ```ts
 * const scheduler = await startDlqRetryScheduler({ platform, kafka, logger, env: { XSEVEN_DLQ_RETRY_INTERVAL_SECONDS: '1' } });
 * await scheduler.nextRun();
 * await scheduler.stop();
 * ```
 */
export const startDlqRetryScheduler = async (
  context: LocalRuntimeContext,
): Promise<RunningScheduler> => {
  const env = parseEnv(schedulerEnvSchema, context.env);
  const intervalMs =
    (env.XSEVEN_DLQ_RETRY_INTERVAL_SECONDS ?? context.platform.dlq.scheduleMinutes * 60) * 1000;
  const timeoutMs = env.XSEVEN_DLQ_RETRY_TIMEOUT_SECONDS * 1000;
  const run = createDlqRetryHandler({
    kafka: context.kafka,
    platform: context.platform,
    logger: context.logger,
  });
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  let waiters: ((summary: DlqRetrySummary) => void)[] = [];

  const tick = (): void => {
    current = (async function scheduledDlqRetry(): Promise<void> {
      const end = Date.now() + timeoutMs;
      try {
        const summary = await run(
          {
            source: 'xseven.local-scheduler',
            'detail-type': 'Scheduled Event',
            time: new Date().toISOString(),
          },
          { getRemainingTimeInMillis: () => end - Date.now() },
        );
        const done = waiters;
        waiters = [];
        for (const resolve of done) resolve(summary);
      } catch (error) {
        context.logger.error('scheduled dlq retry failed; the next run resumes', { error });
      }
      if (!stopped) timer = setTimeout(tick, intervalMs);
    })();
  };
  timer = setTimeout(tick, intervalMs);
  context.logger.info('dlq retry scheduler started', { intervalMs, timeoutMs });

  return {
    intervalMs,
    nextRun: () => new Promise((resolve) => waiters.push(resolve)),
    stop: async function stopDlqRetryScheduler(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
};

/** The scheduler as a service of `npm start`. */
export const dlqRetrySchedulerService: LocalService = {
  name: 'dlq-retry-scheduler',
  start: startDlqRetryScheduler,
};
