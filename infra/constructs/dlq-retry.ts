import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { DLQ_SCAN_GROUP_PREFIX, dlqTransactionalIds, FunctionEntry } from '../../shared/platform';
import type { PlatformDefinition } from '../../shared/platform';
import type { FunctionFactory } from './function-factory';
import { grantKafkaAccess } from './kafka-access';
import { acceptWildcardResource } from '../nag-suppressions';
import type { KafkaCluster } from './kafka-cluster';
import type { PlatformFunction } from './platform-function';

/** Properties of {@link DlqRetry}. */
export interface DlqRetryProps {
  /** The (namespaced) definition. */
  readonly definition: PlatformDefinition;
  readonly kafka: KafkaCluster;
  readonly functions: FunctionFactory;
}

/**
 * The dead-letter retry function, run by an EventBridge schedule every
 * `dlq.scheduleMinutes` of the definition. It reads the DLQ topic in its
 * consumer group and moves records back to their original topic or to the
 * archive in Kafka transactions, so it may write every topic of the
 * definition.
 *
 * @example
 * ```ts
 * new DlqRetry(this, 'DlqRetry', { definition, kafka, functions });
 * ```
 */
export class DlqRetry extends Construct {
  public readonly fn: PlatformFunction;
  public readonly rule: Rule;

  public constructor(scope: Construct, id: string, props: DlqRetryProps) {
    super(scope, id);
    const { dlq } = props.definition;
    // One run may not outlast the next: leave a minute of slack, within Lambda's 15.
    const timeoutMinutes = Math.min(14, Math.max(1, dlq.scheduleMinutes - 1));
    this.fn = props.functions.create(this, 'Function', {
      entry: FunctionEntry.dlqRetry,
      description: 'xseven DLQ retry: re-publishes or archives dead-lettered records',
      timeout: Duration.minutes(timeoutMinutes),
      memorySize: 512,
      // Never two runs at once: the retry group would rebalance between them.
      reservedConcurrentExecutions: 1,
    });
    grantKafkaAccess(this.fn, props.kafka.arns, {
      // The DLQ in its own group; after a run the depth gauges scan the DLQ and
      // describe the archive with a throw-away group (shared/dlq/scan.ts).
      read: {
        topics: [dlq.topic, dlq.archiveTopic],
        groups: [dlq.consumerGroupId, `${DLQ_SCAN_GROUP_PREFIX}*`],
      },
      write: props.definition.topics.map((t) => t.name),
      transactionalIds: [dlqTransactionalIds(dlq).mover],
    });
    acceptWildcardResource(
      this.fn,
      props.kafka.arns.group(`${DLQ_SCAN_GROUP_PREFIX}*`),
      'the DLQ gauges read the DLQ with a throw-away group per run (random suffix), deleted after',
    );
    this.rule = new Rule(this, 'Schedule', {
      description: `runs the DLQ retry every ${dlq.scheduleMinutes} minutes`,
      schedule: Schedule.rate(Duration.minutes(dlq.scheduleMinutes)),
    });
    this.rule.addTarget(new LambdaFunction(this.fn, { retryAttempts: 0 }));
    // A failed run is not retried by Lambda: the next scheduled run starts over.
    this.fn.configureAsyncInvoke({
      retryAttempts: 0,
      maxEventAge: Duration.minutes(dlq.scheduleMinutes),
    });
  }
}
