import { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import {
  ConsumerEnv,
  envRecord,
  KafkaEnv,
  PlatformEnv,
  SaslMechanism,
  SecurityProtocol,
} from '../../shared/platform/env';
import type { EnvVar } from '../../shared/platform/env';
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
  /** The service of the logs (also the `service` dimension of the EMF metrics). */
  readonly serviceName: string;
  /** The CloudWatch namespace of the EMF metrics. */
  readonly metricsNamespace: string;
  /** The prefix of every topic and consumer group. */
  readonly topicPrefix: string;
}

/** What differs between the functions of the platform. */
export interface FunctionSpec {
  /** Entry module, relative to the repository root. */
  readonly entry: string;
  readonly description: string;
  readonly timeout?: Duration;
  readonly memorySize?: number;
  readonly reservedConcurrentExecutions?: number;
  /** The consumer a consumer function is deployed for (its handler checks it). */
  readonly consumerName?: string;
}

/**
 * Creates the platform's functions inside the VPC with the functions'
 * security group and the environment every function reads, written by the
 * environment contract (shared/platform/env): the Kafka connection (TLS with
 * MSK IAM or SCRAM), the topic prefix and Powertools settings.
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
    return envRecord([
      [KafkaEnv.BootstrapServers, p.kafka.bootstrapServers],
      [KafkaEnv.SecurityProtocol, SecurityProtocol.SaslSsl],
      ...this.saslEnvironment(),
      [KafkaEnv.ClientId, p.serviceName],
      [PlatformEnv.TopicPrefix, p.topicPrefix],
      [PlatformEnv.MskClusterArn, p.kafka.clusterArn],
      [PlatformEnv.ServiceName, p.serviceName],
      [PlatformEnv.MetricsNamespace, p.metricsNamespace],
      [PlatformEnv.LogLevel, 'INFO'],
    ]);
  }

  /**
   * MSK IAM, or SCRAM-SHA-512 with the user's credentials as CloudFormation
   * dynamic references (resolved at deploy time, never in the template;
   * shared/kafka reads them from the environment).
   */
  private saslEnvironment(): [EnvVar, string][] {
    const secret = this.props.kafka.scramSecret;
    if (secret === undefined) return [[KafkaEnv.SaslMechanism, SaslMechanism.AwsMskIam]];
    return [
      [KafkaEnv.SaslMechanism, SaslMechanism.ScramSha512],
      [KafkaEnv.SaslUsername, secret.secretValueFromJson('username').unsafeUnwrap()],
      [KafkaEnv.SaslPassword, secret.secretValueFromJson('password').unsafeUnwrap()],
    ];
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
      environment: {
        ...this.environment,
        ...(spec.consumerName === undefined
          ? {}
          : envRecord([[ConsumerEnv.ConsumerName, spec.consumerName]])),
      },
      ...(spec.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: spec.reservedConcurrentExecutions }),
    });
  }
}
