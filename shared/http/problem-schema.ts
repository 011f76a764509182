import * as z from 'zod';
import { lazy } from '../lazy';

/** One failing field of a 422 (`path`: dotted, `(root)` for the whole body). */
export const fieldIssueSchema = lazy(() =>
  z.strictObject({ path: z.string(), message: z.string() }).meta({ id: 'FieldIssue' }),
);

/**
 * application/problem+json (RFC 9457), as shared/http/problem.ts writes it:
 * `type` a stable URN of `code`, and the failing fields of a 422.
 */
export const problemSchema = lazy(() =>
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
