import { join } from 'node:path';
import { CfnOutput, Fn, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import {
  BROWSE_GROUP_PREFIX,
  DLQ_SCAN_GROUP_PREFIX,
  dlqTransactionalIds,
  esmGroupId,
  FunctionEntry,
  loadPlatformDefinition,
  platform,
  withBatchingWindows,
  withNamespace,
} from '../../shared/platform';
import type { PlatformDefinition } from '../../shared/platform';
import type { InfraConfig } from '../config';
import { InfraConfigError } from '../errors';
import { PlatformConsumers } from '../constructs/consumers';
import { DlqRetry } from '../constructs/dlq-retry';
import { FailureBucket } from '../constructs/failure-bucket';
import { FunctionFactory } from '../constructs/function-factory';
import { PlatformHttpApi } from '../constructs/http-api';
import { grantKafkaAccess } from '../constructs/kafka-access';
import type { KafkaAccess } from '../constructs/kafka-access';
import { KafkaCluster } from '../constructs/kafka-cluster';
import type { LogSettings } from '../constructs/log-groups';
import { MskPort, PlatformNetwork } from '../constructs/network';
import { PlatformObservability } from '../constructs/observability';
import type { PlatformFunction } from '../constructs/platform-function';
import { SchemaRegistry } from '../constructs/schema-registry';
import { PlatformTopics } from '../constructs/topics';
import {
  accept,
  acceptWildcardResource,
  suppressPlatformFindings,
  XRAY_REASON,
} from '../nag-suppressions';

/** Repository root (this file is infra/stacks/platform-stack.ts). */
export const PROJECT_ROOT = join(__dirname, '..', '..');

/** Properties of {@link PlatformStack}. */
export interface PlatformStackProps extends StackProps {
  /** Validated deployment settings (see infra/config.ts). */
  readonly config: InfraConfig;
  /** The platform definition. @default the project's definition */
  readonly definition?: PlatformDefinition;
  /** Repository root holding functions/ and package-lock.json. @default PROJECT_ROOT */
  readonly projectRoot?: string;
}

const RETENTIONS = Object.values(RetentionDays).filter(
  (v): v is RetentionDays => typeof v === 'number',
);

/**
 * The CloudWatch Logs retention for `days`: the shortest allowed one that
 * keeps logs at least that long.
 *
 * @example
 * ```ts
 * logRetentionFor(30); // RetentionDays.ONE_MONTH
 * ```
 */
export const logRetentionFor = (days: number): RetentionDays => {
  const allowed = RETENTIONS.filter((r) => r >= days).sort((a, b) => a - b)[0];
  if (allowed === undefined)
    throw new InfraConfigError(`xseven:logRetentionDays: ${days} exceeds the longest retention`);
  return allowed;
};

const capitalize = (word: string): string => `${word.charAt(0).toUpperCase()}${word.slice(1)}`;

/**
 * What the management function may do on the Kafka data plane: administer
 * the definition's topics and the topics created through the API (under
 * `access.apiTopicPrefix`), the definition's consumer groups (offset resets)
 * and the throw-away groups of the DLQ statistics and of message browsing
 * (`GET /topics/{name}/messages` reads the administered topics: `ReadData`
 * comes with them), write every topic of the
 * definition and move DLQ records in the DLQ's transactions (manual retry).
 * Nothing else on the cluster.
 *
 * @example
 * ```ts
 * managementKafkaAccess(platform).adminTopics; // ['conversation.events', ..., 'api.*']
 * ```
 */
export const managementKafkaAccess = (def: PlatformDefinition): KafkaAccess => {
  const topics = def.topics.map((t) => t.name);
  const groups = def.consumers.flatMap((c) => c.topics.map((t) => esmGroupId(c, t)));
  return {
    adminTopics: [...topics, `${def.access.apiTopicPrefix}*`],
    adminGroups: [
      ...new Set([...groups, def.dlq.consumerGroupId]),
      `${DLQ_SCAN_GROUP_PREFIX}*`,
      `${BROWSE_GROUP_PREFIX}*`,
    ],
    write: topics,
    transactionalIds: Object.values(dlqTransactionalIds(def.dlq)),
  };
};

/**
 * The whole platform on AWS, built from the platform definition: network,
 * Kafka cluster (existing, provisioned or serverless), topics, one function
 * and event source mapping per consumer topic, the scheduled DLQ retry, the
 * HTTP API with the definition's routes, and alarms with a dashboard.
 *
 * @example
 * ```ts
 * new PlatformStack(app, 'XsevenEvents', { config: parseInfraConfig({ clusterMode: 'serverless' }) });
 * ```
 */
export class PlatformStack extends Stack {
  /** The namespaced definition the stack was built from. */
  public readonly definition: PlatformDefinition;
  public readonly kafka: KafkaCluster;
  public readonly consumers: PlatformConsumers;
  public readonly publishFunction: PlatformFunction;
  public readonly managementFunction: PlatformFunction;
  public readonly dlqRetry: DlqRetry;
  public readonly httpApi: PlatformHttpApi;
  public readonly observability: PlatformObservability;

  public constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const { config } = props;
    const projectRoot = props.projectRoot ?? PROJECT_ROOT;
    // Validated here, at synth: the functions run on the definition as
    // shipped, without parsing it at their init (shared/platform/defaults.ts).
    const definition = loadPlatformDefinition(
      withBatchingWindows(
        withNamespace(props.definition ?? platform, config.topicPrefix),
        config.batchingWindowMs,
      ),
    );
    this.definition = definition;
    const logs: LogSettings = {
      retention: logRetentionFor(config.logRetentionDays),
      removalPolicy: config.logRemoval === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      ...(config.logKmsKeyArn === undefined
        ? {}
        : { encryptionKey: Key.fromKeyArn(this, 'LogsKey', config.logKmsKeyArn) }),
    };
    const serviceName = definition.name;

    const network = new PlatformNetwork(this, 'Network', {
      ...(config.vpcId === undefined
        ? {}
        : {
            vpcId: config.vpcId,
            availabilityZones: config.availabilityZones ?? [],
            privateSubnetIds: config.privateSubnetIds ?? [],
          }),
      natGateways: config.natGateways,
      logs,
      brokerPort: config.authMode === 'scram' ? MskPort.Scram : MskPort.Iam,
    });
    this.kafka = new KafkaCluster(this, 'Kafka', { config, network, logs });
    const functions = new FunctionFactory({
      projectRoot,
      network,
      kafka: this.kafka,
      logs,
      serviceName,
      metricsNamespace: definition.metricsNamespace,
      topicPrefix: config.topicPrefix,
    });

    const topics = new PlatformTopics(this, 'Topics', {
      definition,
      kafka: this.kafka,
      functions,
      removal: config.topicRemoval,
    });
    const failures = new FailureBucket(this, 'Failures');
    this.consumers = new PlatformConsumers(this, 'Consumers', {
      definition,
      kafka: this.kafka,
      functions,
      failureBucket: failures.bucket,
    });
    // Event source mappings need their topics.
    this.consumers.node.addDependency(topics);

    this.publishFunction = functions.create(this, 'Publish', {
      entry: FunctionEntry.publish,
      description: 'xseven publish API: validates events and produces them to Kafka',
      reservedConcurrentExecutions: config.publishReservedConcurrency,
    });
    grantKafkaAccess(this.publishFunction, this.kafka.arns, {
      write: [...new Set(definition.eventRoutes.map((r) => r.topic))],
    });

    this.managementFunction = functions.create(this, 'Management', {
      entry: FunctionEntry.management,
      description: 'xseven management API: topics, groups, offsets, DLQ, metrics, alerts',
      reservedConcurrentExecutions: config.managementReservedConcurrency,
    });
    this.grantManagement(this.managementFunction, definition);

    this.dlqRetry = new DlqRetry(this, 'DlqRetry', {
      definition,
      kafka: this.kafka,
      functions,
    });
    this.dlqRetry.node.addDependency(topics);

    new SchemaRegistry(this, 'Schemas', { projectRoot }).grantRead(
      this.publishFunction,
      ...this.consumers.resources.map((r) => r.fn),
    );

    this.httpApi = new PlatformHttpApi(this, 'Http', {
      definition,
      handlers: { publish: this.publishFunction, management: this.managementFunction },
      config,
      logs,
    });

    const consumerFns = this.consumers.resources.map((r) => ({ name: r.consumer.name, fn: r.fn }));
    this.observability = new PlatformObservability(this, 'Observability', {
      platformName: definition.name,
      metricsNamespace: definition.metricsNamespace,
      serviceName,
      consumers: consumerFns,
      functions: [
        ...consumerFns,
        { name: 'publish', fn: this.publishFunction },
        { name: 'management', fn: this.managementFunction },
        { name: 'dlq-retry', fn: this.dlqRetry.fn },
        ...(topics.provisioner ? [{ name: 'topic-provisioner', fn: topics.provisioner }] : []),
      ],
      api: this.httpApi.api,
      offsetLagThreshold: config.offsetLagThreshold,
      apiLatencyP99Ms: config.apiLatencyP99Ms,
      ...(config.alarmEmail === undefined ? {} : { alarmEmail: config.alarmEmail }),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.url, description: 'HTTP API base URL' });
    new CfnOutput(this, 'ClusterArn', { value: this.kafka.clusterArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.observability.alarmTopic.topicArn });
    new CfnOutput(this, 'FailureBucketName', { value: failures.bucket.bucketName });
    if (this.httpApi.policies !== undefined)
      for (const [role, policy] of Object.entries(this.httpApi.policies))
        new CfnOutput(this, `${capitalize(role)}PolicyArn`, {
          value: policy.managedPolicyArn,
          description: `managed policy: execute-api:Invoke on the ${role} routes of the HTTP API`,
          exportName: `${this.stackName}-${capitalize(role)}PolicyArn`,
        });

    suppressPlatformFindings(this, new Set([this.managementFunction]));
  }

  /**
   * Three AZs even when the stack is environment-agnostic (offline synth):
   * CDK would otherwise assume two, and a three-AZ MSK cluster needs three.
   */
  public override get availabilityZones(): string[] {
    if (!Token.isUnresolved(this.region)) return super.availabilityZones;
    return [0, 1, 2].map((i) => Fn.select(i, Fn.getAzs()));
  }

  private grantManagement(fn: PlatformFunction, def: PlatformDefinition): void {
    grantKafkaAccess(fn, this.kafka.arns, managementKafkaAccess(def));
    // Offset reset stops and restarts the consumers' event source mappings.
    const mappings = this.consumers.resources.flatMap((r) =>
      r.eventSources.map((s) => s.eventSourceMappingArn),
    );
    if (mappings.length > 0)
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['lambda:GetEventSourceMapping', 'lambda:UpdateEventSourceMapping'],
          resources: mappings,
        }),
      );
    // Listing mappings and reading metrics cannot be scoped to a resource.
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:ListEventSourceMappings', 'cloudwatch:GetMetricData'],
        resources: ['*'],
      }),
    );
    accept(
      [fn],
      [
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason: `lambda:ListEventSourceMappings and cloudwatch:GetMetricData have no resource-level permissions; ${XRAY_REASON}`,
        },
      ],
    );
    acceptWildcardResource(
      fn,
      this.kafka.arns.topic(`${def.access.apiTopicPrefix}*`),
      `the management API creates, lists and deletes topics by name under access.apiTopicPrefix "${def.access.apiTopicPrefix}" (the definition's topics are granted one by one)`,
    );
    acceptWildcardResource(
      fn,
      this.kafka.arns.group(`${DLQ_SCAN_GROUP_PREFIX}*`),
      'the DLQ statistics scan reads the DLQ with a throw-away group per request (random suffix), deleted after',
    );
    acceptWildcardResource(
      fn,
      this.kafka.arns.group(`${BROWSE_GROUP_PREFIX}*`),
      'GET /topics/{name}/messages reads a partition with a throw-away group per request (random suffix), deleted after',
    );
  }
}
