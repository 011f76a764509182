import { esmConsumerGroupId } from '../../../infra/constructs/consumers';
import { esmGroupId } from '../../../shared/consumer/esm-group';
import { platform } from '../../../shared/platform';

describe('esmGroupId', () => {
  it('names the same consumer groups as the CDK stack, for every consumer and topic', () => {
    for (const consumer of platform.consumers)
      for (const topic of consumer.topics)
        expect(esmGroupId(consumer, topic)).toBe(esmConsumerGroupId(consumer, topic));
  });

  it('keeps the group of a single-topic consumer and gives one group per topic otherwise', () => {
    expect(esmGroupId({ consumerGroupId: 'g', topics: ['a'] }, 'a')).toBe('g');
    expect(esmGroupId({ consumerGroupId: 'g', topics: ['a', 'b'] }, 'b')).toBe('g.b');
  });
});
