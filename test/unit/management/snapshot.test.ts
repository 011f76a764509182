import { withTimeout } from '../../../shared/management/cluster';
import type { TopicInfo } from '../../../shared/management/cluster';
import { definitionDrift, overallStatus } from '../../../shared/management/snapshot';
import type { MonitoringSnapshot } from '../../../shared/management/snapshot';
import { KafkaUnavailableError } from '../../../shared/errors';
import { platform } from '../../../shared/platform';
import { topicConfigs } from '../../../local/provision';

const topic = (name: string, partitions: number, configs: Record<string, string>): TopicInfo => ({
  name,
  partitions: Array.from({ length: partitions }, (_, partition) => ({
    partition,
    leader: 1,
    replicas: [1],
    isr: [1],
    offlineReplicas: [],
    lowOffset: 0,
    highOffset: 0,
  })),
  replicationFactor: 1,
  configs,
  messages: 0,
  underReplicatedPartitions: 0,
  offlinePartitions: 0,
});

const asProvisioned = (t: (typeof platform.topics)[number]): TopicInfo =>
  topic(t.name, t.partitions, {
    'cleanup.policy': t.cleanupPolicy,
    'retention.ms': String(t.retentionMs),
    'min.insync.replicas': '1',
  });

describe('definition drift', () => {
  it('finds nothing when the broker holds the definition as provisioned on one broker', () => {
    expect(definitionDrift(platform, platform.topics.map(asProvisioned), 1, topicConfigs)).toEqual({
      missing: [],
      drift: [],
    });
  });

  it('reports missing topics, and partitions or configs that differ', () => {
    const [first, second, ...rest] = platform.topics;
    if (!first || !second) throw new Error('the definition has topics');
    const changed = { ...asProvisioned(second), ...topic(second.name, second.partitions + 1, {}) };
    const { missing, drift } = definitionDrift(
      platform,
      [changed, ...rest.map(asProvisioned)],
      1,
      topicConfigs,
    );
    expect(missing).toEqual([first.name]);
    expect(drift).toContainEqual({
      topic: second.name,
      setting: 'partitions',
      expected: String(second.partitions),
      actual: String(second.partitions + 1),
    });
    expect(drift).toContainEqual({
      topic: second.name,
      setting: 'retention.ms',
      expected: String(second.retentionMs),
      actual: '(unset)',
    });
  });
});

describe('overall status', () => {
  const healthy: MonitoringSnapshot = {
    takenAt: '',
    cluster: { clusterId: 'c', controller: 1, brokers: [{ nodeId: 1, host: 'h', port: 1 }] },
    topics: [topic('t', 1, {})],
    groups: [],
    counters: { origin: 'in-process', window: '', series: [] },
    dlqDepth: 0,
    missingTopics: [],
    drift: [],
    alerts: [],
    healthScore: 1,
  };
  const alert = (severity: 'info' | 'warning' | 'critical') => ({
    id: 'x',
    metric: 'dlq_depth' as const,
    severity,
    value: 1,
    threshold: 1,
    labels: {},
    message: '',
  });

  it('is ok when nothing is wrong, and info alerts do not degrade it', () => {
    expect(overallStatus(healthy)).toBe('ok');
    expect(overallStatus({ ...healthy, alerts: [alert('info')] })).toBe('ok');
  });

  it('is degraded by a missing topic, drift, no controller, a sick partition or a warning', () => {
    expect(overallStatus({ ...healthy, missingTopics: ['t2'] })).toBe('degraded');
    expect(
      overallStatus({
        ...healthy,
        drift: [{ topic: 't', setting: 's', expected: 'a', actual: 'b' }],
      }),
    ).toBe('degraded');
    expect(overallStatus({ ...healthy, cluster: { ...healthy.cluster, controller: null } })).toBe(
      'degraded',
    );
    expect(
      overallStatus({
        ...healthy,
        topics: [{ ...topic('t', 1, {}), underReplicatedPartitions: 1 }],
      }),
    ).toBe('degraded');
    expect(overallStatus({ ...healthy, alerts: [alert('warning')] })).toBe('degraded');
  });
});

describe('withTimeout', () => {
  it('passes the value through in time and gives a retriable error after the bound', async () => {
    expect(await withTimeout(Promise.resolve(7), 100, 'x')).toBe(7);
    const never = new Promise<never>(() => undefined);
    const error = await withTimeout(never, 20, 'the broker').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaUnavailableError);
    expect((error as Error).message).toBe('the broker did not answer within 20 ms');
  });
});
