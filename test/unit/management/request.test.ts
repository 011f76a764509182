import { z } from 'zod';
import { parseJsonBody, parseQuery } from '../../../shared/management/request';
import { managementEvent } from '../../integration/management/events';

describe('management request parsing', () => {
  const schema = z.strictObject({
    name: z.string().min(1),
    partitions: z.number().int().default(1),
  });

  it('validates the parsed body, 422 naming each failing field', () => {
    expect(parseJsonBody({ jsonBody: { name: 'x' } }, schema)).toEqual({
      name: 'x',
      partitions: 1,
    });
    let issues: unknown;
    try {
      parseJsonBody({ jsonBody: { name: '', partitions: 1.5 } }, schema);
    } catch (error) {
      issues = (error as { status: number; issues: unknown }).issues;
    }
    expect(issues).toEqual([
      { path: 'name', message: expect.any(String) },
      { path: 'partitions', message: expect.any(String) },
    ]);
  });

  it('validates query parameters with 422 naming them', () => {
    const q = z.object({ force: z.enum(['true', 'false']).default('false') });
    expect(parseQuery(managementEvent('topics-delete'), q)).toEqual({ force: 'false' });
    expect(() =>
      parseQuery(managementEvent('topics-delete', { query: { force: 'y' } }), q),
    ).toThrow(
      expect.objectContaining({
        status: 422,
        issues: [expect.objectContaining({ path: 'query.force' })],
      }),
    );
  });
});
