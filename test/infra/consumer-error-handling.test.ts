import {
  loadPlatformDefinition,
  ON_FAILURE_RETRY_CAP,
  platform,
  platformDefinitionInput,
} from '../../shared/platform';
import type { PlatformDefinitionInput } from '../../shared/platform';
import { definitionProblems as problemsOf, shippedDefinition } from './support/problems';
import { resourcesOf, synthPlatform } from './support/synth';

type ConsumerInput = PlatformDefinitionInput['consumers'][number];

/** The shipped definition with the first consumer changed. */
const withFirstConsumer = (change: Partial<ConsumerInput>): PlatformDefinitionInput => {
  const input = shippedDefinition();
  const [first, ...rest] = input.consumers;
  if (first === undefined) throw new Error('the definition has no consumer');
  return { ...input, consumers: [{ ...first, ...change }, ...rest] };
};

describe('consumer retry bound and record age', () => {
  it('default to the bound AWS applies with an on-failure destination, and no age limit', () => {
    expect(ON_FAILURE_RETRY_CAP).toBe(10);
    for (const c of platform.consumers)
      expect(c).toMatchObject({ maximumRetryAttempts: 10, maximumRecordAgeSeconds: -1 });
  });

  it('refuse infinite retries, naming the consumer and its on-failure destination', () => {
    const name = platformDefinitionInput.consumers[0].name;
    expect(problemsOf(withFirstConsumer({ maximumRetryAttempts: -1 }))).toEqual([
      `consumer "${name}": maximumRetryAttempts -1 (infinite) cannot be combined with its on-failure destination (the platform's failure bucket): AWS then applies at most 10 retries; set the bound (0-10000) explicitly`,
    ]);
    expect(
      problemsOf(
        withFirstConsumer({ maximumRetryAttempts: -1, onFailureTopic: 'dead.letter.archive' }),
      )[0],
    ).toContain('(onFailureTopic "dead.letter.archive")');
  });

  it('refuse a record age AWS does not accept (below 60 s, other than -1)', () => {
    const name = platformDefinitionInput.consumers[0].name;
    expect(problemsOf(withFirstConsumer({ maximumRecordAgeSeconds: 30 }))).toEqual([
      `consumers["${name}"].maximumRecordAgeSeconds: must be -1 (no limit) or 60-604800 seconds, as in AWS`,
    ]);
    expect(() =>
      loadPlatformDefinition(withFirstConsumer({ maximumRecordAgeSeconds: 60 })),
    ).not.toThrow();
  });

  it('flow into every event source mapping as written, both bounds explicit', () => {
    const def = loadPlatformDefinition(
      withFirstConsumer({ maximumRetryAttempts: 3, maximumRecordAgeSeconds: 7200 }),
    );
    const { template } = synthPlatform({ definition: def });
    const first = def.consumers[0];
    for (const esm of Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping'))) {
      const topic = (esm.Properties.Topics as string[])[0] ?? '';
      const consumer = def.consumers.find((c) => c.topics.includes(topic));
      expect(esm.Properties).toMatchObject({
        MaximumRetryAttempts: consumer?.maximumRetryAttempts,
        MaximumRecordAgeInSeconds: consumer?.maximumRecordAgeSeconds,
        DestinationConfig: { OnFailure: { Destination: expect.anything() } },
      });
      expect(esm.Properties.MaximumRetryAttempts).not.toBe(-1);
    }
    expect(first).toMatchObject({ maximumRetryAttempts: 3, maximumRecordAgeSeconds: 7200 });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      Topics: first?.topics,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 7200,
    });
  });
});
