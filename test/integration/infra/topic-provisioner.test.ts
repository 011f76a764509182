import { ConfigResourceTypes } from 'kafkajs';
import type { Admin } from 'kafkajs';
import type { CdkCustomResourceEvent } from 'aws-lambda';
import { TopicProvisioningError } from '../../../functions/topic-provisioner/errors';
import { handler } from '../../../functions/topic-provisioner/handler';
import { createTopicsAndWait } from '../../../shared/kafka/topic-readiness';
import { eventually } from '../../support/eventually';
import { testKafka, uniquePrefix } from '../../support/kafka';

/** A custom resource request as the CDK Provider framework hands it over (numbers as strings). */
const request = (
  type: 'Create' | 'Update' | 'Delete',
  props: Record<string, unknown>,
): CdkCustomResourceEvent =>
  ({
    RequestType: type,
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
    ResponseURL: 'https://example.com/',
    StackId: 'stack',
    RequestId: 'request',
    LogicalResourceId: 'Topic',
    ResourceType: 'Custom::KafkaTopic',
    ResourceProperties: { ServiceToken: 'token', ...props },
    ...(type === 'Create' ? {} : { PhysicalResourceId: String(props.TopicName) }),
    ...(type === 'Update' ? { OldResourceProperties: {} } : {}),
  }) as CdkCustomResourceEvent;

describe('the topic custom resource on the real broker', () => {
  let admin: Admin;
  beforeAll(async () => {
    admin = testKafka('xseven-topic-provisioner-test').admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin.disconnect();
  });

  const partitionsOf = async (topic: string): Promise<number> =>
    (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.length ?? 0;
  const configsOf = async (topic: string): Promise<Record<string, string>> => {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
    });
    return Object.fromEntries(
      (resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]),
    );
  };

  it('creates the topic with its partitions and configs, then reconciles updates', async () => {
    const topic = `${uniquePrefix('cr')}orders`;
    const props = {
      TopicName: topic,
      Partitions: '2',
      ReplicationFactor: '1',
      Configs: { 'cleanup.policy': 'delete', 'retention.ms': '3600000' },
    };
    const created = await handler(request('Create', props));
    expect(created).toEqual({
      PhysicalResourceId: topic,
      Data: { TopicName: topic, Action: 'created' },
    });
    expect(await partitionsOf(topic)).toBe(2);
    // Topic configs reach every broker through the metadata log: read until they have.
    await eventually(async () =>
      expect(await configsOf(topic)).toMatchObject({ 'retention.ms': '3600000' }),
    );

    // An override set by someone else must survive our update.
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: topic,
          configEntries: [
            { name: 'retention.ms', value: '3600000' },
            { name: 'cleanup.policy', value: 'delete' },
            { name: 'max.message.bytes', value: '2000000' },
          ],
        },
      ],
    });
    const updated = await handler(
      request('Update', {
        ...props,
        Partitions: '4',
        Configs: { ...props.Configs, 'retention.ms': '7200000' },
      }),
    );
    expect(updated.Data).toEqual({ TopicName: topic, Action: 'updated' });
    await eventually(async () => expect(await partitionsOf(topic)).toBe(4));
    await eventually(async () =>
      expect(await configsOf(topic)).toMatchObject({
        'retention.ms': '7200000',
        'cleanup.policy': 'delete',
        'max.message.bytes': '2000000',
      }),
    );

    const again = await handler(
      request('Update', {
        ...props,
        Partitions: '4',
        Configs: { ...props.Configs, 'retention.ms': '7200000' },
      }),
    );
    expect(again.Data).toEqual({ TopicName: topic, Action: 'unchanged' });

    await expect(handler(request('Update', { ...props, Partitions: '1' }))).rejects.toThrow(
      /cannot shrink it to 1/,
    );
    await admin.deleteTopics({ topics: [topic] });
  });

  it('adopts a topic that already exists instead of failing the stack', async () => {
    const topic = `${uniquePrefix('cr')}existing`;
    await createTopicsAndWait(admin, [{ topic, numPartitions: 3 }]);
    const result = await handler(
      request('Create', {
        TopicName: topic,
        Partitions: '3',
        ReplicationFactor: '1',
        Configs: { 'retention.ms': '60000' },
      }),
    );
    expect(result.Data).toEqual({ TopicName: topic, Action: 'updated' });
    await eventually(async () =>
      expect(await configsOf(topic)).toMatchObject({ 'retention.ms': '60000' }),
    );
    await admin.deleteTopics({ topics: [topic] });
  });

  it('keeps the topic on Delete unless told not to retain it', async () => {
    const topic = `${uniquePrefix('cr')}kept`;
    const props = { TopicName: topic, Partitions: '1', ReplicationFactor: '1' };
    await handler(request('Create', props));
    await handler(request('Delete', { ...props, RetainOnDelete: 'true' }));
    expect(await admin.listTopics()).toContain(topic);

    await handler(request('Delete', { ...props, RetainOnDelete: 'false' }));
    await eventually(async () => expect(await admin.listTopics()).not.toContain(topic));
    // Deleting what is already gone succeeds (CloudFormation retries deletes).
    await expect(
      handler(request('Delete', { ...props, RetainOnDelete: 'false' })),
    ).resolves.toEqual({
      PhysicalResourceId: topic,
    });
  });

  it('rejects bad properties before touching the broker, naming the field', async () => {
    const bad = handler(
      request('Create', { TopicName: 'bad topic!', Partitions: '0', ReplicationFactor: '1' }),
    );
    await expect(bad).rejects.toThrow(TopicProvisioningError);
    await expect(
      handler(
        request('Create', { TopicName: 'bad topic!', Partitions: '0', ReplicationFactor: '1' }),
      ),
    ).rejects.toThrow(/TopicName: .*Partitions: /);
  });
});
