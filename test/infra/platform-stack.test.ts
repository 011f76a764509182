import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { LAZY_PACKAGES, lazyPackageFile, lazyPackageReference } from '../../infra/bundling';
import { ALERT_WINDOW_MINUTES, esmGroupId } from '../../shared/platform';
import {
  dlqTransactionalIds,
  ON_FAILURE_RETRY_CAP,
  platform,
  RouteAuth,
} from '../../shared/platform';
import { nagViolations, resourcesOf, synthPlatform } from './support/synth';
import type { Synthesized } from './support/synth';
import { actionsOf, statementsOf } from './support/cfn';
import type { Statement } from './support/cfn';

/** The default deployment (provisioned MSK), bundled for real once for the whole file. */
let synth: Synthesized;
beforeAll(() => {
  synth = synthPlatform({ bundle: true });
}, 120_000);

const resourcesIn = (s: Statement): unknown[] =>
  Array.isArray(s.Resource) ? s.Resource : [s.Resource];
const platformFunctions = (): Record<string, { Properties: Record<string, unknown> }> =>
  Object.fromEntries(
    Object.entries(resourcesOf(synth.template, 'AWS::Lambda::Function')).filter(([, r]) =>
      (r.Properties.Architectures as string[] | undefined)?.includes('arm64'),
    ),
  );
const consumerTopics = platform.consumers.flatMap((c) => c.topics.map((topic) => ({ c, topic })));

describe('the default stack (provisioned MSK)', () => {
  it('creates a three-AZ MSK cluster with IAM auth only and TLS in transit', () => {
    synth.template.resourceCountIs('AWS::MSK::Cluster', 1);
    synth.template.hasResourceProperties('AWS::MSK::Cluster', {
      KafkaVersion: '3.9.x',
      NumberOfBrokerNodes: 3,
      ClientAuthentication: {
        Sasl: { Iam: { Enabled: true } },
        Unauthenticated: { Enabled: false },
      },
      EncryptionInfo: { EncryptionInTransit: { ClientBroker: 'TLS', InCluster: true } },
      LoggingInfo: { BrokerLogs: { CloudWatchLogs: Match.objectLike({ Enabled: true }) } },
    });
    // A cluster the stack created goes with the stack (its VPC could not be deleted otherwise).
    synth.template.hasResource('AWS::MSK::Cluster', { DeletionPolicy: Match.absent() });
    const cluster = Object.values(resourcesOf(synth.template, 'AWS::MSK::Cluster'))[0];
    const subnets = (cluster?.Properties.BrokerNodeGroupInfo as { ClientSubnets: unknown[] })
      .ClientSubnets;
    expect(new Set(subnets.map((s) => JSON.stringify(s))).size).toBe(3);
  });

  it('builds a VPC over three AZs with flow logs', () => {
    synth.template.resourceCountIs('AWS::EC2::VPC', 1);
    const privateSubnets = Object.values(resourcesOf(synth.template, 'AWS::EC2::Subnet')).filter(
      (s) => s.Properties.MapPublicIpOnLaunch === false,
    );
    expect(privateSubnets).toHaveLength(3);
    synth.template.resourceCountIs('AWS::EC2::FlowLog', 1);
    // the ESM pollers reach the S3 on-failure destination through it
    synth.template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] },
    });
  });

  it('opens the brokers only to the functions (and the ESM pollers in the cluster group)', () => {
    const groups = resourcesOf(synth.template, 'AWS::EC2::SecurityGroup');
    const brokersId = Object.keys(groups).find((id) => id.startsWith('NetworkBrokers'));
    const functionsId = Object.keys(groups).find((id) => id.startsWith('NetworkFunctions'));
    expect(brokersId).toBeDefined();
    expect(functionsId).toBeDefined();
    const brokerIngress = Object.values(
      resourcesOf(synth.template, 'AWS::EC2::SecurityGroupIngress'),
    ).filter((r) => JSON.stringify(r.Properties.GroupId).includes(brokersId ?? '?'));
    expect(brokerIngress.length).toBeGreaterThan(0);
    for (const rule of brokerIngress) {
      expect(rule.Properties).toMatchObject({ IpProtocol: 'tcp', FromPort: 9098, ToPort: 9098 });
      expect(rule.Properties.CidrIp).toBeUndefined();
      const source = JSON.stringify(rule.Properties.SourceSecurityGroupId);
      expect([brokersId, functionsId].some((id) => source.includes(id ?? '?'))).toBe(true);
    }
    for (const group of Object.values(groups))
      expect(JSON.stringify(group.Properties.SecurityGroupIngress ?? [])).not.toContain(
        '0.0.0.0/0',
      );
  });

  it('creates every topic of the definition as AWS::MSK::Topic with its configs, retained on deletion', () => {
    const topics = resourcesOf(synth.template, 'AWS::MSK::Topic');
    expect(Object.keys(topics)).toHaveLength(platform.topics.length);
    for (const def of platform.topics) {
      const found = Object.values(topics).find((t) => t.Properties.TopicName === def.name);
      expect(found).toBeDefined();
      expect(found?.DeletionPolicy).toBe('Retain');
      expect(found?.Properties).toMatchObject({
        PartitionCount: def.partitions,
        ReplicationFactor: def.replicationFactor,
      });
      // base64 of a JSON object of strings, as the MSK topic API takes it (infra/constructs/topics.ts)
      const configs: unknown = JSON.parse(
        Buffer.from(String(found?.Properties.Configs), 'base64').toString('utf8'),
      );
      expect(configs).toStrictEqual({
        'cleanup.policy': def.cleanupPolicy,
        'retention.ms': String(def.retentionMs),
        'min.insync.replicas': String(def.minInSyncReplicas),
      });
    }
    synth.template.resourceCountIs('Custom::KafkaTopic', 0);
  });

  it('deploys every function on nodejs22.x arm64 with the shared environment', () => {
    const fns = platformFunctions();
    // one per consumer + publish + management + DLQ retry
    expect(Object.keys(fns)).toHaveLength(platform.consumers.length + 3);
    for (const fn of Object.values(fns)) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        VpcConfig: { SecurityGroupIds: expect.anything(), SubnetIds: expect.anything() },
      });
      const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env).toMatchObject({
        KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
        KAFKA_SASL_MECHANISM: 'AWS_MSK_IAM',
        XSEVEN_TOPIC_PREFIX: '',
        POWERTOOLS_SERVICE_NAME: platform.name,
        POWERTOOLS_METRICS_NAMESPACE: 'XsevenEvents',
        NODE_OPTIONS: '--enable-source-maps',
      });
      expect(JSON.stringify(env.KAFKA_BOOTSTRAP_SERVERS)).toContain('BootstrapBrokerStringSaslIam');
    }
  });

  it('lets every function write its X-Ray segments (active tracing, Powertools Tracer)', () => {
    const policies = Object.values(resourcesOf(synth.template, 'AWS::IAM::Policy'));
    for (const [id, fn] of Object.entries(platformFunctions())) {
      expect([id, fn.Properties.TracingConfig]).toEqual([id, { Mode: 'Active' }]);
      const role = JSON.stringify(fn.Properties.Role);
      const xray = policies
        .filter((p) =>
          JSON.stringify(p.Properties.Roles).includes(
            role.replace(/^\{"Fn::GetAtt":\["([^"]+)".*$/, '$1'),
          ),
        )
        .flatMap((p) => statementsOf(p))
        .flatMap((st) => actionsOf(st));
      expect([id, xray]).toEqual([id, expect.arrayContaining(['xray:PutTraceSegments'])]);
    }
  });

  it('bundles each function with esbuild into a minified file with a source map', () => {
    const outdir = synth.app.outdir;
    const bundles = readdirSync(outdir).filter((d) => existsSync(join(outdir, d, 'index.js.map')));
    expect(bundles).toHaveLength(platform.consumers.length + 3);
    let traced = 0;
    for (const dir of bundles) {
      const code = readFileSync(join(outdir, dir, 'index.js'), 'utf8');
      // minified: long lines (only strings keep their newlines), then the source map link
      expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
      expect(code.trimEnd().endsWith('//# sourceMappingURL=index.js.map')).toBe(true);
      // Each lazy package the handler names is built beside it (infra/bundling.ts), no other,
      // and the handler loads it with require (Node's ESM loader would miss its named exports).
      const names = (name: string): boolean => code.includes(JSON.stringify(name));
      for (const name of LAZY_PACKAGES) {
        expect([dir, name, existsSync(join(outdir, dir, lazyPackageFile(name)))]).toEqual([
          dir,
          name,
          names(name),
        ]);
        expect([dir, names(name)]).toEqual([dir, code.includes(lazyPackageReference(name))]);
      }
      // Every function reaches MSK, with IAM in AWS.
      expect([dir, names('kafkajs'), names('aws-msk-iam-sasl-signer-js')]).toEqual([
        dir,
        true,
        true,
      ]);
      if (names('@aws-lambda-powertools/tracer')) traced += 1;
    }
    // X-Ray: every one of them loads Powertools Tracer at its first invocation.
    expect(traced).toBe(bundles.length);
  });

  it('gives each function a log group with the configured retention', () => {
    const fns = platformFunctions();
    const groups = resourcesOf(synth.template, 'AWS::Logs::LogGroup');
    for (const fn of Object.values(fns)) {
      const ref = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(groups[ref]?.Properties.RetentionInDays).toBe(30);
    }
  });

  it('maps every consumer topic with the definition settings, group and an on-failure destination', () => {
    synth.template.resourceCountIs('AWS::Lambda::EventSourceMapping', consumerTopics.length);
    for (const { c, topic } of consumerTopics) {
      synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        Topics: [topic],
        BatchSize: c.batchSize,
        StartingPosition: c.startingPosition,
        AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: esmGroupId(c, topic) },
        EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^KafkaCluster'), 'Arn'] },
        FunctionResponseTypes: c.reportBatchItemFailures
          ? ['ReportBatchItemFailures']
          : Match.absent(),
        MaximumRetryAttempts: c.maximumRetryAttempts,
        MaximumRecordAgeInSeconds: c.maximumRecordAgeSeconds,
        ProvisionedPollerConfig: {
          MinimumPollers: 1,
          MaximumPollers: platform.topics.find((t) => t.name === topic)?.partitions,
        },
        DestinationConfig: {
          OnFailure: {
            Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FailuresBucket'), 'Arn'] },
          },
        },
      });
    }
    for (const esm of Object.values(
      resourcesOf(synth.template, 'AWS::Lambda::EventSourceMapping'),
    )) {
      // The definition's 500 ms window is AWS's Kafka default: left unset (CloudFormation takes seconds).
      expect(esm.Properties.MaximumBatchingWindowInSeconds).toBeUndefined();
      // With an on-failure destination AWS caps infinite retries at 10: the template says the bound.
      expect(esm.Properties.DestinationConfig).toBeDefined();
      expect(esm.Properties.MaximumRetryAttempts).toBe(ON_FAILURE_RETRY_CAP);
    }
  });

  it('never grants a kafka-cluster action on "*" and scopes each consumer to its topics and groups', () => {
    const policies = resourcesOf(synth.template, 'AWS::IAM::Policy');
    const kafkaStatements = Object.values(policies)
      .flatMap(statementsOf)
      .filter((s) => actionsOf(s).some((a) => a.startsWith('kafka-cluster:')));
    expect(kafkaStatements.length).toBeGreaterThan(0);
    for (const s of kafkaStatements) for (const r of resourcesIn(s)) expect(r).not.toEqual('*');

    for (const c of platform.consumers) {
      const policy = Object.entries(policies).find(([id]) =>
        id.startsWith(`ConsumersConsumer${c.name.replace(/-/g, '')}ServiceRoleDefaultPolicy`),
      )?.[1];
      expect(policy).toBeDefined();
      const text = JSON.stringify(statementsOf(policy ?? { Properties: {} }));
      const read = statementsOf(policy ?? { Properties: {} }).find((s) =>
        actionsOf(s).includes('kafka-cluster:ReadData'),
      );
      const readText = JSON.stringify(read?.Resource);
      expect(readText).toContain(':topic/');
      for (const topic of c.topics) expect(readText).toContain(`/${topic}`);
      for (const other of platform.topics.filter((t) => !c.topics.includes(t.name)))
        expect(readText).not.toContain(`/${other.name}"`);
      for (const topic of c.topics) expect(text).toContain(`/${esmGroupId(c, topic)}`);
      expect(text).toContain(`/${platform.dlq.topic}`);
    }
  });

  it('lets the DLQ retry use exactly its transactional id', () => {
    const policies = resourcesOf(synth.template, 'AWS::IAM::Policy');
    const dlqPolicy = Object.entries(policies).find(([id]) =>
      id.startsWith('DlqRetryFunction'),
    )?.[1];
    const tx = statementsOf(dlqPolicy ?? { Properties: {} }).find((s) =>
      actionsOf(s).includes('kafka-cluster:AlterTransactionalId'),
    );
    expect(JSON.stringify(tx?.Resource)).toContain(`:transactional-id/`);
    expect(JSON.stringify(tx?.Resource)).toContain(`/${dlqTransactionalIds(platform.dlq).mover}`);
  });

  it('lets the management function move DLQ records in the DLQ transactions (manual retry)', () => {
    const policies = resourcesOf(synth.template, 'AWS::IAM::Policy');
    const mgmtPolicy = Object.entries(policies).find(([id]) =>
      id.startsWith('ManagementServiceRoleDefaultPolicy'),
    )?.[1];
    const tx = statementsOf(mgmtPolicy ?? { Properties: {} }).find((s) =>
      actionsOf(s).includes('kafka-cluster:AlterTransactionalId'),
    );
    const text = JSON.stringify(tx?.Resource);
    expect(text).toContain(`/${dlqTransactionalIds(platform.dlq).mover}`);
    expect(text).toContain(`/${dlqTransactionalIds(platform.dlq).archiveRetry}`);
  });

  it('runs the DLQ retry on an EventBridge schedule from the definition', () => {
    synth.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: `rate(${platform.dlq.scheduleMinutes} minutes)`,
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DlqRetryFunction'), 'Arn'] },
        }),
      ],
    });
    synth.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('DLQ retry'),
      ReservedConcurrentExecutions: 1,
    });
    synth.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: platform.dlq.scheduleMinutes * 60,
    });
  });

  it('exposes exactly the definition routes on the HTTP API, IAM-authorized (but the open ones), throttled and logged', () => {
    const all = Object.values(resourcesOf(synth.template, 'AWS::ApiGatewayV2::Route'));
    expect(all.map((r) => r.Properties.RouteKey).sort()).toEqual(
      [...platform.httpRoutes.map((r) => `${r.method} ${r.path}`), '$default'].sort(),
    );
    const routes = all.filter((r) => r.Properties.RouteKey !== '$default');
    const open = new Set(
      platform.httpRoutes
        .filter((r) => r.auth === RouteAuth.None)
        .map((r) => `${r.method} ${r.path}`),
    );
    for (const route of routes)
      expect(route.Properties.AuthorizationType).toBe(
        open.has(String(route.Properties.RouteKey)) ? 'NONE' : 'AWS_IAM',
      );
    const integrations = resourcesOf(synth.template, 'AWS::ApiGatewayV2::Integration');
    for (const def of platform.httpRoutes) {
      const route = routes.find((r) => r.Properties.RouteKey === `${def.method} ${def.path}`);
      const target = JSON.stringify(route?.Properties.Target);
      const integration = Object.entries(integrations).find(([id]) => target.includes(id))?.[1];
      const expected = def.function === 'publish' ? '^Publish' : '^Management';
      expect(JSON.stringify(integration?.Properties.IntegrationUri)).toMatch(
        new RegExp(`"${expected.slice(1)}`),
      );
    }
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
    const stage = Object.values(resourcesOf(synth.template, 'AWS::ApiGatewayV2::Stage'))[0];
    const format = (stage?.Properties.AccessLogSettings as { Format: string }).Format;
    expect(JSON.parse(format)).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
    });
  });

  it('sends requests no route matches ($default) to the management function, unauthenticated', () => {
    const fallback = Object.values(resourcesOf(synth.template, 'AWS::ApiGatewayV2::Route')).find(
      (r) => r.Properties.RouteKey === '$default',
    );
    expect(fallback?.Properties.AuthorizationType).toBe('NONE');
    const target = JSON.stringify(fallback?.Properties.Target);
    const [id] =
      Object.entries(resourcesOf(synth.template, 'AWS::ApiGatewayV2::Integration')).find(([key]) =>
        target.includes(key),
      ) ?? [];
    expect(id).toMatch(/Management/);
  });

  it('alarms on ESM lag, function errors and throttles, DLQ growth and the API, to one SNS topic', () => {
    const alarms = Object.values(resourcesOf(synth.template, 'AWS::CloudWatch::Alarm'));
    const named = (metric: string): typeof alarms =>
      alarms.filter((a) => a.Properties.MetricName === metric);
    expect(named('OffsetLag')).toHaveLength(platform.consumers.length);
    for (const a of named('OffsetLag'))
      expect(a.Properties).toMatchObject({ Namespace: 'AWS/Lambda', Threshold: 1000 });
    expect(named('Errors')).toHaveLength(platform.consumers.length + 3);
    expect(named('Throttles')).toHaveLength(platform.consumers.length + 3);
    // the EMF name the consumers emit (shared/observability/metrics.ts)
    expect(named('DlqMessagesSentTotal')).toHaveLength(1);
    expect(named('DlqMessagesArchivedTotal')).toHaveLength(1);
    expect(named('DlqMessagesSentTotal')[0]?.Properties).toMatchObject({
      Namespace: 'XsevenEvents',
      Dimensions: [{ Name: 'service', Value: platform.name }],
    });
    expect(named('5xx')).toHaveLength(1);
    expect(named('Latency')).toHaveLength(1);
    synth.template.resourceCountIs('AWS::SNS::Topic', 1);
    for (const a of alarms)
      expect(JSON.stringify(a.Properties.AlarmActions)).toMatch(/ObservabilityAlarmTopic/);
    synth.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    synth.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('evaluates every alarm over the alert window of /alerts and the Prometheus rules', () => {
    const alarms = Object.values(resourcesOf(synth.template, 'AWS::CloudWatch::Alarm'));
    const windowSeconds = ALERT_WINDOW_MINUTES * 60;
    for (const a of alarms) {
      const { MetricName, Period, EvaluationPeriods } = a.Properties as {
        MetricName: string;
        Period: number;
        EvaluationPeriods: number;
      };
      if (MetricName === 'OffsetLag') expect(Period * EvaluationPeriods).toBe(windowSeconds);
      else if (MetricName === 'Latency') expect(Period).toBe(windowSeconds);
      else
        expect({ MetricName, Period, EvaluationPeriods }).toEqual({
          MetricName,
          Period: windowSeconds,
          EvaluationPeriods: 1,
        });
    }
  });

  it('lets the management function read the counters of /alerts from CloudWatch, for its EMF service', () => {
    synth.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: Match.arrayWith(['cloudwatch:GetMetricData']),
            // GetMetricData has no resource-level permissions.
            Resource: '*',
          }),
        ]),
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^ManagementServiceRole') }],
    });
    const management = Object.entries(platformFunctions()).find(([id]) =>
      id.startsWith('Management'),
    )?.[1];
    const env = (management?.Properties.Environment as { Variables: Record<string, unknown> })
      .Variables;
    // The dimension the CloudWatch reader queries is the one the alarms and the EMF metrics carry.
    expect(env).toMatchObject({
      POWERTOOLS_SERVICE_NAME: platform.name,
      POWERTOOLS_METRICS_NAMESPACE: 'XsevenEvents',
    });
  });

  it('keeps ESM failures in a private, TLS-only, retained bucket', () => {
    synth.template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: Match.objectLike({
          BlockPublicAcls: true,
          RestrictPublicBuckets: true,
        }),
        LoggingConfiguration: Match.anyValue(),
      }),
    });
  });

  it('passes the cdk-nag AwsSolutions checks with no unacknowledged finding', () => {
    const violations = nagViolations(synth.stack);
    expect(violations.map((v) => `${v.severity} ${v.ruleName}`)).toEqual([]);
  });
});
