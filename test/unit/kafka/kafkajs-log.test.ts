import { logLevel } from 'kafkajs';
import type { LogEntry } from 'kafkajs';
import { kafkajsLevel } from '../../../shared/kafka/kafkajs-log';

const entry = (
  namespace: string,
  level: logLevel,
  message: string,
  extra: Record<string, unknown> = {},
): LogEntry => ({ namespace, level, label: '', log: { timestamp: 'now', message, ...extra } });

describe('kafkajsLevel', () => {
  it('writes retriable coordinator and leader answers inside a retry loop at debug', () => {
    const retrying = { retryCount: 0, retryTime: 300 };
    expect(
      kafkajsLevel(
        entry(
          'Producer',
          logLevel.ERROR,
          'Failed to send messages: There is no leader for this topic-partition as we are in the middle of a leadership election',
          retrying,
        ),
      ),
    ).toBe('debug');
    expect(
      kafkajsLevel(
        entry('Cluster', logLevel.ERROR, 'The group coordinator is not available', retrying),
      ),
    ).toBe('debug');
    expect(
      kafkajsLevel(
        entry('Connection', logLevel.ERROR, 'Response GroupCoordinator(key: 10, version: 2)'),
      ),
    ).toBe('debug');
  });

  it('keeps genuine errors: a crash, a transient answer outside a retry loop, an unknown error', () => {
    expect(
      kafkajsLevel(
        entry('Consumer', logLevel.ERROR, 'Crash: KafkaJSNumberOfRetriesExceeded', {
          error: 'The group coordinator is not available',
        }),
      ),
    ).toBe('error');
    expect(
      kafkajsLevel(entry('Cluster', logLevel.ERROR, 'The group coordinator is not available')),
    ).toBe('error');
    expect(
      kafkajsLevel(
        entry('Producer', logLevel.ERROR, 'Failed to send messages: Topic authorization failed', {
          retryCount: 0,
        }),
      ),
    ).toBe('error');
    expect(kafkajsLevel(entry('Admin', logLevel.WARN, 'Could not create topics'))).toBe('warn');
  });

  it("maps the idempotent producer's retry warning (retries are bounded on purpose) and routine rebalances", () => {
    expect(
      kafkajsLevel(
        entry(
          'Producer',
          logLevel.WARN,
          'Limiting retries for the idempotent producer may invalidate EoS guarantees',
        ),
      ),
    ).toBe('debug');
    expect(
      kafkajsLevel(entry('Runner', logLevel.WARN, 'The group is rebalancing, re-joining')),
    ).toBe('info');
    expect(kafkajsLevel(entry('Producer', logLevel.INFO, 'anything'))).toBe('info');
  });
});
