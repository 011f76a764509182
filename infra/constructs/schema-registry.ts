import { Stack } from 'aws-cdk-lib';
import { CfnRegistry, CfnSchema, CfnSchemaVersion } from 'aws-cdk-lib/aws-glue';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import {
  glueSchemaDefinition,
  readCommittedSchemas,
  registrySchemaName,
  SCHEMA_COMPATIBILITY,
  schemaLabel,
} from '../../shared/platform';
import type { CommittedSchema } from '../../shared/platform';
import { PlatformEnv } from '../../shared/platform/env';
import { InfraConfigError } from '../errors';

/** Properties of {@link SchemaRegistry}. */
export interface SchemaRegistryProps {
  /** Repository root holding the committed `schemas/` folder. */
  readonly projectRoot: string;
  /** Registry name (letters, digits, `-`, `_`, `$`, `#`). @default `<stack name>-events` */
  readonly registryName?: string;
}

/** What consumers and publishers may call: read-only look-ups (AWS Glue developer guide, IAM examples for serializers and deserializers). */
export const SCHEMA_READ_ACTIONS = [
  'glue:GetRegistry',
  'glue:GetSchema',
  'glue:GetSchemaByDefinition',
  'glue:GetSchemaVersion',
  'glue:ListSchemaVersions',
] as const;

/**
 * The AWS Glue Schema Registry of the platform, built from the committed
 * schema files (`schemas/`, read as files: infra does not import the event
 * code): one schema per event type and major (named as the Confluent subject,
 * `registrySchemaName`), data format JSON, compatibility BACKWARD. The
 * first version of a major is the schema's `SchemaDefinition`; each later
 * one is an `AWS::Glue::SchemaVersion`, created after the one before it so
 * Glue numbers them as the files do. docs/schemas.md.
 *
 * @example
 * ```ts
 * const schemas = new SchemaRegistry(this, 'Schemas', { projectRoot });
 * schemas.grantRead(publishFunction);
 * ```
 */
export class SchemaRegistry extends Construct {
  public readonly registry: CfnRegistry;
  public readonly registryName: string;
  /** The Glue schema of each major, by registry schema name. */
  public readonly schemas: ReadonlyMap<string, CfnSchema>;

  public constructor(scope: Construct, id: string, props: SchemaRegistryProps) {
    super(scope, id);
    this.registryName = props.registryName ?? `${Stack.of(this).stackName}-events`;
    this.registry = new CfnRegistry(this, 'Registry', {
      name: this.registryName,
      description: 'xseven-events data schemas (JSON Schema), one schema per event type and major',
    });
    const schemas = new Map<string, CfnSchema>();
    let previous: CfnSchemaVersion | undefined;
    for (const committed of readCommittedSchemas(props.projectRoot)) {
      const name = registrySchemaName(committed.ref.eventType, committed.ref.major);
      const definition = glueSchemaDefinition(committed.text);
      const schema = schemas.get(name);
      if (!schema) {
        schemas.set(name, this.createSchema(name, committed, definition));
        previous = undefined;
        continue;
      }
      const version = new CfnSchemaVersion(this, `${name}-${committed.ref.version}`, {
        schema: { schemaArn: schema.attrArn },
        schemaDefinition: definition,
      });
      if (previous) version.addResourceDependency(previous);
      previous = version;
    }
    this.schemas = schemas;
  }

  private createSchema(name: string, first: CommittedSchema, definition: string): CfnSchema {
    if (first.ref.version !== 1)
      throw new InfraConfigError(`${first.path}: the first committed version of ${name} must be 1`);
    return new CfnSchema(this, name, {
      name,
      registry: { arn: this.registry.attrArn },
      dataFormat: 'JSON',
      compatibility: SCHEMA_COMPATIBILITY,
      description: `${first.ref.eventType} major ${first.ref.major} (first version ${schemaLabel(first.ref)})`,
      schemaDefinition: definition,
    });
  }

  /**
   * Lets `grantees` read this registry's schemas (and nothing else): the
   * look-up actions on the registry's ARN and its schemas' ARNs only; their
   * environment names the registry (`XSEVEN_SCHEMA_REGISTRY_NAME`).
   */
  public grantRead(...functions: readonly LambdaFunction[]): void {
    const statement = new PolicyStatement({
      effect: Effect.ALLOW,
      actions: [...SCHEMA_READ_ACTIONS],
      resources: [this.registry.attrArn, ...[...this.schemas.values()].map((s) => s.attrArn)],
    });
    for (const fn of functions) {
      fn.addToRolePolicy(statement);
      fn.addEnvironment(PlatformEnv.SchemaRegistryName.name, this.registryName);
    }
  }
}
