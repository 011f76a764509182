import { ENV_VARIABLES, PlatformEnv } from '../../shared/platform/env';
import { platform } from '../../shared/platform';
import { EXISTING_CLUSTER_ARN, synthPlatform } from './support/synth';

describe("the functions' environment", () => {
  /** The variables of the platform's functions (CDK's own Provider function left out). */
  const variablesOfEveryFunction = (config = {}): Record<string, unknown>[] =>
    Object.values(
      synthPlatform({ config }).template.findResources('AWS::Lambda::Function', {
        Properties: { Handler: 'index.handler' },
      }),
    )
      .map(
        (fn) =>
          (fn as { Properties: { Environment?: { Variables?: Record<string, unknown> } } })
            .Properties.Environment?.Variables,
      )
      .filter((v): v is Record<string, unknown> => v !== undefined);

  it('holds only variables of the environment contract (shared/platform/env)', () => {
    const contract = new Set(ENV_VARIABLES.map((v) => v.name));
    const scram = {
      clusterMode: 'existing',
      clusterArn: EXISTING_CLUSTER_ARN,
      authMode: 'scram',
      scramSecretArn:
        'arn:aws:secretsmanager:eu-west-1:123456789012:secret:AmazonMSK_xseven-AbCdEf',
      scramSecretKeyArn:
        'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      clusterSecurityGroupId: 'sg-0123456789abcdef0',
    };
    for (const config of [{}, { clusterMode: 'serverless' }, scram]) {
      const names = variablesOfEveryFunction(config).flatMap((variables) => Object.keys(variables));
      expect(names.length).toBeGreaterThan(0);
      expect(names.filter((name) => !contract.has(name))).toEqual([]);
    }
  });

  it("writes the definition's metrics namespace, the one the runtime reads", () => {
    for (const variables of variablesOfEveryFunction())
      expect(variables[PlatformEnv.MetricsNamespace.name]).toBe(platform.metricsNamespace);
  });
});
