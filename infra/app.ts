import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { infraConfigFromContext } from './config';
import { PlatformStack } from './stacks/platform-stack';

// Thin on purpose: settings come from the CDK context (cdk.json, `-c xseven:...`),
// everything else from the platform definition. See docs/deploy.md.
// The stack is environment-agnostic (no lookups): `cdk synth` never needs AWS,
// and `cdk deploy` targets the account and region of the credentials.
const app = new App();
const config = infraConfigFromContext((key) => app.node.tryGetContext(key));
const stackName =
  (app.node.tryGetContext('xseven:stackName') as string | undefined) ?? 'XsevenEvents';
new PlatformStack(app, stackName, {
  config,
  description: 'xseven-events: Kafka event platform on Amazon MSK, Lambda and API Gateway',
});
// cdk-nag AwsSolutions: synth fails on any unacknowledged finding.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
