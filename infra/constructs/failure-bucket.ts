import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
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
    const common = {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    } as const;
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      ...common,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
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
