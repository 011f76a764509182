import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { KafkaArns } from './kafka-arns';

/** What a function does on the Kafka data plane (MSK IAM, `kafka-cluster:*` actions). */
export interface KafkaAccess {
  /** Topics it reads, with the consumer groups it reads them in. */
  readonly read?: { readonly topics: readonly string[]; readonly groups: readonly string[] };
  /** Topics it writes (idempotent producer). */
  readonly write?: readonly string[];
  /** Transactional ids it uses (exact ids or `prefix*`). */
  readonly transactionalIds?: readonly string[];
  /** Topics it may create, alter and delete (exact names or `prefix*`). */
  readonly adminTopics?: readonly string[];
  /** Consumer groups it may describe and alter offsets of (exact ids or `prefix*`). */
  readonly adminGroups?: readonly string[];
}

const statement = (actions: readonly string[], resources: readonly string[]): PolicyStatement =>
  new PolicyStatement({
    effect: Effect.ALLOW,
    actions: [...actions],
    resources: [...resources],
  });

/**
 * The IAM statements for `access` on one cluster: every `kafka-cluster:*`
 * action is scoped to the cluster, topic, group or transactional-id ARNs it
 * needs, never `*`.
 *
 * @example
 * ```ts
 * kafkaAccessStatements(kafka.arns, { read: { topics: ['ai.responses'], groups: ['xseven-ai'] } });
 * ```
 */
export const kafkaAccessStatements = (arns: KafkaArns, access: KafkaAccess): PolicyStatement[] => {
  const clusterActions = ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'];
  if (access.write !== undefined && access.write.length > 0)
    clusterActions.push('kafka-cluster:WriteDataIdempotently');
  if (access.read !== undefined)
    clusterActions.push('kafka-cluster:DescribeClusterDynamicConfiguration');
  const out = [statement(clusterActions, [arns.cluster])];

  if (access.read !== undefined && access.read.topics.length > 0) {
    out.push(
      statement(
        ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
        access.read.topics.map(arns.topic),
      ),
      statement(
        ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
        access.read.groups.map(arns.group),
      ),
    );
  }
  if (access.write !== undefined && access.write.length > 0)
    out.push(
      statement(
        ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
        access.write.map(arns.topic),
      ),
    );
  if (access.transactionalIds !== undefined && access.transactionalIds.length > 0)
    out.push(
      statement(
        ['kafka-cluster:DescribeTransactionalId', 'kafka-cluster:AlterTransactionalId'],
        access.transactionalIds.map(arns.transactionalId),
      ),
    );
  if (access.adminTopics !== undefined && access.adminTopics.length > 0)
    out.push(
      statement(
        [
          'kafka-cluster:DescribeTopic',
          'kafka-cluster:CreateTopic',
          'kafka-cluster:AlterTopic',
          'kafka-cluster:DeleteTopic',
          'kafka-cluster:DescribeTopicDynamicConfiguration',
          'kafka-cluster:AlterTopicDynamicConfiguration',
          'kafka-cluster:ReadData',
        ],
        access.adminTopics.map(arns.topic),
      ),
    );
  if (access.adminGroups !== undefined && access.adminGroups.length > 0)
    out.push(
      statement(
        ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup', 'kafka-cluster:DeleteGroup'],
        access.adminGroups.map(arns.group),
      ),
    );
  return out;
};

/**
 * Adds the statements of {@link kafkaAccessStatements} to a function's role.
 *
 * @example
 * ```ts
 * grantKafkaAccess(fn, kafka.arns, { write: ['ai.responses'] });
 * ```
 */
export const grantKafkaAccess = (
  grantee: IGrantable,
  arns: KafkaArns,
  access: KafkaAccess,
): void => {
  for (const s of kafkaAccessStatements(arns, access))
    grantee.grantPrincipal.addToPrincipalPolicy(s);
};
