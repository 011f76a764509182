import { Match } from 'aws-cdk-lib/assertions';
import extraConsumer from '../fixtures/infra/extra-consumer.json';
import { batchingWindow } from '../../infra/constructs/consumers';
import { InfraConfigError } from '../../infra/errors';
import { loadPlatformDefinition, platform } from '../../shared/platform';
import type { PlatformDefinitionInput } from '../../shared/platform';
import { nagViolations, resourcesOf, synthPlatform } from './support/synth';
import type { Synthesized } from './support/synth';

const withExtras = (): PlatformDefinitionInput => ({
  ...platform,
  consumers: [...platform.consumers, extraConsumer as PlatformDefinitionInput['consumers'][number]],
  httpRoutes: [
    ...platform.httpRoutes,
    { method: 'GET', path: '/api/v1/kafka/audit', function: 'management', summary: 'audit trail' },
  ],
});

const esmCount = (s: Synthesized): number =>
  Object.keys(resourcesOf(s.template, 'AWS::Lambda::EventSourceMapping')).length;
const fnCount = (s: Synthesized): number =>
  Object.values(resourcesOf(s.template, 'AWS::Lambda::Function')).filter((f) =>
    (f.Properties.Architectures as string[] | undefined)?.includes('arm64'),
  ).length;

describe('a stack built from a modified definition', () => {
  let base: Synthesized;
  let modified: Synthesized;
  beforeAll(() => {
    base = synthPlatform();
    modified = synthPlatform({ definition: loadPlatformDefinition(withExtras()) });
  });

  it('adds one function and one event source mapping per topic of the new consumer', () => {
    expect(fnCount(modified)).toBe(fnCount(base) + 1);
    expect(esmCount(modified)).toBe(esmCount(base) + extraConsumer.topics.length);
    modified.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^xseven consumer audit-trail'),
      Timeout: 120,
      MemorySize: 1024,
      Environment: { Variables: Match.objectLike({ XSEVEN_CONSUMER_NAME: 'audit-trail' }) },
    });
  });

  it('gives the new mappings the consumer settings, a group per topic and its Kafka on-failure topic', () => {
    for (const topic of extraConsumer.topics) {
      modified.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        Topics: [topic],
        BatchSize: 250,
        MaximumBatchingWindowInSeconds: 2,
        StartingPosition: 'LATEST',
        MaximumRetryAttempts: 10,
        MaximumRecordAgeInSeconds: 3600,
        BisectBatchOnFunctionError: true,
        AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: `xseven-audit-trail.${topic}` },
        DestinationConfig: { OnFailure: { Destination: 'kafka://dead.letter.archive' } },
        ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 3 },
      });
    }
  });

  it('lets the new consumer write its on-failure topic', () => {
    const policy = Object.entries(resourcesOf(modified.template, 'AWS::IAM::Policy')).find(([id]) =>
      id.startsWith('ConsumersConsumeraudittrail'),
    )?.[1];
    const write = (
      policy?.Properties.PolicyDocument as { Statement: { Action: string[]; Resource: unknown }[] }
    ).Statement.find((s) => [s.Action].flat().includes('kafka-cluster:WriteData'));
    expect(JSON.stringify(write?.Resource)).toContain('/dead.letter.archive"');
  });

  it('still passes cdk-nag with a Kafka on-failure topic', () => {
    expect(nagViolations(modified.stack).map((v) => v.ruleName)).toEqual([]);
  });

  it('follows the definition routes', () => {
    const keys = Object.values(resourcesOf(modified.template, 'AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties.RouteKey,
    );
    expect(keys).toContain('GET /api/v1/kafka/audit');
    expect(keys).toHaveLength(platform.httpRoutes.length + 2); // + $default
  });
});

describe('batching windows', () => {
  it('leaves the 500 ms default unset and converts whole seconds', () => {
    expect(batchingWindow({ name: 'a', maximumBatchingWindowMs: 500 })).toEqual({});
    expect(
      batchingWindow({ name: 'a', maximumBatchingWindowMs: 0 }).maxBatchingWindow?.toSeconds(),
    ).toBe(0);
    expect(
      batchingWindow({
        name: 'a',
        maximumBatchingWindowMs: 300_000,
      }).maxBatchingWindow?.toSeconds(),
    ).toBe(300);
  });

  it('refuses a window AWS cannot express, naming the consumer', () => {
    expect(() => batchingWindow({ name: 'slow', maximumBatchingWindowMs: 1500 })).toThrow(
      InfraConfigError,
    );
    expect(() => batchingWindow({ name: 'slow', maximumBatchingWindowMs: 1500 })).toThrow(
      /consumer "slow"/,
    );
  });
});

describe('batching windows from the CDK context (xseven:batchingWindowMs)', () => {
  it('sets one consumer to 0 s and the others to 1 s', () => {
    const { template } = synthPlatform({
      config: { batchingWindowMs: '1000,conversation-log=0' },
    });
    const esms = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping'));
    const windowOf = (group: string): unknown =>
      esms.find((e) =>
        JSON.stringify(e.Properties.AmazonManagedKafkaEventSourceConfig).includes(group),
      )?.Properties.MaximumBatchingWindowInSeconds;
    expect(windowOf('conversation-log')).toBe(0);
    expect(windowOf('ai-responses')).toBe(1);
  });
});
