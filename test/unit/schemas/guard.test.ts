import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import {
  checkEvolution,
  compareWithCommitted,
  createEnvelope,
  generatedSchemaFiles,
  jsonSchemaOf,
  parseSchemaUri,
  schemaFilePath,
  schemaVersions,
  validateNewEvent,
} from '../../../shared/events';
import { glueSchemaDefinition, readCommittedSchemas } from '../../../shared/platform';

/**
 * The compatibility guard, run by `npm test` in CI: the committed schema
 * files are what the zod code generates, and each version may follow the
 * previous one of its major. docs/schemas.md.
 */
const ROOT = join(__dirname, '..', '..', '..');
const committed = readCommittedSchemas(ROOT);

describe('schema guard', () => {
  it('finds the committed schemas identical to the generated ones (committed versions are immutable)', () => {
    const committedTexts = new Map(committed.map((s) => [s.path, s.text]));
    expect(compareWithCommitted(generatedSchemaFiles(), committedTexts)).toEqual([]);
  });

  it('finds every version compatible with the previous version of its major', () => {
    const documents = committed.map((s) => ({
      ref: s.ref,
      document: JSON.parse(s.text) as Record<string, unknown>,
    }));
    expect(documents.length).toBeGreaterThanOrEqual(12);
    expect(checkEvolution(documents)).toEqual([]);
  });

  it('can register every committed schema in Glue (draft-07 keywords only)', () => {
    for (const schema of committed)
      expect(JSON.parse(glueSchemaDefinition(schema.text))).toMatchObject({
        $schema: 'http://json-schema.org/draft-07/schema#',
        $id: expect.stringContaining(schema.ref.eventType) as unknown,
      });
  });

  it("names in each record's dataschema the committed file whose schema validates its data", () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    const samples = {
      'conversation.message': { conversation_id: 'c1', user_id: 'u1', message_content: 'hi' },
      'business.analytics.update': { business_id: 'b1', metric_name: 'dau', metric_value: 3 },
      'system.health_check': { component: 'api', status: 'healthy' },
    } as const;
    for (const [type, data] of Object.entries(samples)) {
      const event = validateNewEvent(createEnvelope({ type: type as 'user.action', data } as never));
      const ref = parseSchemaUri(event.dataschema ?? '');
      const file = committed.find((s) => ref !== undefined && s.path === schemaFilePath(ref));
      expect(file).toBeDefined();
      const validate = ajv.compile(JSON.parse(file?.text ?? '{}') as object);
      expect(validate(event.data)).toBe(true);
      expect(validate({ ...event.data, unknown_field: 1 })).toBe(false);
    }
  });

  it('generates a document per version whose $id is its dataschema URI', () => {
    for (const version of schemaVersions())
      expect(jsonSchemaOf(version)).toMatchObject({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        $id: version.uri,
        additionalProperties: false,
      });
  });
});
