import { Match } from 'aws-cdk-lib/assertions';
import { platform, RouteAuth } from '../../shared/platform';
import { EXISTING_CLUSTER_ARN, nagViolations, resourcesOf, synthPlatform } from './support/synth';
import type { Synthesized } from './support/synth';

/** The definition's open routes (liveness): no authorizer in any mode. */
const OPEN = new Set(
  platform.httpRoutes.filter((r) => r.auth === RouteAuth.None).map((r) => `${r.method} ${r.path}`),
);

type Statement = { Action: string | string[]; Resource: unknown };
const kafkaStatements = (s: Synthesized): Statement[] =>
  Object.values(resourcesOf(s.template, 'AWS::IAM::Policy'))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
    .filter((st) => [st.Action].flat().some((a) => a.startsWith('kafka-cluster:')));

describe('cluster mode "serverless"', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthPlatform({ config: { clusterMode: 'serverless' } });
  });

  it('creates an MSK Serverless cluster with IAM auth in the private subnets', () => {
    s.template.resourceCountIs('AWS::MSK::Cluster', 0);
    s.template.resourceCountIs('AWS::MSK::ServerlessCluster', 1);
    s.template.hasResourceProperties('AWS::MSK::ServerlessCluster', {
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } } },
      VpcConfigs: [Match.objectLike({ SecurityGroups: Match.anyValue() })],
    });
  });

  it('creates the topics through the kafkajs custom resource, with serverless-compatible configs', () => {
    s.template.resourceCountIs('AWS::MSK::Topic', 0);
    const topics = Object.values(resourcesOf(s.template, 'Custom::KafkaTopic'));
    expect(topics.map((t) => t.Properties.TopicName).sort()).toEqual(
      platform.topics.map((t) => t.name).sort(),
    );
    for (const topic of topics) {
      const def = platform.topics.find((t) => t.name === topic.Properties.TopicName);
      expect(topic.Properties).toMatchObject({
        Partitions: def?.partitions,
        ReplicationFactor: 3,
        RetainOnDelete: 'true',
        Configs: { 'cleanup.policy': def?.cleanupPolicy, 'retention.ms': String(def?.retentionMs) },
      });
      expect(topic.Properties.Configs).not.toHaveProperty(['min.insync.replicas']);
    }
  });

  it('runs the topic provisioner inside the VPC with topic-admin rights on the definition topics only', () => {
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('reconciles the platform topics'),
      Runtime: 'nodejs22.x',
      VpcConfig: Match.objectLike({ SubnetIds: Match.anyValue() }),
    });
    const admin = kafkaStatements(s).find((st) =>
      [st.Action].flat().includes('kafka-cluster:CreateTopic'),
    );
    const text = JSON.stringify(admin?.Resource);
    for (const t of platform.topics) expect(text).toContain(`/${t.name}"`);
    expect(text).not.toMatch(/\/\*"/);
  });

  it('passes cdk-nag with no unacknowledged finding', () => {
    expect(nagViolations(s.stack).map((v) => v.ruleName)).toEqual([]);
  });
});

describe('cluster mode "existing"', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthPlatform({
      config: {
        clusterMode: 'existing',
        clusterArn: EXISTING_CLUSTER_ARN,
        bootstrapServers: 'b-1.legacy:9098,b-2.legacy:9098',
        clusterSecurityGroupId: 'sg-0123456789abcdef0',
        vpcId: 'vpc-0123456789abcdef0',
        availabilityZones: 'eu-west-1a,eu-west-1b,eu-west-1c',
        privateSubnetIds: ['subnet-0a', 'subnet-0b', 'subnet-0c'],
      },
    });
  });

  it('creates no cluster and no VPC, and points every mapping at the given cluster', () => {
    s.template.resourceCountIs('AWS::MSK::Cluster', 0);
    s.template.resourceCountIs('AWS::MSK::ServerlessCluster', 0);
    s.template.resourceCountIs('AWS::EC2::VPC', 0);
    for (const esm of Object.values(resourcesOf(s.template, 'AWS::Lambda::EventSourceMapping')))
      expect(esm.Properties.EventSourceArn).toBe(EXISTING_CLUSTER_ARN);
  });

  it('uses the bootstrap servers of the context and the imported subnets', () => {
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          KAFKA_BOOTSTRAP_SERVERS: 'b-1.legacy:9098,b-2.legacy:9098',
          XSEVEN_MSK_CLUSTER_ARN: EXISTING_CLUSTER_ARN,
        }),
      },
      VpcConfig: Match.objectLike({ SubnetIds: ['subnet-0a', 'subnet-0b', 'subnet-0c'] }),
    });
  });

  it('opens the existing cluster security group to the functions on the IAM port', () => {
    s.template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: 'sg-0123456789abcdef0',
      FromPort: 9098,
      ToPort: 9098,
      SourceSecurityGroupId: {
        'Fn::GetAtt': [Match.stringLikeRegexp('^NetworkFunctions'), 'GroupId'],
      },
    });
  });

  it('scopes kafka-cluster permissions to literal ARNs of that cluster', () => {
    const prefix =
      'arn:aws:kafka:eu-west-1:123456789012:topic/legacy/0b7f6a3e-1111-2222-3333-444455556666-2/';
    const resources = kafkaStatements(s).flatMap((st) => [st.Resource].flat());
    expect(resources).toContain(EXISTING_CLUSTER_ARN);
    expect(resources).toContain(`${prefix}conversation.events`);
    expect(resources).not.toContain('*');
  });

  it('passes cdk-nag with no unacknowledged finding', () => {
    expect(nagViolations(s.stack).map((v) => v.ruleName)).toEqual([]);
  });
});

describe('cluster mode "provisioned" options', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthPlatform({
      config: {
        clusterMode: 'provisioned',
        kafkaVersion: '3.5.1',
        brokerNodes: 6,
        topicPrefix: 'staging-',
        topicRemoval: 'destroy',
        apiAuth: 'jwt',
        jwtIssuer: 'https://auth.example.com/',
        jwtAudience: 'xseven-api',
      },
    });
  });

  it('falls back to the custom resource for topics below Kafka 3.6', () => {
    s.template.hasResourceProperties('AWS::MSK::Cluster', {
      KafkaVersion: '3.5.1',
      NumberOfBrokerNodes: 6,
    });
    s.template.resourceCountIs('AWS::MSK::Topic', 0);
    const topics = Object.values(resourcesOf(s.template, 'Custom::KafkaTopic'));
    expect(topics).toHaveLength(platform.topics.length);
    for (const t of topics) {
      expect(String(t.Properties.TopicName)).toMatch(/^staging-/);
      expect(t.Properties.RetainOnDelete).toBe('false');
      expect(t.Properties.Configs).toHaveProperty(['min.insync.replicas'], '2');
    }
  });

  it('namespaces consumer groups and tells the functions the prefix', () => {
    for (const esm of Object.values(resourcesOf(s.template, 'AWS::Lambda::EventSourceMapping'))) {
      expect(String((esm.Properties.Topics as string[])[0])).toMatch(/^staging-/);
      expect(
        String(
          (esm.Properties.AmazonManagedKafkaEventSourceConfig as { ConsumerGroupId: string })
            .ConsumerGroupId,
        ),
      ).toMatch(/^staging-/);
    }
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ XSEVEN_TOPIC_PREFIX: 'staging-' }) },
    });
  });

  it('authorizes the routes with a JWT authorizer when asked', () => {
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: 'https://auth.example.com/', Audience: ['xseven-api'] },
    });
    for (const route of Object.values(resourcesOf(s.template, 'AWS::ApiGatewayV2::Route')))
      expect(route.Properties.AuthorizationType).toBe(
        route.Properties.RouteKey === '$default' || OPEN.has(String(route.Properties.RouteKey))
          ? 'NONE'
          : 'JWT',
      );
  });

  it('passes cdk-nag with no unacknowledged finding', () => {
    expect(nagViolations(s.stack).map((v) => v.ruleName)).toEqual([]);
  });
});

describe('cluster mode "existing" with SASL/SCRAM', () => {
  const secretArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:AmazonMSK_xseven-AbCdEf';
  const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  let s: Synthesized;
  beforeAll(() => {
    s = synthPlatform({
      config: {
        clusterMode: 'existing',
        clusterArn: EXISTING_CLUSTER_ARN,
        authMode: 'scram',
        scramSecretArn: secretArn,
        scramSecretKeyArn: keyArn,
        clusterSecurityGroupId: 'sg-0123456789abcdef0',
      },
    });
  });

  it('authenticates every mapping with the SCRAM secret', () => {
    const mappings = Object.values(resourcesOf(s.template, 'AWS::Lambda::EventSourceMapping'));
    expect(mappings.length).toBeGreaterThan(0);
    for (const esm of mappings)
      expect(esm.Properties.SourceAccessConfigurations).toEqual([
        { Type: 'SASL_SCRAM_512_AUTH', URI: secretArn },
      ]);
  });

  it('gives the functions SCRAM-SHA-512 with credentials resolved at deploy time, never in the template', () => {
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
          KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
          KAFKA_SASL_USERNAME: `{{resolve:secretsmanager:${secretArn}:SecretString:username::}}`,
          KAFKA_SASL_PASSWORD: `{{resolve:secretsmanager:${secretArn}:SecretString:password::}}`,
        }),
      },
    });
  });

  it('looks up the SCRAM brokers and opens the SCRAM port', () => {
    s.template.hasResourceProperties('Custom::AWS', {
      Create: Match.stringLikeRegexp('BootstrapBrokerStringSaslScram'),
    });
    s.template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: 'sg-0123456789abcdef0',
      FromPort: 9096,
      ToPort: 9096,
    });
  });

  it('lets the consumers read the secret and decrypt it with its key', () => {
    const text = JSON.stringify(resourcesOf(s.template, 'AWS::IAM::Policy'));
    expect(text).toContain('secretsmanager:GetSecretValue');
    expect(text).toContain(keyArn);
  });

  it('passes cdk-nag with no unacknowledged finding', () => {
    expect(nagViolations(s.stack).map((v) => v.ruleName)).toEqual([]);
  });
});
