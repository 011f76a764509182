import fc from 'fast-check';
import { passesEnvelopeSchema } from '../../../shared/events/created-envelope';
import { createEnvelope, envelopeSchema } from '../../../shared/events/envelope';
import type { NewEnvelope } from '../../../shared/events/envelope';
import type { EventType } from '../../../shared/events/event-types';
import { EventValidationError } from '../../../shared/events/errors';
import { validateCreatedEnvelope, validateNewEvent } from '../../../shared/events/validate';
import { attribute } from '../../support/envelope-arbitraries';

const base = (): NewEnvelope<EventType> =>
  createEnvelope({ type: 'user.action', data: { user_id: 'u1', action: 'login' } });

describe('the plain-code envelope check of the publish path', () => {
  it('never accepts an envelope the envelope schema refuses', () => {
    fc.assert(
      fc.property(
        fc.record({
          id: attribute,
          source: attribute,
          subject: attribute,
          correlationid: attribute,
          dataschema: attribute,
          type: fc.oneof(fc.constant('user.action'), fc.constant('user.actions'), attribute),
          time: fc.oneof(
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
            fc.constant('2026-12-02T04:00:00+01:00'),
            fc.constant('2026-12-02 04:00:00'),
            attribute,
          ),
          specversion: fc.oneof(fc.constant('1.0'), attribute),
          dataversion: fc.oneof(
            fc.integer({ min: -1, max: 3 }),
            fc.double(),
            // Around the largest safe integer, where "an integer" and zod's int() part.
            fc.integer({ min: -2, max: 2 }).map((d) => Number.MAX_SAFE_INTEGER + d),
            attribute,
          ),
          datacontenttype: fc.oneof(fc.constant('application/json'), attribute),
        }),
        (overrides) => {
          const envelope = { ...base(), ...overrides } as unknown as NewEnvelope<EventType>;
          if (passesEnvelopeSchema(envelope))
            expect(envelopeSchema().safeParse(envelope).success).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses a dataversion beyond the safe integers, as the schema does', () => {
    for (const dataversion of [Number.MAX_SAFE_INTEGER, 2 ** 53, 2 ** 60]) {
      const envelope = { ...base(), dataversion };
      expect(passesEnvelopeSchema(envelope)).toBe(envelopeSchema().safeParse(envelope).success);
    }
    expect(passesEnvelopeSchema({ ...base(), dataversion: 2 ** 53 })).toBe(false);
  });

  it('accepts a time exactly when the envelope schema does', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          fc
            .tuple(
              fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }),
              fc.constantFrom('Z', '+01:00', '-23:59', '+24:00', '', '+0100', 'z'),
              fc.constantFrom('', '.1', '.123456', '.'),
            )
            .map(([d, zone, fraction]) => `${d.toISOString().slice(0, 19)}${fraction}${zone}`),
          fc.string({ maxLength: 30 }),
        ),
        (time) => {
          const envelope = { ...base(), time };
          expect(passesEnvelopeSchema(envelope)).toBe(envelopeSchema().safeParse(envelope).success);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('accepts what createEnvelope builds, and gives what validateNewEvent gives, to the byte', () => {
    const input = {
      type: 'user.action' as const,
      data: { user_id: 'u1', action: 'login' },
      eventId: 'evt-1',
      time: new Date('2026-12-02T04:00:00.000Z'),
      correlationId: 'corr-1',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    };
    expect(passesEnvelopeSchema(createEnvelope(input))).toBe(true);
    expect(JSON.stringify(validateCreatedEnvelope(createEnvelope(input)))).toBe(
      JSON.stringify(validateNewEvent(createEnvelope(input))),
    );
  });

  it('names the failing paths as the schema does', () => {
    const bad = { ...base(), id: '', data: { user_id: 'u1' } } as unknown as NewEnvelope<EventType>;
    expect(() => validateCreatedEnvelope(bad)).toThrow(EventValidationError);
    let viaSchema: unknown;
    let viaPlain: unknown;
    try {
      validateNewEvent({ ...bad });
    } catch (error) {
      viaSchema = error;
    }
    try {
      validateCreatedEnvelope({ ...bad });
    } catch (error) {
      viaPlain = error;
    }
    expect((viaPlain as EventValidationError).issues).toEqual(
      (viaSchema as EventValidationError).issues,
    );
  });
});
