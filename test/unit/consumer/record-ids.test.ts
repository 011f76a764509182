import { recordIds } from '../../../shared/consumer/record-logger';
import { parseEventValue } from '../../../shared/consumer/parse-event';
import { RecordSchemaError } from '../../../shared/consumer/errors';

const header = (name: string, value: string) => ({ name, value: Buffer.from(value) });

describe("a record's log ids", () => {
  it('take the correlation id from the envelope: records written since 2026-12-02 carry no ce_correlationid header', () => {
    expect(recordIds([header('ce_id', 'e1')], 'e1', 'corr-1')).toEqual({
      event_id: 'e1',
      correlation_id: 'corr-1',
    });
  });

  it('fall back to the ce_correlationid header of records written before', () => {
    expect(recordIds([header('ce_correlationid', 'corr-old')], 'e1', undefined)).toEqual({
      event_id: 'e1',
      correlation_id: 'corr-old',
    });
  });

  it('of a record failing its schema come from its value (for its "record dead-lettered" line)', () => {
    const value = Buffer.from(
      JSON.stringify({
        specversion: '1.0',
        id: 'e2',
        source: 'urn:test',
        type: 'user.action',
        time: '2026-12-02T00:00:00Z',
        correlationid: 'corr-2',
        data: { action: 42 },
      }),
    );
    let failure: unknown;
    try {
      parseEventValue(value);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(RecordSchemaError);
    expect(failure).toMatchObject({ eventId: 'e2', correlationId: 'corr-2' });
  });
});
