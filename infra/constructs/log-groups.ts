import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/**
 * How every log group of the stack is kept: retention, what happens to it
 * when the stack is deleted (retained by default: logs are evidence), and an
 * optional customer managed KMS key (else CloudWatch Logs' own encryption).
 */
export interface LogSettings {
  readonly retention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /** Its key policy must let CloudWatch Logs use it (docs/deploy.md). @default none */
  readonly encryptionKey?: IKey;
}

/**
 * A log group with the stack's {@link LogSettings}: functions, API access
 * logs, broker logs and VPC flow logs all get one this way.
 *
 * @example
 * ```ts
 * const group = platformLogGroup(this, 'AccessLogs', logs);
 * ```
 */
export const platformLogGroup = (scope: Construct, id: string, logs: LogSettings): LogGroup =>
  new LogGroup(scope, id, {
    retention: logs.retention,
    removalPolicy: logs.removalPolicy,
    ...(logs.encryptionKey === undefined ? {} : { encryptionKey: logs.encryptionKey }),
  });
