import { Match } from 'aws-cdk-lib/assertions';
import { contextProblems as problemsOf } from './support/problems';
import { nagViolations, resourcesOf, synthPlatform } from './support/synth';
import type { Synthesized } from './support/synth';

const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const MSK_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/0000abcd-12ab-34cd-56ef-1234567890ab';

const fnByDescription = (s: Synthesized, text: string): Record<string, unknown> | undefined =>
  Object.values(resourcesOf(s.template, 'AWS::Lambda::Function')).find((f) =>
    String(f.Properties.Description).includes(text),
  )?.Properties;

describe('hardening defaults', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthPlatform();
  });

  it('retains every log group when the stack is deleted, encrypted by CloudWatch Logs', () => {
    const groups = Object.values(s.template.findResources('AWS::Logs::LogGroup'));
    // one per function, API access logs, broker logs, VPC flow logs
    expect(groups.length).toBeGreaterThanOrEqual(4);
    for (const group of groups) {
      expect(group).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      expect(
        (group as { Properties: Record<string, unknown> }).Properties.KmsKeyId,
      ).toBeUndefined();
    }
  });

  it('reserves (and so caps) the concurrency of the publish and management functions', () => {
    expect(fnByDescription(s, 'publish API')?.ReservedConcurrentExecutions).toBe(50);
    expect(fnByDescription(s, 'management API')?.ReservedConcurrentExecutions).toBe(10);
  });

  it("encrypts the provisioned cluster's data at rest with MSK's managed key unless given one", () => {
    const [cluster] = Object.values(resourcesOf(s.template, 'AWS::MSK::Cluster'));
    expect(cluster?.Properties.EncryptionInfo).toEqual({
      EncryptionInTransit: { ClientBroker: 'TLS', InCluster: true },
    });
  });
});

describe('hardening settings', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthPlatform({
      config: {
        logRemoval: 'destroy',
        logKmsKeyArn: KEY,
        publishReservedConcurrency: '20',
        managementReservedConcurrency: 3,
        mskKmsKeyArn: MSK_KEY,
      },
    });
  });

  it('encrypts every log group with the given key, and deletes them with the stack when asked', () => {
    const groups = Object.values(s.template.findResources('AWS::Logs::LogGroup'));
    expect(groups.length).toBeGreaterThanOrEqual(4);
    for (const group of groups) {
      expect(group).toMatchObject({
        DeletionPolicy: 'Delete',
        Properties: { KmsKeyId: KEY },
      });
    }
  });

  it('reserves the given concurrency', () => {
    expect(fnByDescription(s, 'publish API')?.ReservedConcurrentExecutions).toBe(20);
    expect(fnByDescription(s, 'management API')?.ReservedConcurrentExecutions).toBe(3);
  });

  it('encrypts the data volumes with the given key', () => {
    s.template.hasResourceProperties('AWS::MSK::Cluster', {
      EncryptionInfo: {
        EncryptionAtRest: { DataVolumeKMSKeyId: MSK_KEY },
        EncryptionInTransit: Match.anyValue(),
      },
    });
  });

  it('still passes cdk-nag with no unacknowledged finding', () => {
    expect(nagViolations(s.stack).map((v) => v.ruleName)).toEqual([]);
  });
});

describe('hardening settings in the CDK context', () => {
  it('refuse a customer key for the data at rest of a cluster the stack does not create as provisioned', () => {
    expect(problemsOf({ clusterMode: 'serverless', mskKmsKeyArn: MSK_KEY })).toEqual([
      'xseven:mskKmsKeyArn: applies to a new provisioned cluster only (MSK Serverless always encrypts at rest with a key AWS manages; an existing cluster keeps its own setting)',
    ]);
  });

  it('refuse bad keys and concurrency, naming the key', () => {
    expect(
      problemsOf({ logKmsKeyArn: 'alias/logs', publishReservedConcurrency: 0, logRemoval: 'keep' }),
    ).toEqual([
      'xseven:logRemoval: Invalid option: expected one of "retain"|"destroy"',
      'xseven:logKmsKeyArn: must be a KMS key ARN',
      'xseven:publishReservedConcurrency: Too small: expected number to be >=1',
    ]);
  });
});
