import type { CdkCustomResourceEvent, CdkCustomResourceResponse } from 'aws-lambda';
import type { Kafka } from 'kafkajs';
import { withAdmin } from '../../shared/kafka/admin';
import { createKafka } from '../../shared/kafka/client';
import { createLogger } from '../../shared/observability/logger';
import { ensureTopic, parseTopicProperties, removeTopic } from './topic-operations';

const logger = createLogger('xseven-topic-provisioner');

/** The Kafka client (MSK IAM from the environment: KAFKA_BOOTSTRAP_SERVERS, ...). */
const kafka = (): Kafka => createKafka({ clientId: 'xseven-topic-provisioner', logger });

/**
 * The topic provisioner Lambda: a CloudFormation custom resource (CDK
 * Provider framework, infra/constructs/topics.ts) managing one Kafka topic
 * with the kafkajs admin client, for clusters where AWS::MSK::Topic is not
 * available (MSK Serverless, existing clusters, Kafka < 3.6).
 * Create/Update create the topic or reconcile partitions and configs;
 * Delete removes it only when the stack asked not to retain topics.
 *
 * @example
 * ```ts
 * await handler({ RequestType: 'Create', ResourceProperties: { TopicName: 'a', Partitions: '3', ... } } as CdkCustomResourceEvent);
 * ```
 */
export const handler = async (
  event: CdkCustomResourceEvent,
): Promise<CdkCustomResourceResponse> => {
  const props = parseTopicProperties(event.ResourceProperties);
  const topic = props.TopicName;
  if (event.RequestType === 'Delete') {
    const deleted = await withAdmin(kafka(), (admin) => removeTopic(admin, props));
    logger.info('topic delete request', { topic, deleted, retained: props.RetainOnDelete });
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const action = await withAdmin(kafka(), (admin) => ensureTopic(admin, props));
  logger.info('topic reconciled', { topic, action, requestType: event.RequestType });
  return { PhysicalResourceId: topic, Data: { TopicName: topic, Action: action } };
};
