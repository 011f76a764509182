import { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { KafkaCluster } from './kafka-cluster';
import type { LogSettings } from './log-groups';
import type { PlatformNetwork } from './network';
import { PlatformFunction } from './platform-function';

/** Settings shared by every function of one stack. */
export interface FunctionFactoryProps {
  readonly projectRoot: string;
  readonly network: PlatformNetwork;
  readonly kafka: KafkaCluster;
  readonly logs: LogSettings;
  /** POWERTOOLS_SERVICE_NAME (also the `service` dimension of the EMF metrics). */
  readonly serviceName: string;
  /** POWERTOOLS_METRICS_NAMESPACE. */
  readonly metricsNamespace: string;
  /** XSEVEN_TOPIC_PREFIX. */
  readonly topicPrefix: string;
}

/** What differs between the functions of the platform. */
export interface FunctionSpec {
  /** Entry module, relative to the repository root. */
  readonly entry: string;
  readonly description: string;
  readonly timeout?: Duration;
  readonly memorySize?: number;
  readonly environment?: Readonly<Record<string, string>>;
  readonly reservedConcurrentExecutions?: number;
}

/**
 * Creates the platform's functions inside the VPC with the functions'
 * security group and the environment every function reads: the Kafka
 * connection (TLS with MSK IAM or SCRAM), the topic prefix and Powertools
 * settings.
 *
 * @example
 * ```ts
 * const fns = new FunctionFactory({ projectRoot, network, kafka, logs, serviceName, metricsNamespace, topicPrefix: '' });
 * const publish = fns.create(this, 'Publish', { entry: FunctionEntry.publish, description: 'publish API' });
 * ```
 */
export class FunctionFactory {
  public constructor(private readonly props: FunctionFactoryProps) {}

  /** The environment every function gets. */
  public get environment(): Record<string, string> {
    const p = this.props;
    return {
      KAFKA_BOOTSTRAP_SERVERS: p.kafka.bootstrapServers,
      KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
      ...this.saslEnvironment(),
      KAFKA_CLIENT_ID: p.serviceName,
      XSEVEN_TOPIC_PREFIX: p.topicPrefix,
      XSEVEN_MSK_CLUSTER_ARN: p.kafka.clusterArn,
      POWERTOOLS_SERVICE_NAME: p.serviceName,
      POWERTOOLS_METRICS_NAMESPACE: p.metricsNamespace,
      POWERTOOLS_LOG_LEVEL: 'INFO',
    };
  }

  /**
   * MSK IAM, or SCRAM-SHA-512 with the user's credentials as CloudFormation
   * dynamic references (resolved at deploy time, never in the template;
   * shared/kafka reads them from the environment).
   */
  private saslEnvironment(): Record<string, string> {
    const secret = this.props.kafka.scramSecret;
    if (secret === undefined) return { KAFKA_SASL_MECHANISM: 'AWS_MSK_IAM' };
    return {
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: secret.secretValueFromJson('username').unsafeUnwrap(),
      KAFKA_SASL_PASSWORD: secret.secretValueFromJson('password').unsafeUnwrap(),
    };
  }

  /**
   * A {@link PlatformFunction} for `spec` in the platform's VPC.
   *
   * @example
   * ```ts
   * fns.create(this, 'DlqRetry', { entry: FunctionEntry.dlqRetry, description: 'DLQ retry', timeout: Duration.minutes(5) });
   * ```
   */
  public create(scope: Construct, id: string, spec: FunctionSpec): PlatformFunction {
    const p = this.props;
    return new PlatformFunction(scope, id, {
      projectRoot: p.projectRoot,
      entry: spec.entry,
      description: spec.description,
      logs: p.logs,
      timeout: spec.timeout ?? Duration.seconds(30),
      memorySize: spec.memorySize ?? 512,
      vpc: p.network.vpc,
      vpcSubnets: p.network.privateSubnets,
      securityGroups: [p.network.functionsSecurityGroup],
      environment: { ...this.environment, ...spec.environment },
      ...(spec.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: spec.reservedConcurrentExecutions }),
    });
  }
}
