import { App, Stack } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { esmGroupId } from '../../shared/platform';
import { kafkaAccessStatements } from '../../infra/constructs/kafka-access';
import { kafkaArns } from '../../infra/constructs/kafka-arns';
import { supportsMskTopicApi } from '../../infra/constructs/kafka-cluster';
import { encodeTopicConfigs, mskTopicConfigs } from '../../infra/constructs/topics';
import { InfraConfigError } from '../../infra/errors';
import { logRetentionFor } from '../../infra/stacks/platform-stack';
import { findTopic, platform } from '../../shared/platform';
import { EXISTING_CLUSTER_ARN } from './support/synth';

const HEAD = 'arn:aws:kafka:eu-west-1:123456789012';
const PATH = 'legacy/0b7f6a3e-1111-2222-3333-444455556666-2';

describe('kafka IAM ARNs', () => {
  it('derives topic, group and transactional-id ARNs from a literal cluster ARN', () => {
    const arns = kafkaArns(EXISTING_CLUSTER_ARN);
    expect(arns.cluster).toBe(EXISTING_CLUSTER_ARN);
    expect(arns.topic('ai.responses')).toBe(`${HEAD}:topic/${PATH}/ai.responses`);
    expect(arns.group('g-1')).toBe(`${HEAD}:group/${PATH}/g-1`);
    expect(arns.transactionalId('t')).toBe(`${HEAD}:transactional-id/${PATH}/t`);
  });

  it('derives them from a CloudFormation token with Fn::Split at deploy time', () => {
    const stack = new Stack(new App(), 'S');
    const token = stack.resolve(
      kafkaArns(
        stack.formatArn({ service: 'kafka', resource: 'cluster', resourceName: 'x/y' }),
      ).topic('t'),
    );
    const text = JSON.stringify(token);
    expect(text).toContain('"Fn::Split":[":cluster/"');
    expect(text).toContain(':topic/');
    expect(text).toContain('/t"');
  });
});

describe('kafka data-plane statements', () => {
  const arns = kafkaArns(EXISTING_CLUSTER_ARN);
  const json = (
    access: Parameters<typeof kafkaAccessStatements>[1],
  ): { actions: string[]; resources: string[] }[] =>
    kafkaAccessStatements(arns, access).map((s) => {
      const j = s.toStatementJson() as { Action: string | string[]; Resource: string | string[] };
      return { actions: [j.Action].flat(), resources: [j.Resource].flat() };
    });

  it('gives a reader connect, read on its topics and its groups only', () => {
    const statements = json({ read: { topics: ['a'], groups: ['g'] } });
    expect(statements).toEqual([
      {
        actions: [
          'kafka-cluster:Connect',
          'kafka-cluster:DescribeCluster',
          'kafka-cluster:DescribeClusterDynamicConfiguration',
        ],
        resources: [EXISTING_CLUSTER_ARN],
      },
      {
        actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
        resources: [`${HEAD}:topic/${PATH}/a`],
      },
      {
        actions: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
        resources: [`${HEAD}:group/${PATH}/g`],
      },
    ]);
  });

  it('gives a writer idempotent writes on the cluster and WriteData on its topics', () => {
    const statements = json({ write: ['b'] });
    expect(statements[0]?.actions).toContain('kafka-cluster:WriteDataIdempotently');
    expect(statements[1]).toEqual({
      actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
      resources: [`${HEAD}:topic/${PATH}/b`],
    });
    expect(statements.flatMap((s) => s.resources)).not.toContain('*');
  });
});

describe('topic configs', () => {
  const topic = findTopic(platform, 'ai.responses');
  if (topic === undefined) throw new Error('ai.responses is not in the definition');

  it('encodes configs as base64 of a JSON object, as AWS::MSK::Topic and the MSK topic API expect', () => {
    const encoded = encodeTopicConfigs({ 'retention.ms': '1000', 'cleanup.policy': 'delete' });
    expect(encoded).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'))).toStrictEqual({
      'retention.ms': '1000',
      'cleanup.policy': 'delete',
    });
  });

  it('keeps only the configs MSK Serverless accepts', () => {
    expect(Object.keys(mskTopicConfigs(topic, true)).sort()).toEqual([
      'cleanup.policy',
      'retention.ms',
    ]);
    expect(mskTopicConfigs(topic, false)).toEqual({
      'cleanup.policy': 'delete',
      'retention.ms': String(3 * 24 * 60 * 60 * 1000),
      'min.insync.replicas': '2',
    });
  });

  it('uses AWS::MSK::Topic from Kafka 3.6 on', () => {
    expect(['3.6.0', '3.7.x', '3.9.x', '4.0.x', '3.7.x.kraft'].map(supportsMskTopicApi)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['3.5.1', '2.8.1'].map(supportsMskTopicApi)).toEqual([false, false]);
  });
});

describe('small rules', () => {
  it('gives each topic of a multi-topic consumer its own group, as AWS requires', () => {
    expect(esmGroupId({ consumerGroupId: 'g', topics: ['a'] }, 'a')).toBe('g');
    expect(esmGroupId({ consumerGroupId: 'g', topics: ['a', 'b'] }, 'b')).toBe('g.b');
  });

  it('rounds log retention up to an allowed value', () => {
    expect(logRetentionFor(30)).toBe(RetentionDays.ONE_MONTH);
    expect(logRetentionFor(31)).toBe(RetentionDays.TWO_MONTHS);
    expect(() => logRetentionFor(100_000)).toThrow(InfraConfigError);
  });
});
