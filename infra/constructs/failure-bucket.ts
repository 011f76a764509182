import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';

/**
 * The last-resort on-failure destination of the event source mappings: when
 * a batch exhausts its retries or record age, Lambda writes the invocation
 * record (with the records) here, so nothing is dropped even if the DLQ
 * topic itself was unreachable. Private, encrypted, TLS only, versioned,
 * retained with the stack's deletion, with server access logs.
 *
 * @example
 * ```ts
 * const failures = new FailureBucket(this, 'Failures');
 * new S3OnFailureDestination(failures.bucket);
 * ```
 */
export class FailureBucket extends Construct {
  public readonly bucket: Bucket;
  public readonly accessLogs: Bucket;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    // S3 server access logs delivered under a bucket policy, not the legacy
    // LogDeliveryWrite ACL (cfn-lint W3045); AWS's recommendation since ACLs
    // are disabled by default. Set before the buckets exist.
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const common = {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    } as const;
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      ...common,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
    });
    this.bucket = new Bucket(this, 'Bucket', {
      ...common,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'failures/',
    });
  }
}
