import fc from 'fast-check';

/**
 * An envelope attribute's value for property tests of the envelope checks:
 * often valid, often not (empty, too long, another type, absent, null).
 */
export const attribute = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ minLength: 250, maxLength: 2100 }),
  fc.constant(''),
  fc.integer(),
  fc.constant(undefined),
  fc.constant(null),
);
