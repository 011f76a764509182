import { Names } from 'aws-cdk-lib';
import { SecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { CfnCluster, CfnConfiguration, CfnServerlessCluster } from 'aws-cdk-lib/aws-msk';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import {
  AwsCustomResource,
  AwsCustomResourcePolicy,
  PhysicalResourceId,
} from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { ClusterAuthMode, ClusterMode, InfraConfig } from '../config';
import { kafkaArns } from './kafka-arns';
import type { KafkaArns } from './kafka-arns';
import { platformLogGroup } from './log-groups';
import type { LogSettings } from './log-groups';
import type { PlatformNetwork } from './network';

/** Properties of a {@link KafkaCluster}. */
export interface KafkaClusterProps {
  readonly config: InfraConfig;
  readonly network: PlatformNetwork;
  readonly logs: LogSettings;
}

/** Lowest Kafka version on which MSK manages topics (AWS::MSK::Topic, topic APIs). */
const MSK_TOPIC_API_MIN = [3, 6] as const;

/**
 * Whether MSK's topic API (and so AWS::MSK::Topic) works on a provisioned
 * cluster of this Kafka version: 3.6 or later.
 *
 * @example
 * ```ts
 * supportsMskTopicApi('3.9.x'); // true
 * supportsMskTopicApi('3.5.1'); // false
 * ```
 */
export const supportsMskTopicApi = (kafkaVersion: string): boolean => {
  const [major = 0, minor = 0] = kafkaVersion.split('.').map((p) => Number.parseInt(p, 10));
  return (
    major > MSK_TOPIC_API_MIN[0] ||
    (major === MSK_TOPIC_API_MIN[0] && minor >= MSK_TOPIC_API_MIN[1])
  );
};

/** Broker settings of a new provisioned cluster (topic defaults mirror the definition's). */
const SERVER_PROPERTIES = [
  'auto.create.topics.enable=false',
  'default.replication.factor=3',
  'min.insync.replicas=2',
  'num.partitions=3',
  'unclean.leader.election.enable=false',
].join('\n');

/**
 * The platform's Kafka cluster in one of three modes: an existing cluster
 * (ARN from the context; MSK IAM or SASL/SCRAM), a new MSK Provisioned cluster (IAM auth, TLS in
 * transit and between brokers, three AZs, broker logs), or a new MSK
 * Serverless cluster (IAM auth). Exposes the ARN, the IAM resource ARNs,
 * the bootstrap brokers and whether AWS::MSK::Topic can manage topics.
 *
 * @example
 * ```ts
 * const kafka = new KafkaCluster(this, 'Kafka', { config, network, logs });
 * kafka.bootstrapServers; // token resolved at deploy time
 * ```
 */
export class KafkaCluster extends Construct {
  public readonly mode: ClusterMode;
  public readonly clusterArn: string;
  public readonly arns: KafkaArns;
  public readonly bootstrapServers: string;
  /** True when topics can be AWS::MSK::Topic resources (provisioned, Kafka >= 3.6). */
  public readonly supportsTopicResource: boolean;
  /** True on MSK Serverless, whose topics accept only a subset of configs. */
  public readonly serverless: boolean;
  /** How clients authenticate. */
  public readonly authMode: ClusterAuthMode;
  /** The SCRAM user's secret (authMode `scram`): event source mappings and functions use it. */
  public readonly scramSecret: ISecret | undefined;
  /** The customer managed key encrypting that secret, when given. */
  public readonly scramSecretKeyArn: string | undefined;

  public constructor(scope: Construct, id: string, props: KafkaClusterProps) {
    super(scope, id);
    const { config, network } = props;
    this.mode = config.clusterMode;
    this.serverless = config.clusterMode === 'serverless';
    this.authMode = config.authMode;
    const scram = config.authMode === 'scram' && config.scramSecretArn !== undefined;
    this.scramSecret = scram
      ? Secret.fromSecretCompleteArn(this, 'ScramSecret', config.scramSecretArn ?? '')
      : undefined;
    this.scramSecretKeyArn = scram ? config.scramSecretKeyArn : undefined;
    const subnetIds = network.vpc.selectSubnets(network.privateSubnets).subnetIds;
    const clusterName = `${Names.uniqueResourceName(this, { maxLength: 40 })}`.toLowerCase();

    switch (config.clusterMode) {
      case 'provisioned': {
        const brokerLogs = platformLogGroup(this, 'BrokerLogs', props.logs);
        const configuration = new CfnConfiguration(this, 'Configuration', {
          name: `${clusterName}-config`,
          kafkaVersionsList: [config.kafkaVersion],
          serverProperties: SERVER_PROPERTIES,
        });
        const cluster = new CfnCluster(this, 'Cluster', {
          clusterName,
          kafkaVersion: config.kafkaVersion,
          numberOfBrokerNodes: config.brokerNodes,
          brokerNodeGroupInfo: {
            instanceType: config.brokerInstanceType,
            clientSubnets: subnetIds,
            securityGroups: [network.clusterSecurityGroup.securityGroupId],
            storageInfo: { ebsStorageInfo: { volumeSize: config.brokerVolumeGiB } },
          },
          clientAuthentication: {
            sasl: { iam: { enabled: true } },
            unauthenticated: { enabled: false },
          },
          encryptionInfo: {
            encryptionInTransit: { clientBroker: 'TLS', inCluster: true },
            // MSK always encrypts data volumes at rest; without a key of ours it
            // uses the aws/msk managed key (terraform-provider-aws, aws_msk_cluster
            // encryption_at_rest_kms_key_arn). Create-only: a new key replaces the cluster.
            ...(config.mskKmsKeyArn === undefined
              ? {}
              : { encryptionAtRest: { dataVolumeKmsKeyId: config.mskKmsKeyArn } }),
          },
          configurationInfo: {
            arn: configuration.attrArn,
            revision: configuration.attrLatestRevisionRevision,
          },
          loggingInfo: {
            brokerLogs: { cloudWatchLogs: { enabled: true, logGroup: brokerLogs.logGroupName } },
          },
          enhancedMonitoring: 'PER_TOPIC_PER_BROKER',
        });
        this.clusterArn = cluster.attrArn;
        this.supportsTopicResource = supportsMskTopicApi(config.kafkaVersion);
        break;
      }
      case 'serverless': {
        const cluster = new CfnServerlessCluster(this, 'Cluster', {
          clusterName,
          clientAuthentication: { sasl: { iam: { enabled: true } } },
          vpcConfigs: [
            { subnetIds, securityGroups: [network.clusterSecurityGroup.securityGroupId] },
          ],
        });
        this.clusterArn = cluster.attrArn;
        this.supportsTopicResource = false;
        break;
      }
      case 'existing': {
        this.clusterArn = config.clusterArn ?? '';
        // The cluster may be serverless or older than 3.6: the kafkajs custom
        // resource works on every kind.
        this.supportsTopicResource = false;
        if (config.clusterSecurityGroupId !== undefined) {
          const brokers = SecurityGroup.fromSecurityGroupId(
            this,
            'ExistingBrokers',
            config.clusterSecurityGroupId,
          );
          network.openBrokersTo(network.functionsSecurityGroup, brokers);
        }
        break;
      }
    }
    this.arns = kafkaArns(this.clusterArn);
    this.bootstrapServers =
      config.clusterMode === 'existing' && config.bootstrapServers !== undefined
        ? config.bootstrapServers
        : this.lookUpBootstrapServers();
  }

  /** kafka:GetBootstrapBrokers at deploy time (the brokers string of the auth mode). */
  private lookUpBootstrapServers(): string {
    const field =
      this.authMode === 'scram' ? 'BootstrapBrokerStringSaslScram' : 'BootstrapBrokerStringSaslIam';
    const call = {
      service: 'Kafka',
      action: 'getBootstrapBrokers',
      parameters: { ClusterArn: this.clusterArn },
      physicalResourceId: PhysicalResourceId.of('xseven-bootstrap-brokers'),
      outputPaths: [field],
    };
    const lookup = new AwsCustomResource(this, 'BootstrapBrokers', {
      onCreate: call,
      onUpdate: call,
      policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: [this.clusterArn] }),
      installLatestAwsSdk: false,
    });
    return lookup.getResponseField(field);
  }
}
