import { Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { EventSourceMapping, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import {
  KafkaDlq,
  ManagedKafkaEventSource,
  S3OnFailureDestination,
} from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IEventSourceDlq, CfnEventSourceMapping } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { esmGroupId, findTopic } from '../../shared/platform';
import type { ConsumerDefinition, PlatformDefinition } from '../../shared/platform';
import { InfraConfigError } from '../errors';
import type { FunctionFactory } from './function-factory';
import { grantKafkaAccess } from './kafka-access';
import type { KafkaCluster } from './kafka-cluster';
import type { PlatformFunction } from './platform-function';
import { accept, acceptWildcardResource } from '../nag-suppressions';

/** AWS's own batching window for Kafka when none is set. */
const AWS_DEFAULT_KAFKA_WINDOW_MS = 500;

/**
 * The ESM batching window of a consumer. CloudFormation takes whole seconds;
 * AWS's Kafka default (500 ms, also the definition's default) is had by
 * leaving it unset.
 *
 * @example
 * ```ts
 * batchingWindow({ name: 'a', maximumBatchingWindowMs: 2000 }); // { maxBatchingWindow: Duration.seconds(2) }
 * ```
 */
export const batchingWindow = (
  consumer: Pick<ConsumerDefinition, 'name' | 'maximumBatchingWindowMs'>,
): { maxBatchingWindow?: Duration } => {
  const ms = consumer.maximumBatchingWindowMs;
  if (ms === AWS_DEFAULT_KAFKA_WINDOW_MS) return {};
  if (ms % 1000 !== 0)
    throw new InfraConfigError(
      `consumer "${consumer.name}": maximumBatchingWindowMs ${ms} cannot be deployed; AWS takes whole seconds (or the 500 ms default)`,
    );
  return { maxBatchingWindow: Duration.seconds(ms / 1000) };
};

/**
 * Provisioned-mode pollers of one mapping: at least one, at most one per
 * partition of the topic (Lambda caps pollers at the partition count). AWS
 * honours the Kafka error-handling controls (retry attempts, record age,
 * bisect, partial batch response) and the Kafka on-failure destination in
 * provisioned mode only, and the platform relies on partial batch responses.
 *
 * @example
 * ```ts
 * pollerConfig(platform, 'ai.responses'); // { minimumPollers: 1, maximumPollers: 6 }
 * ```
 */
export const pollerConfig = (
  definition: PlatformDefinition,
  topic: string,
): { minimumPollers: number; maximumPollers: number } => ({
  minimumPollers: 1,
  maximumPollers: Math.max(1, findTopic(definition, topic)?.partitions ?? 1),
});

/** One consumer's function and the mappings feeding it. */
export interface ConsumerResources {
  readonly consumer: ConsumerDefinition;
  readonly fn: PlatformFunction;
  readonly eventSources: readonly ManagedKafkaEventSource[];
}

/** Properties of {@link PlatformConsumers}. */
export interface PlatformConsumersProps {
  /** The (namespaced) definition whose consumers to deploy. */
  readonly definition: PlatformDefinition;
  readonly kafka: KafkaCluster;
  readonly functions: FunctionFactory;
  /** Last-resort on-failure destination of consumers without an `onFailureTopic`. */
  readonly failureBucket: IBucket;
}

/**
 * One function per consumer of the definition and one MSK event source
 * mapping per topic it reads, with the definition's batch size, batching
 * window, starting position, consumer group and both error-handling bounds
 * (retry attempts and record age, always written out); data-plane IAM
 * scoped to the cluster, its topics, its groups and the DLQ topic it writes.
 * Every mapping runs in provisioned poller mode and has an on-failure
 * destination: the consumer's Kafka topic when the definition names one,
 * else the S3 bucket (which receives the whole failed batch).
 *
 * @example
 * ```ts
 * const consumers = new PlatformConsumers(this, 'Consumers', { definition, kafka, functions, failureBucket });
 * consumers.resources.map((r) => r.fn.functionName);
 * ```
 */
export class PlatformConsumers extends Construct {
  public readonly resources: readonly ConsumerResources[];

  public constructor(scope: Construct, id: string, props: PlatformConsumersProps) {
    super(scope, id);
    this.resources = props.definition.consumers.map((consumer) => this.deploy(consumer, props));
    const s3Reason =
      'granted by S3OnFailureDestination (Lambda writes failed batches through the function role); limited to the one failure bucket';
    const toS3 = this.resources.filter((r) => r.consumer.onFailureTopic === undefined);
    accept(
      toS3.map((r) => r.fn),
      ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map(
        (action) => ({ id: `AwsSolutions-IAM5[Action::${action}]`, reason: s3Reason }),
      ),
    );
    for (const r of toS3)
      acceptWildcardResource(r.fn, `${props.failureBucket.bucketArn}/*`, s3Reason);
  }

  private deploy(consumer: ConsumerDefinition, props: PlatformConsumersProps): ConsumerResources {
    const { kafka, definition } = props;
    const fn = props.functions.create(this, `Consumer:${consumer.name}`, {
      entry: consumer.handlerModule,
      description: `xseven consumer ${consumer.name}: ${consumer.description}`.slice(0, 256),
      timeout: Duration.seconds(consumer.timeoutSeconds),
      memorySize: consumer.memorySizeMb,
      consumerName: consumer.name,
    });
    const groups = consumer.topics.map((t) => esmGroupId(consumer, t));
    grantKafkaAccess(fn, kafka.arns, {
      read: { topics: consumer.topics, groups },
      // Failed records go to the DLQ topic (handler) or the on-failure topic (ESM).
      write: [definition.dlq.topic, ...(consumer.onFailureTopic ? [consumer.onFailureTopic] : [])],
    });

    if (kafka.scramSecretKeyArn !== undefined)
      // The event source mapping reads the SCRAM secret with the function's role.
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [kafka.scramSecretKeyArn],
          conditions: {
            StringEquals: {
              'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com`,
            },
          },
        }),
      );
    const onFailure: IEventSourceDlq =
      consumer.onFailureTopic === undefined
        ? new S3OnFailureDestination(props.failureBucket)
        : new KafkaDlq(consumer.onFailureTopic);
    const eventSources = consumer.topics.map((topic) => {
      const source = new ManagedKafkaEventSource({
        clusterArn: kafka.clusterArn,
        topic,
        consumerGroupId: esmGroupId(consumer, topic),
        batchSize: consumer.batchSize,
        ...batchingWindow(consumer),
        startingPosition: StartingPosition[consumer.startingPosition],
        ...(consumer.startingPositionTimestamp === undefined
          ? {}
          : { startingPositionTimestamp: Math.floor(consumer.startingPositionTimestamp / 1000) }),
        retryAttempts: consumer.maximumRetryAttempts,
        bisectBatchOnError: consumer.bisectBatchOnFunctionError,
        reportBatchItemFailures: consumer.reportBatchItemFailures,
        onFailure,
        provisionedPollerConfig: pollerConfig(definition, topic),
        ...(kafka.scramSecret === undefined ? {} : { secret: kafka.scramSecret }),
      });
      const before = new Set(fn.node.children);
      fn.addEventSource(source);
      // Both error-handling bounds are written out, never left to AWS's
      // defaults, so the template says what applies; CDK's maxRecordAge is a
      // Duration and cannot say -1 (no age limit).
      for (const child of fn.node.children)
        if (!before.has(child) && child instanceof EventSourceMapping)
          (child.node.defaultChild as CfnEventSourceMapping).addPropertyOverride(
            'MaximumRecordAgeInSeconds',
            consumer.maximumRecordAgeSeconds,
          );
      return source;
    });
    return { consumer, fn, eventSources };
  }
}
