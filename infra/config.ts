import * as z from 'zod';
import { ApiAuthMode, batchingWindowsSchema } from '../shared/platform';
import { InfraConfigError } from './errors';

/** How the stack gets its Kafka cluster. */
export const ClusterMode = {
  /** Use a cluster that already exists (its ARN comes from the context). */
  Existing: 'existing',
  /** Create an MSK Provisioned cluster (IAM auth, TLS, three AZs). */
  Provisioned: 'provisioned',
  /** Create an MSK Serverless cluster (IAM auth). */
  Serverless: 'serverless',
} as const;
export type ClusterMode = (typeof ClusterMode)[keyof typeof ClusterMode];

/**
 * Client authentication to the cluster: MSK IAM (every mode), or SASL/SCRAM
 * with an AmazonMSK_ secret (existing clusters only).
 */
export const ClusterAuthMode = { Iam: 'iam', Scram: 'scram' } as const;
export type ClusterAuthMode = (typeof ClusterAuthMode)[keyof typeof ClusterAuthMode];

/** Authorization of the HTTP API routes (one definition with the local gateway's). */
export { ApiAuthMode };

/** What happens to a kind of resource (topics, log groups) when the stack is deleted. */
export const Removal = { Retain: 'retain', Destroy: 'destroy' } as const;
export type Removal = (typeof Removal)[keyof typeof Removal];

/** Every context key the app reads, all under the `xseven:` prefix. */
export const CONTEXT_KEYS = [
  'clusterMode',
  'clusterArn',
  'authMode',
  'scramSecretArn',
  'scramSecretKeyArn',
  'bootstrapServers',
  'clusterSecurityGroupId',
  'kafkaVersion',
  'brokerInstanceType',
  'brokerNodes',
  'brokerVolumeGiB',
  'vpcId',
  'availabilityZones',
  'privateSubnetIds',
  'natGateways',
  'topicPrefix',
  'topicRemoval',
  'apiAuth',
  'jwtIssuer',
  'jwtAudience',
  'throttleRateLimit',
  'throttleBurstLimit',
  'logRetentionDays',
  'logRemoval',
  'logKmsKeyArn',
  'publishReservedConcurrency',
  'managementReservedConcurrency',
  'mskKmsKeyArn',
  'alarmEmail',
  'offsetLagThreshold',
  'apiLatencyP99Ms',
  'batchingWindowMs',
] as const;
export type ContextKey = (typeof CONTEXT_KEYS)[number];

/** A list given as a JSON array (cdk.json) or comma-separated (`-c key=a,b`). */
const listSchema = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : v,
  z.array(z.string().min(1)),
);

const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
const kmsKeyArn = z.string().regex(KMS_KEY_ARN, 'must be a KMS key ARN');
const removal = z.enum(Object.values(Removal) as [Removal, ...Removal[]]);
/** Reserved concurrency of a function: also its ceiling (Lambda never runs more at once). */
const reservedConcurrency = z.coerce.number().int().min(1).max(10_000);

const CLUSTER_ARN =
  /^arn:aws[a-z-]*:kafka:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9-]+\/[A-Za-z0-9-]+$/;

export const infraConfigSchema = z
  .object({
    clusterMode: z
      .enum(Object.values(ClusterMode) as [ClusterMode, ...ClusterMode[]])
      .default('provisioned'),
    clusterArn: z.string().regex(CLUSTER_ARN, 'must be an MSK cluster ARN').optional(),
    authMode: z
      .enum(Object.values(ClusterAuthMode) as [ClusterAuthMode, ...ClusterAuthMode[]])
      .default('iam'),
    /** Secrets Manager secret of the SCRAM user (MSK requires the AmazonMSK_ name prefix). */
    scramSecretArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:AmazonMSK_[A-Za-z0-9/_+=.@-]+$/,
        'must be the ARN of a Secrets Manager secret named AmazonMSK_...',
      )
      .optional(),
    /** Customer managed KMS key of that secret (MSK requires one), for the event source mappings. */
    scramSecretKeyArn: kmsKeyArn.optional(),
    /** Bootstrap brokers of an existing cluster (else looked up with kafka:GetBootstrapBrokers). */
    bootstrapServers: z
      .string()
      .regex(
        /^[A-Za-z0-9.\-_]+:\d{1,5}(,[A-Za-z0-9.\-_]+:\d{1,5})*$/,
        'must be host:port,host:port',
      )
      .optional(),
    /** Security group of an existing cluster: the stack opens it to the functions. */
    clusterSecurityGroupId: z
      .string()
      .regex(/^sg-[0-9a-f]+$/)
      .optional(),
    /** Kafka version of a new provisioned cluster (an MSK-supported version). */
    kafkaVersion: z
      .string()
      .regex(/^\d+\.\d+\.(\d+|x)(\.kraft)?$/)
      .default('3.9.x'),
    brokerInstanceType: z
      .string()
      .regex(/^(kafka|express)\.[a-z0-9]+\.[a-z0-9]+$/)
      .default('kafka.m7g.large'),
    brokerNodes: z.coerce
      .number()
      .int()
      .min(3)
      .refine((n) => n % 3 === 0, 'must be a multiple of 3 (three AZs)')
      .default(3),
    brokerVolumeGiB: z.coerce.number().int().min(1).max(16_384).default(100),
    vpcId: z
      .string()
      .regex(/^vpc-[0-9a-f]+$/)
      .optional(),
    availabilityZones: listSchema.optional(),
    privateSubnetIds: listSchema.optional(),
    natGateways: z.coerce.number().int().min(1).max(3).default(1),
    topicPrefix: z
      .string()
      .regex(/^[a-zA-Z0-9._-]*$/)
      .default(''),
    topicRemoval: removal.default('retain'),
    apiAuth: z.enum(Object.values(ApiAuthMode) as [ApiAuthMode, ...ApiAuthMode[]]).default('iam'),
    jwtIssuer: z.url().optional(),
    jwtAudience: listSchema.optional(),
    throttleRateLimit: z.coerce.number().int().min(1).default(100),
    throttleBurstLimit: z.coerce.number().int().min(1).default(200),
    logRetentionDays: z.coerce.number().int().min(1).default(30),
    /** Log groups outlive the stack unless `destroy`: they are the record of what happened. */
    logRemoval: removal.default('retain'),
    /** Customer managed key of every log group (else CloudWatch Logs' own encryption). */
    logKmsKeyArn: kmsKeyArn.optional(),
    publishReservedConcurrency: reservedConcurrency.default(50),
    managementReservedConcurrency: reservedConcurrency.default(10),
    /** Customer managed key for a new provisioned cluster's data at rest (else MSK's aws/msk key). */
    mskKmsKeyArn: kmsKeyArn.optional(),
    alarmEmail: z.email().optional(),
    offsetLagThreshold: z.coerce.number().int().min(1).default(1000),
    apiLatencyP99Ms: z.coerce.number().int().min(1).default(2000),
    /**
     * The event source mappings' batching windows of this deployment, over the
     * definition's: `0` for every consumer or `conversation-log=0,ai-responses=1000`
     * (ms; AWS takes whole seconds, or the 500 ms default).
     */
    batchingWindowMs: batchingWindowsSchema().optional(),
  })
  .superRefine((c, ctx) => {
    const need = (key: ContextKey, when: string): void =>
      ctx.addIssue({ code: 'custom', path: [key], message: `required ${when}` });
    if (c.clusterMode === 'existing' && c.clusterArn === undefined)
      need('clusterArn', 'with clusterMode "existing"');
    if (c.authMode === 'scram' && c.clusterMode !== 'existing')
      ctx.addIssue({
        code: 'custom',
        path: ['authMode'],
        message: `"scram" needs clusterMode "existing" (the clusters the stack creates use IAM)`,
      });
    if (c.authMode === 'scram' && c.scramSecretArn === undefined)
      need('scramSecretArn', 'with authMode "scram"');
    if (c.mskKmsKeyArn !== undefined && c.clusterMode !== 'provisioned')
      ctx.addIssue({
        code: 'custom',
        path: ['mskKmsKeyArn'],
        message: `applies to a new provisioned cluster only (MSK Serverless always encrypts at rest with a key AWS manages; an existing cluster keeps its own setting)`,
      });
    if (c.apiAuth === 'jwt' && c.jwtIssuer === undefined) need('jwtIssuer', 'with apiAuth "jwt"');
    if (c.apiAuth === 'jwt' && (c.jwtAudience ?? []).length === 0)
      need('jwtAudience', 'with apiAuth "jwt"');
    if (c.vpcId !== undefined) {
      if ((c.availabilityZones ?? []).length === 0)
        need('availabilityZones', 'with an imported VPC (vpcId)');
      if ((c.privateSubnetIds ?? []).length === 0)
        need('privateSubnetIds', 'with an imported VPC (vpcId)');
      if (c.privateSubnetIds?.length !== c.availabilityZones?.length)
        ctx.addIssue({
          code: 'custom',
          path: ['privateSubnetIds'],
          message: 'needs one subnet per availability zone, in the same order',
        });
    }
    if (c.throttleBurstLimit < c.throttleRateLimit)
      ctx.addIssue({
        code: 'custom',
        path: ['throttleBurstLimit'],
        message: 'must be at least throttleRateLimit',
      });
  });

/** The validated deployment settings of the stack. */
export type InfraConfig = z.output<typeof infraConfigSchema>;
/** Deployment settings as written (defaults may be omitted). */
export type InfraConfigInput = z.input<typeof infraConfigSchema>;

/**
 * Validates deployment settings, filling defaults. Every problem is reported
 * at once, each naming its context key (`xseven:clusterArn: required ...`).
 *
 * @example
 * ```ts
 * const config = parseInfraConfig({ clusterMode: 'serverless' });
 * config.apiAuth; // 'iam'
 * ```
 */
export const parseInfraConfig = (input: Readonly<Record<string, unknown>>): InfraConfig => {
  const parsed = infraConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (i) => `xseven:${i.path.map(String).join('.')}: ${i.message}`,
  );
  throw new InfraConfigError(`invalid CDK context:\n- ${problems.join('\n- ')}`, {
    details: { problems },
  });
};

/**
 * Reads every `xseven:*` context key through a getter (a construct's
 * `node.tryGetContext`) and validates them.
 *
 * @example
 * ```ts
 * const config = infraConfigFromContext((key) => app.node.tryGetContext(key));
 * ```
 */
export const infraConfigFromContext = (get: (key: string) => unknown): InfraConfig =>
  parseInfraConfig(
    Object.fromEntries(
      CONTEXT_KEYS.map((key) => [key, get(`xseven:${key}`)] as const).filter(
        ([, value]) => value !== undefined && value !== '',
      ),
    ),
  );
