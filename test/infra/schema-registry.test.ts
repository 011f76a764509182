import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SCHEMA_READ_ACTIONS, SchemaRegistry } from '../../infra/constructs/schema-registry';
import { PROJECT_ROOT } from '../../infra/stacks/platform-stack';
import { platform, readCommittedSchemas } from '../../shared/platform';
import { resourcesOf, synthPlatform } from './support/synth';

const committed = readCommittedSchemas(PROJECT_ROOT);

describe('the Glue schema registry of the platform stack', () => {
  const { template } = synthPlatform();

  it('holds one JSON schema per event type and major, compatibility BACKWARD, from the committed files', () => {
    template.resourceCountIs('AWS::Glue::Registry', 1);
    template.hasResourceProperties('AWS::Glue::Registry', { Name: 'Test-events' });
    const schemas = Object.values(resourcesOf(template, 'AWS::Glue::Schema'));
    const firsts = committed.filter((s) => s.ref.version === 1);
    expect(schemas).toHaveLength(firsts.length);
    expect(firsts.length).toBeGreaterThanOrEqual(12);
    for (const first of firsts) {
      const name = `${first.ref.eventType.replaceAll('.', '-')}-v${first.ref.major}`;
      const schema = schemas.find((s) => s.Properties.Name === name);
      expect(schema?.Properties).toMatchObject({
        DataFormat: 'JSON',
        Compatibility: 'BACKWARD',
        Registry: { Arn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } },
      });
      const definition = JSON.parse(String(schema?.Properties.SchemaDefinition)) as object;
      const file = JSON.parse(first.text) as Record<string, unknown>;
      // the committed document, declared draft-07 for Glue (Everit: drafts 04, 06, 07)
      expect(definition).toEqual({ ...file, $schema: 'http://json-schema.org/draft-07/schema#' });
    }
  });

  it('lets the publish and consumer functions read this registry only, and names it to them', () => {
    const functionNames = ['Publish', ...platform.consumers.map((c) => c.name)];
    const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy'));
    const glueStatements = policies.flatMap((p) =>
      (
        p.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }
      ).Statement.filter((s) => JSON.stringify(s.Action).includes('glue:')).map((s) => ({
        roles: JSON.stringify(p.Properties.Roles),
        statement: s,
      })),
    );
    expect(glueStatements).toHaveLength(functionNames.length);
    for (const { statement } of glueStatements) {
      expect(statement.Action).toEqual([...SCHEMA_READ_ACTIONS]);
      const resources = statement.Resource as unknown[];
      expect(resources).toHaveLength(1 + committed.filter((s) => s.ref.version === 1).length);
      for (const resource of resources)
        expect(resource).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
    }
    const withRegistry = Object.values(resourcesOf(template, 'AWS::Lambda::Function')).filter(
      (f) =>
        (f.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables
          ?.XSEVEN_SCHEMA_REGISTRY_NAME === 'Test-events',
    );
    expect(withRegistry).toHaveLength(functionNames.length);
  });
});

describe('SchemaRegistry', () => {
  /** A copy of the repository's schemas/ with a version 1.2 and 1.3 of user.action. */
  const withLaterVersions = (): string => {
    const root = mkdtempSync(join(tmpdir(), 'xseven-schemas-'));
    cpSync(join(PROJECT_ROOT, 'schemas'), join(root, 'schemas'), { recursive: true });
    const v1 = JSON.parse(
      readFileSync(join(root, 'schemas/user.action/1.1.json'), 'utf8'),
    ) as Record<string, Record<string, unknown>>;
    for (const [n, extra] of [
      [2, 'channel'],
      [3, 'device'],
    ] as const) {
      v1.properties = { ...v1.properties, [extra]: { type: 'string' } };
      v1.$id = `https://schemas.xseven.ai/events/user.action/versions/1.${n}` as never;
      writeFileSync(join(root, `schemas/user.action/1.${n}.json`), JSON.stringify(v1));
    }
    return root;
  };

  it('registers later versions as schema versions, each after the one before it', () => {
    const stack = new Stack(new App(), 'S');
    new SchemaRegistry(stack, 'Schemas', { projectRoot: withLaterVersions(), registryName: 'r' });
    const template = Template.fromStack(stack);
    const versions = resourcesOf(template, 'AWS::Glue::SchemaVersion');
    expect(Object.keys(versions)).toHaveLength(2);
    const [second, third] = Object.entries(versions).sort(([a], [b]) => a.localeCompare(b));
    expect(second?.[1].Properties).toMatchObject({
      Schema: { SchemaArn: { 'Fn::GetAtt': [expect.stringContaining('useraction'), 'Arn'] } },
      SchemaDefinition: expect.stringContaining('"channel"') as unknown,
    });
    expect(third?.[1].Properties.SchemaDefinition).toContain('"device"');
    template.hasResource('AWS::Glue::SchemaVersion', {
      DependsOn: [second?.[0]],
      Properties: { SchemaDefinition: Match.stringLikeRegexp('"device"') },
    });
  });
});
