import { CompressionTypes } from 'kafkajs';
import type { Admin, Kafka } from 'kafkajs';
import { getCountersRefresh, getEsmControl } from '../../../shared/management/runtime-hooks';
import { metricSnapshot } from '../../../shared/observability/metrics';
import { MetricName } from '../../../shared/platform/metrics';
import { esmGroupId, getConsumer, topicForEventType } from '../../../shared/platform';
import type { PlatformDefinition } from '../../../shared/platform';
import { localEsmThreadService } from '../../../local/esm/thread-service';
import type { RunningService } from '../../../local/runtime/service';
import { eventMessage } from '../consumer/helpers';
import { eventually } from '../../support/eventually';
import { provisionedPlatform, testKafka } from '../../support/kafka';
import { logger, produce } from './helpers';

const processedOn = (topic: string): number =>
  metricSnapshot()
    .filter((s) => s.name === MetricName.ConsumerMessagesProcessed && s.labels.topic === topic)
    .reduce((n, s) => n + s.sum, 0);

describe("npm start's local ESMs in their worker thread", () => {
  let kafka: Kafka;
  let admin: Admin;
  let running: RunningService | undefined;

  beforeAll(async () => {
    kafka = testKafka('esm-thread');
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await running?.stop();
    await admin.disconnect();
  });

  it('handles records in the thread, shows its counters to the main thread, pauses and resumes a group on request and stops', async () => {
    const def: PlatformDefinition = await provisionedPlatform(admin, 'esm-thread');
    const prefix = def.topics[0]?.name.replace(/conversation\.events$/, '') ?? '';
    running = await localEsmThreadService.start({
      platform: def,
      kafka,
      logger,
      // The consumers' modules read the prefix of their definition from the environment.
      env: { ...process.env, XSEVEN_TOPIC_PREFIX: prefix, POWERTOOLS_LOG_LEVEL: 'ERROR' },
    });
    const topic = topicForEventType(def, 'conversation.message');
    const groupId = esmGroupId(getConsumer(def, 'conversation-log'), topic);
    const control = getEsmControl();
    expect(control?.owns(groupId)).toBe(true);
    expect(control?.owns('someone-else')).toBe(false);

    const message = (n: number) =>
      eventMessage('conversation.message', {
        conversation_id: `conv-${n}`,
        user_id: 'user-1',
        message_content: `hello ${n}`,
        message_type: 'user',
      }).message;
    // gzip, as the platform's producers write: the thread decompresses on itself (gzipOnThisThread).
    await produce(kafka, topic, [message(1), message(2), message(3)], CompressionTypes.GZIP);
    // The main thread's counters include the thread's once refreshed (as the management API reads them).
    await eventually(async () => {
      await getCountersRefresh()?.();
      expect(processedOn(topic)).toBe(3);
    }, 60_000);

    // The management API's offset reset: the group has no member while paused, one again once resumed.
    await control?.pause(groupId);
    const state = async (): Promise<string | undefined> =>
      (await admin.describeGroups([groupId])).groups[0]?.state;
    expect(await state()).toBe('Empty');
    await control?.resume(groupId);
    await eventually(async () => expect(await state()).toBe('Stable'), 60_000);
    await produce(kafka, topic, [message(4)]);
    await eventually(async () => {
      await getCountersRefresh()?.();
      expect(processedOn(topic)).toBe(4);
    }, 60_000);

    await running.stop();
    running = undefined;
    expect(getEsmControl()).toBeUndefined();
    expect(getCountersRefresh()).toBeUndefined();
    expect(processedOn(topic)).toBe(0);
  }, 180_000);
});
