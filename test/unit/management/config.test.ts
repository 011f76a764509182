import { ConfigError } from '../../../shared/errors';
import { loadManagementConfig } from '../../../shared/management/config';

describe('management settings', () => {
  it('has safe defaults: thresholds for every alert', () => {
    const config = loadManagementConfig({});
    expect(config.inAws).toBe(false);
    expect(config.thresholds).toEqual({
      consumer_lag: { warning: 1000, critical: 10_000 },
      error_rate: { warning: 0.05, critical: 0.2 },
      processing_time: { warning: 5, critical: 30 },
      dlq_depth: { warning: 1, critical: 100 },
    });
  });

  it('bounds the offset-reset waits to fit in API Gateway’s 30 s integration timeout by default', () => {
    const config = loadManagementConfig({});
    expect(config.esmDisableTimeoutMs + config.groupEmptyTimeoutMs).toBeLessThan(29_000);
  });

  it('reads thresholds and the AWS marker from the environment', () => {
    const config = loadManagementConfig({
      XSEVEN_ALERT_DLQ_DEPTH_INFO: '0',
      XSEVEN_ALERT_ERROR_RATE_CRITICAL: '0.5',
      AWS_LAMBDA_FUNCTION_NAME: 'management',
    });
    expect(config.inAws).toBe(true);
    expect(config.thresholds.dlq_depth).toEqual({ info: 0, warning: 1, critical: 100 });
    expect(config.thresholds.error_rate.critical).toBe(0.5);
  });

  it('names every bad variable at once', () => {
    const load = (): unknown =>
      loadManagementConfig({
        XSEVEN_HEALTH_TIMEOUT_MS: 'soon',
        XSEVEN_ALERT_CONSUMER_LAG_WARNING: 'lots',
      });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/XSEVEN_HEALTH_TIMEOUT_MS/);
    expect(load).toThrow(/XSEVEN_ALERT_CONSUMER_LAG_WARNING/);
  });
});
