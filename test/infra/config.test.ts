import { infraConfigFromContext, parseInfraConfig } from '../../infra/config';
import { contextProblems as problemsOf } from './support/problems';
import { EXISTING_CLUSTER_ARN } from './support/synth';

describe('the CDK context', () => {
  it('defaults to a provisioned cluster, IAM API auth, retained topics and log groups, reserved concurrency', () => {
    expect(parseInfraConfig({})).toMatchObject({
      clusterMode: 'provisioned',
      kafkaVersion: '3.9.x',
      brokerNodes: 3,
      apiAuth: 'iam',
      topicRemoval: 'retain',
      topicPrefix: '',
      logRetentionDays: 30,
      logRemoval: 'retain',
      publishReservedConcurrency: 50,
      managementReservedConcurrency: 10,
    });
  });

  it('reads every xseven: key through the getter and accepts CLI strings', () => {
    const context: Record<string, string> = {
      'xseven:clusterMode': 'existing',
      'xseven:clusterArn': EXISTING_CLUSTER_ARN,
      'xseven:brokerNodes': '6',
      'xseven:jwtAudience': 'a, b',
      'xseven:alarmEmail': '',
    };
    const config = infraConfigFromContext((key) => context[key]);
    expect(config).toMatchObject({
      clusterMode: 'existing',
      clusterArn: EXISTING_CLUSTER_ARN,
      brokerNodes: 6,
      jwtAudience: ['a', 'b'],
    });
    expect(config.alarmEmail).toBeUndefined();
  });

  it('names every missing value of the chosen modes at once', () => {
    expect(problemsOf({ clusterMode: 'existing', apiAuth: 'jwt' })).toEqual([
      'xseven:clusterArn: required with clusterMode "existing"',
      'xseven:jwtIssuer: required with apiAuth "jwt"',
      'xseven:jwtAudience: required with apiAuth "jwt"',
    ]);
  });

  it('rejects bad values with the key that holds them', () => {
    const problems = problemsOf({
      clusterMode: 'dedicated',
      clusterArn: 'arn:aws:s3:::bucket',
      brokerNodes: '4',
      alarmEmail: 'not-an-email',
    });
    expect(problems.map((p) => p.split(':')[1])).toEqual([
      'clusterMode',
      'clusterArn',
      'brokerNodes',
      'alarmEmail',
    ]);
  });

  it('needs one private subnet per AZ for an imported VPC', () => {
    expect(
      problemsOf({
        vpcId: 'vpc-0abc',
        availabilityZones: 'eu-west-1a,eu-west-1b',
        privateSubnetIds: 'subnet-1',
      }),
    ).toEqual([
      'xseven:privateSubnetIds: needs one subnet per availability zone, in the same order',
    ]);
  });

  it('allows SASL/SCRAM only on an existing cluster, with its secret', () => {
    expect(problemsOf({ authMode: 'scram' })).toEqual([
      'xseven:authMode: "scram" needs clusterMode "existing" (the clusters the stack creates use IAM)',
      'xseven:scramSecretArn: required with authMode "scram"',
    ]);
    expect(
      problemsOf({
        clusterMode: 'existing',
        clusterArn: EXISTING_CLUSTER_ARN,
        authMode: 'scram',
        scramSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:other-AbCdEf',
      }),
    ).toEqual([
      'xseven:scramSecretArn: must be the ARN of a Secrets Manager secret named AmazonMSK_...',
    ]);
  });

  it('refuses a burst limit below the rate limit', () => {
    expect(problemsOf({ throttleRateLimit: 50, throttleBurstLimit: 10 })).toEqual([
      'xseven:throttleBurstLimit: must be at least throttleRateLimit',
    ]);
  });
});
