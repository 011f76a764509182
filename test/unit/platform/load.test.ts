import {
  loadPlatformDefinition,
  platform,
  platformDefinitionInput,
  PlatformDefinitionError,
  withNamespace,
  loadPlatform,
} from '../../../shared/platform';
import { ConfigError } from '../../../shared/errors';
import type { PlatformDefinitionInput } from '../../../shared/platform';

const base = (): PlatformDefinitionInput =>
  structuredClone(platformDefinitionInput) as unknown as PlatformDefinitionInput;

const problemsOf = (input: PlatformDefinitionInput): readonly string[] => {
  try {
    loadPlatformDefinition(input);
  } catch (error) {
    if (error instanceof PlatformDefinitionError) return error.problems;
    throw error;
  }
  throw new Error('expected the definition to be rejected');
};

describe('platform definition', () => {
  it('loads the shipped definition with the seed topics and their partitions', () => {
    const partitions = Object.fromEntries(platform.topics.map((t) => [t.name, t.partitions]));
    expect(partitions).toMatchObject({
      'conversation.events': 3,
      'ai.responses': 6,
      'business.analytics': 2,
      'system.monitoring': 1,
      'dead.letter.queue': 1,
    });
  });

  it('fills defaults: replication factor 3, min ISR 2, delete cleanup', () => {
    const topic = platform.topics.find((t) => t.name === 'conversation.events');
    expect(topic).toMatchObject({
      replicationFactor: 3,
      minInSyncReplicas: 2,
      cleanupPolicy: 'delete',
    });
  });

  it('routes every one of the 12 event types to a topic', () => {
    expect(platform.eventRoutes).toHaveLength(12);
  });

  it('rejects a duplicate topic, naming it', () => {
    const input = base();
    input.topics.push({ ...input.topics[0]!, name: 'ai.responses' });
    expect(problemsOf(input)).toContain('topic "ai.responses" is defined twice');
  });

  it('rejects a route to an unknown topic, naming the event type and the topic', () => {
    const input = base();
    input.eventRoutes[0] = { eventType: 'conversation.started', topic: 'nowhere' };
    expect(problemsOf(input)).toContain(
      'route of event type "conversation.started" refers to unknown topic "nowhere"',
    );
  });

  it('rejects a partition count below 1, naming the topic', () => {
    const input = base();
    input.topics[1] = { ...input.topics[1]!, partitions: 0 };
    expect(problemsOf(input)).toEqual([
      'topics["ai.responses"].partitions: partitions must be at least 1',
    ]);
  });

  it('rejects an illegal topic name', () => {
    const input = base();
    input.topics[0] = { ...input.topics[0]!, name: 'bad name!' };
    expect(problemsOf(input).join()).toMatch(
      /topics\["bad name!"\]\.name: must be 1-249 characters/,
    );
  });

  it('rejects min ISR above the replication factor', () => {
    const input = base();
    input.topics[0] = { ...input.topics[0]!, replicationFactor: 1, minInSyncReplicas: 2 };
    expect(problemsOf(input)).toContain(
      'topic "conversation.events": minInSyncReplicas (2) exceeds replicationFactor (1)',
    );
  });

  it('rejects an event type routed twice', () => {
    const input = base();
    input.eventRoutes.push({ eventType: 'user.action', topic: 'ai.responses' });
    expect(problemsOf(input)).toContain('event type "user.action" is routed twice');
  });

  it('rejects an event type without a route', () => {
    const input = base();
    input.eventRoutes = input.eventRoutes.filter((r) => r.eventType !== 'workflow.failed');
    expect(problemsOf(input)).toContain('event type "workflow.failed" has no topic route');
  });

  it('rejects an unknown event type', () => {
    const input = base();
    input.eventRoutes.push({ eventType: 'nope.event' as 'user.action', topic: 'ai.responses' });
    expect(problemsOf(input).join()).toMatch(/eventRoutes\["nope.event"\]\.eventType/);
  });

  it('rejects a consumer of an unknown topic', () => {
    const input = base();
    input.consumers[0] = { ...input.consumers[0]!, topics: ['ghost'] };
    expect(problemsOf(input)).toContain(
      'consumer "conversation-log" refers to unknown topic "ghost"',
    );
  });

  it('rejects two consumers with the same name or group id', () => {
    const input = base();
    input.consumers.push({ ...input.consumers[0]! });
    expect(problemsOf(input)).toEqual(
      expect.arrayContaining([
        'consumer "conversation-log" is defined twice',
        'consumer group id "xseven-conversation-log" is used by more than one consumer',
      ]),
    );
  });

  it('rejects an on-failure topic that is a source topic of the consumer', () => {
    const input = base();
    input.consumers[0] = { ...input.consumers[0]!, onFailureTopic: 'conversation.events' };
    expect(problemsOf(input)).toContain(
      'consumer "conversation-log": onFailureTopic "conversation.events" must not be one of its source topics',
    );
  });

  it('rejects a consumer of the dead-letter topic', () => {
    const input = base();
    input.consumers[0] = { ...input.consumers[0]!, topics: ['dead.letter.queue'] };
    expect(problemsOf(input)).toContain(
      'consumer "conversation-log" must not consume the dead-letter topic "dead.letter.queue"',
    );
  });

  it('rejects AT_TIMESTAMP without a timestamp', () => {
    const input = base();
    input.consumers[0] = { ...input.consumers[0]!, startingPosition: 'AT_TIMESTAMP' };
    expect(problemsOf(input)).toContain(
      'consumer "conversation-log": startingPosition AT_TIMESTAMP needs startingPositionTimestamp',
    );
  });

  it('rejects ESM settings outside AWS limits', () => {
    const input = base();
    input.consumers[0] = {
      ...input.consumers[0]!,
      batchSize: 10_001,
      maximumBatchingWindowMs: 300_001,
    };
    const problems = problemsOf(input).join('\n');
    expect(problems).toMatch(/consumers\["conversation-log"\]\.batchSize/);
    expect(problems).toMatch(/consumers\["conversation-log"\]\.maximumBatchingWindowMs/);
  });

  it('rejects DLQ topics that are not defined', () => {
    const input = base();
    input.dlq = { ...input.dlq, archiveTopic: 'missing.archive' };
    expect(problemsOf(input)).toContain(
      'dlq.archiveTopic refers to unknown topic "missing.archive"',
    );
  });

  it('rejects a duplicate HTTP route', () => {
    const input = base();
    input.httpRoutes.push({ ...input.httpRoutes[0]! });
    expect(problemsOf(input)).toContain(
      'HTTP route "POST /api/v1/kafka/events/conversation" is defined twice',
    );
  });

  it('namespaces every topic and group without breaking references', () => {
    const def = withNamespace(platform, 'x-');
    expect(def.topics.every((t) => t.name.startsWith('x-'))).toBe(true);
    expect(
      def.consumers.every(
        (c) => c.consumerGroupId.startsWith('x-') && c.topics.every((t) => t.startsWith('x-')),
      ),
    ).toBe(true);
    expect(def.dlq.topic).toBe('x-dead.letter.queue');
  });

  it('loads the platform under the environment prefix, the one place the prefix is applied', () => {
    expect(loadPlatform({})).toEqual({ platform, prefix: '' });
    const staging = loadPlatform({ XSEVEN_TOPIC_PREFIX: 'staging-' });
    expect(staging.prefix).toBe('staging-');
    expect(staging.platform).toEqual(withNamespace(platform, 'staging-'));
    expect(() => loadPlatform({ XSEVEN_TOPIC_PREFIX: 'no spaces' })).toThrow(ConfigError);
    expect(() => loadPlatform({ XSEVEN_TOPIC_PREFIX: 'no spaces' })).toThrow(/XSEVEN_TOPIC_PREFIX/);
  });

  it('refuses a prefix that makes a topic name longer than Kafka allows (249 characters), naming the variable', () => {
    const longest = Math.max(...platform.topics.map((t) => t.name.length));
    const fits = 'p'.repeat(249 - longest);
    expect(loadPlatform({ XSEVEN_TOPIC_PREFIX: fits }).prefix).toBe(fits);
    expect(() => loadPlatform({ XSEVEN_TOPIC_PREFIX: `${fits}p` })).toThrow(
      /XSEVEN_TOPIC_PREFIX "p+" makes topic "p+[a-z.]+" longer than Kafka's 249 characters/,
    );
  });
});
