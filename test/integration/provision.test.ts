import { ConfigResourceTypes } from 'kafkajs';
import type { Admin } from 'kafkajs';
import { provisionTopics } from '../../local/provision';
import { platform, withNamespace } from '../../shared/platform';
import { eventually } from '../support/eventually';
import { testKafka, uniquePrefix } from '../support/kafka';

describe('topic provisioning on the real broker', () => {
  let admin: Admin;

  beforeAll(async () => {
    admin = testKafka().admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin.disconnect();
  });

  it('creates every topic of the definition with its partitions and configs', async () => {
    const def = withNamespace(platform, uniquePrefix('prov'));
    const report = await provisionTopics(admin, def);
    expect(report.created).toEqual(def.topics.map((t) => t.name));

    const metadata = await admin.fetchTopicMetadata({ topics: def.topics.map((t) => t.name) });
    for (const t of def.topics) {
      expect(metadata.topics.find((m) => m.name === t.name)?.partitions).toHaveLength(t.partitions);
    }
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: def.topics.map((t) => ({ type: ConfigResourceTypes.TOPIC, name: t.name })),
    });
    for (const t of def.topics) {
      const entries = configs.resources.find((r) => r.resourceName === t.name)?.configEntries ?? [];
      const value = (name: string): string | undefined =>
        entries.find((e) => e.configName === name)?.configValue;
      expect(value('retention.ms')).toBe(String(t.retentionMs));
      expect(value('cleanup.policy')).toBe(t.cleanupPolicy);
    }
  });

  it('is idempotent: a second run creates nothing and finds no drift', async () => {
    const def = withNamespace(platform, uniquePrefix('prov'));
    await provisionTopics(admin, def);
    const again = await provisionTopics(admin, def);
    expect(again.created).toEqual([]);
    expect(again.drift).toEqual([]);
  });

  it('reports drift in partitions and configs and never deletes or alters', async () => {
    const def = withNamespace(platform, uniquePrefix('drift'));
    await provisionTopics(admin, def);
    const target = def.topics.find((t) => t.name.endsWith('ai.responses'))!;
    await admin.createPartitions({
      topicPartitions: [{ topic: target.name, count: target.partitions + 2 }],
    });
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: target.name,
          configEntries: [{ name: 'retention.ms', value: '1000' }],
        },
      ],
    });
    // The broker applies both changes asynchronously: the report converges on them.
    await eventually(async () => {
      const report = await provisionTopics(admin, def);
      expect(report.created).toEqual([]);
      expect(report.drift).toEqual(
        expect.arrayContaining([
          {
            topic: target.name,
            setting: 'partitions',
            expected: String(target.partitions),
            actual: String(target.partitions + 2),
          },
          {
            topic: target.name,
            setting: 'retention.ms',
            expected: String(target.retentionMs),
            actual: '1000',
          },
        ]),
      );
    });
    const metadata = await admin.fetchTopicMetadata({ topics: [target.name] });
    expect(metadata.topics[0]?.partitions).toHaveLength(target.partitions + 2);
  });
});
