import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseInfraConfig } from '../../../infra/config';
import type { InfraConfigInput } from '../../../infra/config';
import { PlatformStack } from '../../../infra/stacks/platform-stack';
import type { PlatformDefinition } from '../../../shared/platform';

/** An ARN of an existing MSK cluster, for the `existing` mode. */
export const EXISTING_CLUSTER_ARN =
  'arn:aws:kafka:eu-west-1:123456789012:cluster/legacy/0b7f6a3e-1111-2222-3333-444455556666-2';

/** What a test synthesizes. */
export interface SynthOptions {
  readonly config?: InfraConfigInput;
  readonly definition?: PlatformDefinition;
  /** Run esbuild on every function (slow: do it once per file at most). @default false */
  readonly bundle?: boolean;
}

/** A synthesized platform stack. */
export interface Synthesized {
  readonly app: App;
  readonly stack: PlatformStack;
  readonly template: Template;
}

/**
 * Builds and synthesizes one PlatformStack. Without `bundle`, the function
 * code is not bundled (CDK's `aws:cdk:bundling-stacks` = []), which keeps
 * the infra tests fast; the entry files must still exist.
 */
export const synthPlatform = (options: SynthOptions = {}): Synthesized => {
  const app = new App({
    context: options.bundle === true ? {} : { 'aws:cdk:bundling-stacks': [] },
  });
  const stack = new PlatformStack(app, 'Test', {
    config: parseInfraConfig({ ...options.config }),
    ...(options.definition === undefined ? {} : { definition: options.definition }),
  });
  return { app, stack, template: Template.fromStack(stack) };
};

/** One cdk-nag finding. */
export type NagViolation = ReturnType<AwsSolutionsChecks['validateScope']>['violations'][number];

/** Every cdk-nag AwsSolutions finding on a stack that is not acknowledged. */
export const nagViolations = (stack: PlatformStack): NagViolation[] =>
  new AwsSolutionsChecks().validateScope(stack).violations;

/** The resources of one type, by logical id. */
export const resourcesOf = (
  template: Template,
  type: string,
): Record<string, { Properties: Record<string, unknown>; DeletionPolicy?: string }> =>
  template.findResources(type) as Record<
    string,
    { Properties: Record<string, unknown>; DeletionPolicy?: string }
  >;
