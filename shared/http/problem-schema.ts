import * as z from 'zod';

/**
 * Memoises a schema factory: schemas of answers are built when first asked
 * for (the OpenAPI document, tests), never at a Lambda's cold start (#13).
 *
 * @example
 * ```ts
 * const topicSchema = lazySchema(() => z.strictObject({ name: z.string() }));
 * topicSchema() === topicSchema(); // true
 * ```
 */
export const lazySchema = <S>(build: () => S): (() => S) => {
  let built: S | undefined;
  return () => {
    built ??= build();
    return built;
  };
};

/** One failing field of a 422 (`path`: dotted, `(root)` for the whole body). */
export const fieldIssueSchema = lazySchema(() =>
  z.strictObject({ path: z.string(), message: z.string() }).meta({ id: 'FieldIssue' }),
);

/**
 * application/problem+json (RFC 9457), as shared/http/problem.ts writes it:
 * `type` a stable URN of `code`, and the failing fields of a 422.
 */
export const problemSchema = lazySchema(() =>
  z
    .strictObject({
      type: z.string().describe('urn:xseven:problem:<code, kebab-case>'),
      title: z.string(),
      status: z.number().int().min(400).max(599),
      detail: z.string(),
      instance: z.string().optional().describe('the request path'),
      code: z.string().describe('stable error code, e.g. SCHEMA_VIOLATION'),
      errors: z.array(fieldIssueSchema()).optional(),
    })
    .meta({ id: 'Problem' }),
);
