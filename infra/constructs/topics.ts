import { CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { CfnTopic } from 'aws-cdk-lib/aws-msk';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { FunctionEntry, topicKafkaConfigs } from '../../shared/platform';
import type { PlatformDefinition, TopicDefinition } from '../../shared/platform';
import type { Removal } from '../config';
import type { FunctionFactory } from './function-factory';
import { grantKafkaAccess } from './kafka-access';
import type { KafkaCluster } from './kafka-cluster';
import type { PlatformFunction } from './platform-function';
import { acceptWildcardResource } from '../nag-suppressions';

/** Configs MSK Serverless accepts on a topic (it manages replication itself). */
const SERVERLESS_CONFIGS = new Set(['cleanup.policy', 'retention.ms']);

/**
 * The Kafka configs of a topic of the definition (shared/platform's
 * mapping). MSK Serverless accepts only some configs; its replication is fixed.
 *
 * @example
 * ```ts
 * mskTopicConfigs(topic, false); // { 'cleanup.policy': 'delete', 'retention.ms': '604800000', 'min.insync.replicas': '2' }
 * ```
 */
export const mskTopicConfigs = (
  topic: TopicDefinition,
  serverless: boolean,
): Record<string, string> => {
  const all = topicKafkaConfigs(topic);
  return serverless
    ? Object.fromEntries(Object.entries(all).filter(([k]) => SERVERLESS_CONFIGS.has(k)))
    : all;
};

/**
 * The `Configs` of AWS::MSK::Topic: base64 of a JSON object of string values,
 * `{"cleanup.policy":"delete","retention.ms":"604800000",...}`. The
 * CloudFormation schema only says "Base64 encoded configuration properties"
 * (cfn-lint's AWS::MSK::Topic schema); the format is the MSK topic API's,
 * as terraform-provider-aws's aws_msk_topic sends it, acceptance-tested
 * against MSK: internal/service/kafka/topic.go base64-encodes the `configs`
 * JSON string for CreateTopic/UpdateTopic and decodes DescribeTopic's
 * `Configs` the same way (topic_test.go: `configs = jsonencode({...})`).
 * Not `key=value` lines, which MSK rejects.
 *
 * @example
 * ```ts
 * encodeTopicConfigs({ 'retention.ms': '1000' }); // 'eyJyZXRlbnRpb24ubXMiOiIxMDAwIn0='
 * ```
 */
export const encodeTopicConfigs = (configs: Readonly<Record<string, string>>): string =>
  Buffer.from(JSON.stringify(configs), 'utf8').toString('base64');

/** Properties of {@link PlatformTopics}. */
export interface PlatformTopicsProps {
  /** The (namespaced) definition whose topics to create. */
  readonly definition: PlatformDefinition;
  readonly kafka: KafkaCluster;
  readonly functions: FunctionFactory;
  readonly removal: Removal;
}

/**
 * The definition's topics on the cluster: AWS::MSK::Topic where MSK manages
 * topics (provisioned, Kafka >= 3.6), otherwise a custom resource backed by a
 * kafkajs admin function inside the VPC. Retained on stack deletion unless
 * `removal` is `destroy`.
 *
 * @example
 * ```ts
 * new PlatformTopics(this, 'Topics', { definition, kafka, functions, removal: 'retain' });
 * ```
 */
export class PlatformTopics extends Construct {
  /** The custom resource's function, when topics are managed through kafkajs. */
  public readonly provisioner: PlatformFunction | undefined;

  public constructor(scope: Construct, id: string, props: PlatformTopicsProps) {
    super(scope, id);
    const { definition, kafka } = props;
    const removalPolicy =
      props.removal === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    if (kafka.supportsTopicResource) {
      this.provisioner = undefined;
      for (const topic of definition.topics) {
        const resource = new CfnTopic(this, `Topic:${topic.name}`, {
          clusterArn: kafka.clusterArn,
          topicName: topic.name,
          partitionCount: topic.partitions,
          replicationFactor: topic.replicationFactor,
          configs: encodeTopicConfigs(mskTopicConfigs(topic, false)),
        });
        resource.applyRemovalPolicy(removalPolicy);
      }
      return;
    }

    this.provisioner = props.functions.create(this, 'Provisioner', {
      entry: FunctionEntry.topicProvisioner,
      description: 'Creates and reconciles the platform topics (kafkajs admin, MSK IAM)',
      timeout: Duration.minutes(5),
      memorySize: 256,
    });
    grantKafkaAccess(this.provisioner, kafka.arns, {
      adminTopics: definition.topics.map((t) => t.name),
    });
    const provider = new Provider(this, 'Provider', { onEventHandler: this.provisioner });
    acceptWildcardResource(
      provider,
      `${this.provisioner.functionArn}:*`,
      'CDK Provider framework: its dispatcher may invoke any version of the one provisioner function',
    );
    for (const topic of definition.topics) {
      const resource = new CustomResource(this, `Topic:${topic.name}`, {
        serviceToken: provider.serviceToken,
        resourceType: 'Custom::KafkaTopic',
        properties: {
          TopicName: topic.name,
          Partitions: topic.partitions,
          ReplicationFactor: kafka.serverless ? 3 : topic.replicationFactor,
          Configs: mskTopicConfigs(topic, kafka.serverless),
          RetainOnDelete: String(props.removal !== 'destroy'),
        },
      });
      resource.node.addDependency(kafka);
    }
  }
}
