import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { ALERT_WINDOW_MINUTES, emfMetricName, MetricName } from '../../shared/platform';

/** A function to watch, with a short name for alarm and widget titles. */
export interface WatchedFunction {
  readonly name: string;
  readonly fn: IFunction;
}

/** Properties of {@link PlatformObservability}. */
export interface PlatformObservabilityProps {
  readonly platformName: string;
  /** POWERTOOLS_METRICS_NAMESPACE of the functions. */
  readonly metricsNamespace: string;
  /** POWERTOOLS_SERVICE_NAME of the functions (the EMF `service` dimension). */
  readonly serviceName: string;
  /** Consumers fed by MSK event source mappings (OffsetLag alarms). */
  readonly consumers: readonly WatchedFunction[];
  /** Every function (errors and throttles alarms). */
  readonly functions: readonly WatchedFunction[];
  readonly api: HttpApi;
  readonly offsetLagThreshold: number;
  readonly apiLatencyP99Ms: number;
  readonly alarmEmail?: string;
}

/**
 * CloudWatch names of the DLQ metrics, as the functions emit them through
 * Powertools EMF (shared/platform/metrics.ts: `DlqMessagesSentTotal`...).
 */
export const DlqMetric = {
  Sent: emfMetricName(MetricName.DlqMessagesSent),
  Archived: emfMetricName(MetricName.DlqMessagesArchived),
} as const;
export type DlqMetric = (typeof DlqMetric)[keyof typeof DlqMetric];

/** The alarms' window: the one of the management API's /alerts and of the Prometheus rules. */
const ALERT_WINDOW = Duration.minutes(ALERT_WINDOW_MINUTES);
/** OffsetLag is a per-minute maximum: the lag alarm wants it high for every minute of the window. */
const ONE_MINUTE = Duration.minutes(1);

/**
 * Alarms, a dashboard and the SNS topic they notify (KMS-encrypted, TLS
 * only): ESM OffsetLag per consumer, errors and throttles per function, DLQ
 * growth and archiving (the functions' Powertools EMF metrics), API 5xx and p99 latency.
 *
 * @example
 * ```ts
 * new PlatformObservability(this, 'Observability', { platformName, metricsNamespace, serviceName, consumers, functions, api, offsetLagThreshold: 1000, apiLatencyP99Ms: 2000 });
 * ```
 */
export class PlatformObservability extends Construct {
  public readonly alarmTopic: Topic;
  public readonly dashboard: Dashboard;
  public readonly alarms: Alarm[] = [];
  private readonly action: SnsAction;

  public constructor(scope: Construct, id: string, props: PlatformObservabilityProps) {
    super(scope, id);
    const key = new Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the xseven alarm topic',
      enableKeyRotation: true,
    });
    // CloudWatch alarms publish to an encrypted topic only with the key's use.
    key.grant(
      new ServicePrincipal('cloudwatch.amazonaws.com'),
      'kms:Decrypt',
      'kms:GenerateDataKey*',
    );
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: `${props.platformName} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    if (props.alarmEmail !== undefined)
      this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    this.action = new SnsAction(this.alarmTopic);

    const lag = props.consumers.map(({ name, fn }) => {
      const metric = offsetLagMetric(fn);
      this.alarm(`OffsetLag:${name}`, metric, {
        threshold: props.offsetLagThreshold,
        evaluationPeriods: ALERT_WINDOW_MINUTES,
        description: `consumer ${name} is more than ${props.offsetLagThreshold} records behind for ${ALERT_WINDOW_MINUTES} minutes`,
      });
      return metric.with({ label: name });
    });

    for (const { name, fn } of props.functions) {
      this.alarm(`Errors:${name}`, fn.metricErrors({ period: ALERT_WINDOW, statistic: 'Sum' }), {
        threshold: 1,
        description: `function ${name} failed at least once in ${ALERT_WINDOW_MINUTES} minutes`,
      });
      this.alarm(
        `Throttles:${name}`,
        fn.metricThrottles({ period: ALERT_WINDOW, statistic: 'Sum' }),
        {
          threshold: 1,
          description: `function ${name} was throttled in the last ${ALERT_WINDOW_MINUTES} minutes`,
        },
      );
    }

    const dlq = (metricName: DlqMetric): Metric =>
      new Metric({
        namespace: props.metricsNamespace,
        metricName,
        dimensionsMap: { service: props.serviceName },
        statistic: 'Sum',
        period: ALERT_WINDOW,
      });
    this.alarm('DlqGrowth', dlq(DlqMetric.Sent), {
      threshold: 1,
      description: `records were sent to the dead-letter queue in the last ${ALERT_WINDOW_MINUTES} minutes`,
    });
    this.alarm('DlqArchived', dlq(DlqMetric.Archived), {
      threshold: 1,
      description: `records ran out of retries and were archived in the last ${ALERT_WINDOW_MINUTES} minutes`,
    });

    const api5xx = props.api.metricServerError({ period: ALERT_WINDOW, statistic: 'Sum' });
    const latency = props.api.metricLatency({ period: ALERT_WINDOW, statistic: 'p99' });
    this.alarm('Api5xx', api5xx, {
      threshold: 5,
      description: `the HTTP API answered 5 or more 5xx in ${ALERT_WINDOW_MINUTES} minutes`,
    });
    this.alarm('ApiLatencyP99', latency, {
      threshold: props.apiLatencyP99Ms,
      evaluationPeriods: 3,
      description: `HTTP API p99 latency above ${props.apiLatencyP99Ms} ms for ${3 * ALERT_WINDOW_MINUTES} minutes`,
    });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      // Dashboard names are unique per account and region: one per stack.
      dashboardName: `${Stack.of(this).stackName}-${props.platformName}`.replace(
        /[^A-Za-z0-9_-]/g,
        '-',
      ),
    });
    this.dashboard.addWidgets(
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }),
    );
    this.dashboard.addWidgets(
      graph('HTTP API requests and errors', [
        props.api.metricCount({ period: ALERT_WINDOW }),
        props.api.metricClientError({ period: ALERT_WINDOW }),
        api5xx,
      ]),
      graph('HTTP API latency p99 (ms)', [latency]),
    );
    this.dashboard.addWidgets(
      graph('Consumer OffsetLag', lag),
      graph('Dead-letter queue', [dlq(DlqMetric.Sent), dlq(DlqMetric.Archived)]),
    );
    this.dashboard.addWidgets(
      graph(
        'Function errors',
        props.functions.map(({ name, fn }) =>
          fn.metricErrors({ period: ALERT_WINDOW, label: name }),
        ),
      ),
      graph(
        'Function duration p99',
        props.functions.map(({ name, fn }) =>
          fn.metricDuration({ period: ALERT_WINDOW, statistic: 'p99', label: name }),
        ),
      ),
    );
  }

  private alarm(
    id: string,
    metric: IMetric,
    options: { threshold: number; description: string; evaluationPeriods?: number },
  ): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      threshold: options.threshold,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
    });
    alarm.addAlarmAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }
}

/**
 * The OffsetLag metric Lambda publishes for a function fed by a Kafka event
 * source mapping (records behind the end of the topic, maximum per minute).
 *
 * @example
 * ```ts
 * offsetLagMetric(consumerFn).with({ label: 'conversation-log' });
 * ```
 */
export const offsetLagMetric = (fn: IFunction): Metric =>
  new Metric({
    namespace: 'AWS/Lambda',
    metricName: 'OffsetLag',
    dimensionsMap: { FunctionName: fn.functionName },
    statistic: 'Maximum',
    period: ONE_MINUTE,
  });

const graph = (title: string, left: IMetric[]): GraphWidget =>
  new GraphWidget({ title, left, width: 12 });
