import fc from 'fast-check';
import { createEnvelope } from '../../../shared/events/envelope';
import { validateEvent, validateParsedEvent } from '../../../shared/events/validate';
import { attribute } from '../../support/envelope-arbitraries';

/** A received record's value as JSON text: what a consumer parses. */
const wire = (overrides: Record<string, unknown>): string =>
  JSON.stringify({
    ...createEnvelope({
      type: 'user.action',
      data: { user_id: 'u1', action: 'login' },
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    }),
    ...overrides,
  });

/** What a validation gives: the event, or the error's class and issues. */
const outcome = (validate: () => unknown): unknown => {
  try {
    return { event: validate() };
  } catch (error) {
    const { name, issues } = error as { name: string; issues?: unknown };
    return { error: name, issues };
  }
};

describe('validateParsedEvent, the consumer side of validateEvent', () => {
  it('gives what validateEvent gives, event or error, for any envelope', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            id: attribute,
            source: attribute,
            subject: attribute,
            correlationid: attribute,
            dataschema: fc.oneof(
              fc.constant('urn:xseven:schema:user.action:1.0'),
              fc.constant('urn:xseven:schema:user.action:1.9'),
              attribute,
            ),
            type: fc.oneof(fc.constant('user.action'), fc.constant('user.actions'), attribute),
            time: fc.oneof(fc.constant('2026-12-02T04:00:00+01:00'), attribute),
            specversion: fc.oneof(fc.constant('1.0'), attribute),
            dataversion: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.double(), attribute),
            datacontenttype: fc.oneof(fc.constant('application/json'), attribute),
            data: fc.oneof(
              fc.constant({ user_id: 'u1', action: 'login', extra: 1 }),
              fc.constant({ user_id: 'u1' }),
              attribute,
            ),
            someextension: attribute,
          },
          { requiredKeys: [] },
        ),
        (overrides) => {
          const text = wire(overrides);
          expect(outcome(() => validateParsedEvent(JSON.parse(text)))).toEqual(
            outcome(() => validateEvent(JSON.parse(text))),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses an envelope without data as validateEvent does (the schema, naming data)', () => {
    // Found by the property above (seed 359770357): the plain check let it through to the data's reader.
    const text = wire({ data: undefined });
    expect(outcome(() => validateParsedEvent(JSON.parse(text)))).toEqual(
      outcome(() => validateEvent(JSON.parse(text))),
    );
  });

  it('refuses what is not an object as validateEvent does', () => {
    for (const text of ['null', '[]', '"event"', '42', 'true', '[{"id":"e1"}]'])
      expect(outcome(() => validateParsedEvent(JSON.parse(text)))).toEqual(
        outcome(() => validateEvent(JSON.parse(text))),
      );
  });

  it('fills the defaults of a record written before dataversion and datacontenttype', () => {
    const old = JSON.parse(wire({})) as Record<string, unknown>;
    delete old.dataversion;
    delete old.datacontenttype;
    const event = validateParsedEvent(old);
    expect(event.dataversion).toBe(1);
    expect(event.datacontenttype).toBe('application/json');
  });

  it('keeps the extension attributes and the order the producer wrote', () => {
    const text = wire({ someextension: 'x' });
    const event = validateParsedEvent(JSON.parse(text));
    expect(event.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(Object.keys(event)).toEqual(Object.keys(JSON.parse(text) as object));
  });
});
