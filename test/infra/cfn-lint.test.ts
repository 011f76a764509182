import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InfraConfigInput } from '../../infra/config';
import { PROJECT_ROOT } from '../../infra/stacks/platform-stack';
import { EXISTING_CLUSTER_ARN, synthPlatform } from './support/synth';

/**
 * cfn-lint (the CloudFormation resource schemas, AWS's own linter) on the
 * synthesized template of every cluster mode, with the options that change
 * resources (JWT, SCRAM, imported VPC, old Kafka, every hardening option): 0 errors.
 * Installed, pinned, by `bash .ci/install-cfn-lint.sh`; XSEVEN_CFN_LINT may
 * point at another cfn-lint binary.
 */
const CFN_LINT = process.env.XSEVEN_CFN_LINT ?? join(PROJECT_ROOT, '.xseven/cfn-lint/bin/cfn-lint');
const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** Each cluster mode; the second provisioned and the existing ones also cover the options that change resources. */
const VARIANTS: Readonly<Record<string, InfraConfigInput>> = {
  provisioned: {},
  'provisioned-kafka-3.5-jwt-hardened': {
    kafkaVersion: '3.5.1',
    topicPrefix: 'staging-',
    apiAuth: 'jwt',
    jwtIssuer: 'https://auth.example.com/',
    jwtAudience: 'xseven-api',
    logKmsKeyArn: KEY,
    mskKmsKeyArn: KEY,
    logRemoval: 'destroy',
    topicRemoval: 'destroy',
  },
  serverless: { clusterMode: 'serverless' },
  'existing-scram': {
    clusterMode: 'existing',
    clusterArn: EXISTING_CLUSTER_ARN,
    authMode: 'scram',
    scramSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:AmazonMSK_xseven-AbCdEf',
    scramSecretKeyArn: KEY,
    bootstrapServers: 'b-1.legacy:9096,b-2.legacy:9096',
    clusterSecurityGroupId: 'sg-0123456789abcdef0',
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: 'eu-west-1a,eu-west-1b,eu-west-1c',
    privateSubnetIds: 'subnet-0a,subnet-0b,subnet-0c',
  },
};

/** One finding of `cfn-lint --format json`. */
interface CfnLintMatch {
  readonly Level: 'Error' | 'Warning' | 'Informational';
  readonly Rule: { readonly Id: string };
  readonly Message: string;
  readonly Filename: string;
  readonly Location: { readonly Path?: readonly (string | number)[] };
}

const format = (m: CfnLintMatch): string =>
  `${m.Rule.Id} ${m.Filename.split('/').pop() ?? ''} ${(m.Location.Path ?? []).join('/')}: ${m.Message}`;

/** Findings by rule: how many, and the first one. */
const summary = (matches: readonly CfnLintMatch[]): string => {
  const byRule = new Map<string, CfnLintMatch[]>();
  for (const m of matches) byRule.set(m.Rule.Id, [...(byRule.get(m.Rule.Id) ?? []), m]);
  return [...byRule]
    .map(([rule, all]) => `${rule} x${all.length}, e.g. ${all[0] ? format(all[0]) : ''}`)
    .join('\n');
};

/** Runs the pinned cfn-lint on template files; fails loudly when it is missing or crashes. */
const lint = (files: readonly string[]): CfnLintMatch[] => {
  if (!existsSync(CFN_LINT))
    throw new Error(
      `cfn-lint not found at ${CFN_LINT}: install it with "bash .ci/install-cfn-lint.sh" (pinned, into .xseven/cfn-lint; needs python3 and PyPI), or set XSEVEN_CFN_LINT to a cfn-lint binary`,
    );
  // Exit status is a bit mask (2 errors, 4 warnings, 8 informational); 1 is a crash.
  const run = spawnSync(CFN_LINT, ['--format', 'json', '--regions', 'us-east-1', '--', ...files], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error !== undefined || run.status === 1 || run.status === null)
    throw new Error(
      `cfn-lint did not run (status ${String(run.status)}): ${String(run.error ?? run.stderr)}`,
    );
  return JSON.parse(run.stdout || '[]') as CfnLintMatch[];
};

describe('cfn-lint on the synthesized templates', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'xseven-cfn-lint-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('catches an error (the harness reads its findings)', () => {
    const file = join(dir, 'broken.template.json');
    const topic = { Type: 'AWS::MSK::Topic', Properties: { ClusterArn: 'arn', TopicName: 't' } };
    writeFileSync(file, JSON.stringify({ Resources: { Topic: topic } }));
    const errors = lint([file]).filter((m) => m.Level === 'Error');
    expect(errors.map((m) => m.Rule.Id)).toContain('E3003'); // PartitionCount, ReplicationFactor missing
  }, 120_000);

  it('reports no error for any cluster mode', () => {
    const files = Object.entries(VARIANTS).map(([name, config]) => {
      const { app, stack } = synthPlatform({ config });
      const file = join(dir, `${name}.template.json`);
      writeFileSync(file, JSON.stringify(app.synth().getStackByName(stack.stackName).template));
      return file;
    });
    const matches = lint(files);
    const others = matches.filter((m) => m.Level !== 'Error');
    if (others.length > 0) console.info(`cfn-lint warnings (accepted):\n${summary(others)}`);
    expect(matches.filter((m) => m.Level === 'Error').map(format)).toEqual([]);
  }, 600_000);
});
