import * as z from 'zod';
import {
  checkCompatibility,
  checkEvolution,
  compareWithCommitted,
  Incompatibility,
  jsonSchemaFromZod,
} from '../../../shared/events';

/**
 * Fixtures of the compatibility guard: pairs of zod versions (previous,
 * next) through the very generator of the committed files. Every kind of
 * breaking change fails, naming its kind; compatible changes pass.
 */
const base = {
  id: z.string().min(1).max(256),
  status: z.enum(['healthy', 'degraded', 'unhealthy']),
  count: z.number().int().min(0),
  note: z.string().max(100).optional(),
  kind: z.enum(['a', 'b']).default('a'),
  tag: z.string().optional(),
};
const v1 = jsonSchemaFromZod(z.strictObject(base));
const kindsOf = (next: z.ZodObject): string[] =>
  checkCompatibility(v1, jsonSchemaFromZod(next)).map((i) => `${i.kind} ${i.path}`);

describe('compatibility guard: breaking changes fail', () => {
  it.each([
    [
      'a removed required field',
      z.strictObject(base).omit({ id: true }),
      [`${Incompatibility.RemovedField} id`],
    ],
    [
      'a removed optional field',
      z.strictObject(base).omit({ note: true }),
      [`${Incompatibility.RemovedField} note`],
    ],
    [
      'a narrowed type (number to integer)',
      z.strictObject({ ...base, count: z.number().int().min(0).max(10) }),
      [`${Incompatibility.NarrowedType} count`],
    ],
    [
      'a narrowed type (string to number)',
      z.strictObject({ ...base, id: z.number() }),
      [`${Incompatibility.NarrowedType} id`],
    ],
    [
      'a tightened bound',
      z.strictObject({ ...base, note: z.string().max(50).optional() }),
      [`${Incompatibility.NarrowedType} note`],
    ],
    [
      'a new required field without default',
      z.strictObject({ ...base, region: z.string() }),
      [`${Incompatibility.NewRequiredField} region`],
    ],
    [
      'an optional field made required',
      z.strictObject({ ...base, note: z.string().max(100) }),
      [`${Incompatibility.NewRequiredField} note`],
    ],
    [
      'a required field made optional (a consumer of the previous version needs it)',
      z.strictObject({ ...base, id: z.string().min(1).max(256).optional() }),
      [`${Incompatibility.RequiredRemoved} id`],
    ],
    [
      'a shrunk enum',
      z.strictObject({ ...base, status: z.enum(['healthy', 'unhealthy']) }),
      [`${Incompatibility.EnumShrunk} status`],
    ],
    [
      'a changed default',
      z.strictObject({ ...base, kind: z.enum(['a', 'b']).default('b') }),
      [`${Incompatibility.DefaultChanged} kind`],
    ],
  ])('%s', (_name, next, expected) => {
    expect(kindsOf(next)).toEqual(expected);
  });

  it('refuses a field added to an open object (earlier data may hold anything under its name)', () => {
    const open = jsonSchemaFromZod(z.looseObject(base));
    const next = jsonSchemaFromZod(z.looseObject({ ...base, region: z.string().optional() }));
    expect(checkCompatibility(open, next).map((i) => i.kind)).toEqual([
      Incompatibility.NarrowedType,
    ]);
  });

  it('says that a breaking change needs a new major version, naming the version', () => {
    const next = jsonSchemaFromZod(z.strictObject({ ...base, region: z.string() }));
    const problems = checkEvolution([
      { ref: { eventType: 'system.health_check', major: 1, version: 1 }, document: v1 },
      { ref: { eventType: 'system.health_check', major: 1, version: 2 }, document: next },
    ]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('system.health_check 1.2 is not backward compatible with 1.1');
    expect(problems[0]).toContain('region: new required field without a default');
    expect(problems[0]).toContain('needs a new MAJOR version');
    expect(problems[0]).toContain('system.health_check 2.1');
  });

  it('refuses a gap in the versions of a major', () => {
    expect(
      checkEvolution([
        { ref: { eventType: 'user.action', major: 1, version: 1 }, document: v1 },
        { ref: { eventType: 'user.action', major: 1, version: 3 }, document: v1 },
      ]),
    ).toEqual([expect.stringContaining('version 2 of major 1 is missing') as unknown]);
  });

  it('fails on a changed committed version, naming the file, and on a version not committed yet', () => {
    const generated = new Map([
      ['schemas/user.action/1.1.json', '{"a":2}\n'],
      ['schemas/user.action/1.2.json', '{"a":3}\n'],
    ]);
    const committed = new Map([
      ['schemas/user.action/1.1.json', '{"a":1}\n'],
      ['schemas/user.action/1.9.json', '{"a":9}\n'],
    ]);
    const problems = compareWithCommitted(generated, committed);
    expect(problems).toEqual([
      expect.stringMatching(/^schemas\/user\.action\/1\.1\.json: a committed schema version changed/),
      expect.stringMatching(
        /^schemas\/user\.action\/1\.2\.json: new schema version not committed yet: run `npm run schemas:generate`/,
      ),
      expect.stringMatching(/^schemas\/user\.action\/1\.9\.json: committed, but no zod schema/),
    ]);
  });
});

describe('compatibility guard: compatible changes pass', () => {
  it.each([
    ['a new optional field', z.strictObject({ ...base, region: z.string().optional() })],
    ['a new field with a default', z.strictObject({ ...base, region: z.string().default('eu') })],
    ['a widened type (integer to number)', z.strictObject({ ...base, count: z.number().min(0) })],
    [
      'a widened type (string to string or number)',
      z.strictObject({ ...base, tag: z.union([z.string(), z.number()]).optional() }),
    ],
    ['a relaxed bound', z.strictObject({ ...base, note: z.string().max(1000).optional() })],
    [
      'a grown enum',
      z.strictObject({ ...base, status: z.enum(['healthy', 'degraded', 'unhealthy', 'unknown']) }),
    ],
    ['an opened object (unknown fields accepted)', z.looseObject(base)],
    ['nothing at all', z.strictObject(base)],
  ])('%s', (_name, next) => {
    expect(kindsOf(next)).toEqual([]);
  });

  it('lets the first version of a new major break anything (that is what a major is for)', () => {
    const breaking = jsonSchemaFromZod(z.strictObject({ other: z.boolean() }));
    expect(
      checkEvolution([
        { ref: { eventType: 'user.action', major: 1, version: 1 }, document: v1 },
        { ref: { eventType: 'user.action', major: 2, version: 1 }, document: breaking },
      ]),
    ).toEqual([]);
  });
});
