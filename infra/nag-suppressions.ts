import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import { PlatformFunction } from './constructs/platform-function';

/** A cdk-nag finding the platform accepts, and why. */
export interface AcceptedFinding {
  readonly id: string;
  readonly reason: string;
}

const MANAGED_POLICY = (name: string): string =>
  `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${name}]`;

/** Findings accepted on the whole stack: each is about AWS's own minimal building blocks. */
export const STACK_WIDE_FINDINGS: readonly AcceptedFinding[] = [
  {
    id: MANAGED_POLICY('AWSLambdaBasicExecutionRole'),
    reason:
      'AWS-maintained minimal policy: lets each function write its own CloudWatch log streams, nothing else',
  },
  {
    id: MANAGED_POLICY('AWSLambdaVPCAccessExecutionRole'),
    reason:
      'AWS-maintained minimal policy a function in a VPC needs to manage its network interfaces (EC2 APIs have no resource scoping for this)',
  },
  {
    id: MANAGED_POLICY('AWSLambdaMSKExecutionRole'),
    reason:
      'Added by ManagedKafkaEventSource: the event source mapping needs it to describe the cluster and attach to its subnets; data-plane access is granted separately, scoped to ARNs',
  },
  {
    id: 'AwsSolutions-L1',
    reason:
      'The platform targets nodejs22.x on purpose (the runtime the bundles are built and tested for); CDK-internal providers pick their own runtime',
  },
];

/** Why every function's role has `Resource::*`. */
export const XRAY_REASON =
  'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions (AWS documents Resource "*")';

/**
 * Acknowledges one wildcard resource of an IAM policy on `scope`, naming the
 * finding exactly as cdk-nag reports it.
 *
 * @example
 * ```ts
 * acceptWildcardResource(fn, kafka.arns.topic('*'), 'the management API creates topics by name');
 * ```
 */
export const acceptWildcardResource = (
  scope: IConstruct,
  resource: string,
  reason: string,
): void => {
  const flat = flattenCfnReference(Stack.of(scope).resolve(resource));
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flat}]`, reason });
};

/**
 * Acknowledges the same findings on several constructs.
 *
 * @example
 * ```ts
 * accept([fn], [{ id: 'AwsSolutions-IAM5[Resource::*]', reason: '...' }]);
 * ```
 */
export const accept = (
  scopes: readonly IConstruct[],
  findings: readonly AcceptedFinding[],
): void => {
  for (const scope of scopes)
    for (const finding of findings) Validations.of(scope).acknowledge(finding);
};

/**
 * Suppresses the cdk-nag AwsSolutions findings the platform accepts on a
 * stack, each with its reason. Findings specific to one construct are
 * acknowledged where the construct is built; `ownReasons` lists the
 * functions that explain their `Resource::*` themselves.
 *
 * @example
 * ```ts
 * suppressPlatformFindings(stack);
 * ```
 */
export const suppressPlatformFindings = (
  stack: Stack,
  ownReasons: ReadonlySet<IConstruct> = new Set(),
): void => {
  accept([stack], STACK_WIDE_FINDINGS);
  const functions = stack.node
    .findAll()
    .filter((c) => c instanceof PlatformFunction && !ownReasons.has(c));
  accept(functions, [{ id: 'AwsSolutions-IAM5[Resource::*]', reason: XRAY_REASON }]);
};
