import type { Kafka } from 'kafkajs';
import { startDlqRetryScheduler } from '../../../local/scheduler/dlq-retry-scheduler';
import { ConfigError } from '../../../shared/errors';
import { createLogger } from '../../../shared/observability/logger';
import { platform } from '../../../shared/platform';

// The scheduler's first run is one interval away: these tests stop it before, so Kafka is never used.
const context = (env: Record<string, string>) => ({
  platform,
  kafka: {} as Kafka,
  logger: createLogger('scheduler-test'),
  env,
});

describe('local DLQ-retry scheduler', () => {
  it('runs every dlq.scheduleMinutes of the definition by default', async () => {
    const scheduler = await startDlqRetryScheduler(context({}));
    expect(scheduler.intervalMs).toBe(platform.dlq.scheduleMinutes * 60_000);
    await scheduler.stop();
  });

  it('takes XSEVEN_DLQ_RETRY_INTERVAL_SECONDS for local use and tests', async () => {
    const scheduler = await startDlqRetryScheduler(
      context({ XSEVEN_DLQ_RETRY_INTERVAL_SECONDS: '2.5' }),
    );
    expect(scheduler.intervalMs).toBe(2500);
    await scheduler.stop();
  });

  it.each(['0', '-1', 'soon'])('refuses the interval %p, naming the variable', async (value) => {
    const started = startDlqRetryScheduler(context({ XSEVEN_DLQ_RETRY_INTERVAL_SECONDS: value }));
    await expect(started).rejects.toThrow(ConfigError);
    await expect(started).rejects.toThrow(/XSEVEN_DLQ_RETRY_INTERVAL_SECONDS/);
  });
});
