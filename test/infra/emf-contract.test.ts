import { DlqMetric } from '../../infra/constructs/observability';
import { METRICS_NAMESPACE } from '../../infra/stacks/platform-stack';
import { platform } from '../../shared/platform';

/** The EMF document a function prints for one DLQ record, with the stack's environment. */
const emittedDocument = async (): Promise<Record<string, unknown>> => {
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_LAMBDA_FUNCTION_NAME: 'consumer',
    POWERTOOLS_SERVICE_NAME: platform.name,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  });
  const lines: string[] = [];
  const write = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
  try {
    await jest.isolateModulesAsync(async () => {
      const metrics = await import('../../shared/observability/metrics');
      metrics.recordMetric(metrics.MetricName.DlqMessagesSent, 1, { topic: 'conversation.events' });
      metrics.flushMetrics();
    });
  } finally {
    write.mockRestore();
    process.env = saved;
  }
  const doc = lines.map((l) => l.trim()).find((l) => l.includes('"_aws"'));
  if (doc === undefined) throw new Error(`no EMF document printed: ${lines.join('')}`);
  return JSON.parse(doc) as Record<string, unknown>;
};

describe('the DLQ growth alarm', () => {
  it('watches the metric, namespace and dimension the functions emit', async () => {
    const doc = await emittedDocument();
    const [directive] = (
      doc._aws as {
        CloudWatchMetrics: {
          Namespace: string;
          Dimensions: string[][];
          Metrics: { Name: string }[];
        }[];
      }
    ).CloudWatchMetrics;
    expect(directive?.Namespace).toBe(METRICS_NAMESPACE);
    expect(directive?.Metrics.map((m) => m.Name)).toContain(DlqMetric.Sent);
    expect(directive?.Dimensions).toEqual([['service']]);
    expect(doc.service).toBe(platform.name);
    expect(doc[DlqMetric.Sent]).toBe(1);
  });
});
