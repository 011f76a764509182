import { emfMetricName, MetricName, METRICS_NAMESPACE, platform } from '../../../shared/platform';
import type * as Metrics from '../../../shared/observability/metrics';

/** The EMF documents the functions print for `record`, inside Lambda, with the stack's environment. */
const emitted = async (
  record: (metrics: typeof Metrics) => void,
): Promise<Record<string, unknown>[]> => {
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_LAMBDA_FUNCTION_NAME: 'consumer',
    POWERTOOLS_SERVICE_NAME: platform.name,
  });
  delete process.env.POWERTOOLS_METRICS_NAMESPACE;
  const lines: string[] = [];
  const write = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
  try {
    await jest.isolateModulesAsync(async () => {
      record(await import('../../../shared/observability/metrics'));
    });
  } finally {
    write.mockRestore();
    process.env = saved;
  }
  return lines
    .map((l) => l.trim())
    .filter((l) => l.includes('"_aws"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
};

describe('metric names', () => {
  it('names metrics in CloudWatch without kafka_, in CamelCase', () => {
    expect(emfMetricName(MetricName.ProducerMessagesSent)).toBe('ProducerMessagesSentTotal');
    expect(emfMetricName(MetricName.ConsumerProcessingDurationSeconds)).toBe(
      'ConsumerProcessingDurationSeconds',
    );
    expect(emfMetricName(MetricName.DlqMessagesSent)).toBe('DlqMessagesSentTotal');
  });

  it("emits EMF under those names, in the definition's namespace, with the service dimension", async () => {
    const [doc] = await emitted((metrics) => {
      metrics.recordMetric(MetricName.DlqMessagesSent, 1, { topic: 'conversation.events' });
      metrics.flushMetrics();
    });
    const [directive] = (
      doc?._aws as {
        CloudWatchMetrics: {
          Namespace: string;
          Dimensions: string[][];
          Metrics: { Name: string }[];
        }[];
      }
    ).CloudWatchMetrics;
    expect(platform.metricsNamespace).toBe(METRICS_NAMESPACE);
    expect(directive?.Namespace).toBe(platform.metricsNamespace);
    expect(directive?.Metrics.map((m) => m.Name)).toContain(
      emfMetricName(MetricName.DlqMessagesSent),
    );
    expect(directive?.Dimensions).toEqual([['service']]);
    expect(doc?.service).toBe(platform.name);
  });
});
