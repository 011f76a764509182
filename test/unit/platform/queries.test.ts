import { esmGroupId, platform, topicForEventType } from '../../../shared/platform';

describe('platform queries', () => {
  it('keeps the group id of a single-topic consumer for its event source mapping', () => {
    expect(esmGroupId({ consumerGroupId: 'g', topics: ['a'] }, 'a')).toBe('g');
  });

  it('gives each topic of a multi-topic consumer its own group, as AWS requires', () => {
    expect(esmGroupId({ consumerGroupId: 'g', topics: ['a', 'b'] }, 'b')).toBe('g.b');
    const monitoring = platform.consumers.find((c) => c.name === 'system-monitoring')!;
    const groups = monitoring.topics.map((t) => esmGroupId(monitoring, t));
    expect(new Set(groups).size).toBe(monitoring.topics.length);
  });

  it('routes an event type to its topic', () => {
    expect(topicForEventType(platform, 'ai.model.switched')).toBe('ai.responses');
  });
});
