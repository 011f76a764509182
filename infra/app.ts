import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { infraConfigFromContext } from './config';
import { PlatformStack } from './stacks/platform-stack';

// Thin on purpose: settings come from the CDK context (cdk.json, `-c xseven:...`),
// everything else from the platform definition. See docs/deploy.md.
const app = new App();
const config = infraConfigFromContext((key) => app.node.tryGetContext(key));
const stackName =
  (app.node.tryGetContext('xseven:stackName') as string | undefined) ?? 'XsevenEvents';
new PlatformStack(app, stackName, {
  config,
  description: 'xseven-events: Kafka event platform on Amazon MSK, Lambda and API Gateway',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
// cdk-nag AwsSolutions: synth fails on any unacknowledged finding.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
