import { RecordDeserializationError, RecordSchemaError } from '../../../shared/consumer/errors';
import { eventIdOf, parseEventValue } from '../../../shared/consumer/parse-event';
import { createEnvelope } from '../../../shared/events/envelope';

const valid = createEnvelope({
  type: 'conversation.started',
  data: { conversation_id: 'c1', user_id: 'u1' },
});

describe('parseEventValue', () => {
  it('returns the validated event with defaults filled', () => {
    const event = parseEventValue(Buffer.from(JSON.stringify(valid)));
    expect(event.id).toBe(valid.id);
    expect(event.type).toBe('conversation.started');
  });

  it.each([
    ['a tombstone', null, /tombstone/],
    ['invalid UTF-8', Buffer.from([0xff, 0xfe, 0x7b]), /UTF-8/],
    ['not JSON', Buffer.from('{"id":'), /not valid JSON/],
  ])('rejects %s as a deserialization failure', (_label, value, message) => {
    expect(() => parseEventValue(value)).toThrow(RecordDeserializationError);
    expect(() => parseEventValue(value)).toThrow(message);
  });

  it('rejects a value above the size limit as a deserialization failure', () => {
    const bytes = Buffer.from(JSON.stringify(valid));
    expect(() => parseEventValue(bytes, bytes.length - 1)).toThrow(/exceeds the limit/);
    expect(parseEventValue(bytes, bytes.length).id).toBe(valid.id);
  });

  it('labels a value failing its schema with its event id, parsing the JSON once', () => {
    const parse = jest.spyOn(JSON, 'parse');
    try {
      const failure = (() => {
        try {
          parseEventValue(Buffer.from(JSON.stringify({ ...valid, data: {} })));
        } catch (error) {
          return error;
        }
        return undefined;
      })();
      expect(failure).toBeInstanceOf(RecordSchemaError);
      expect((failure as RecordSchemaError).eventId).toBe(valid.id);
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
    }
  });

  it('rejects wrong data and unknown types as schema validation failures naming the path', () => {
    const wrong = { ...valid, data: { conversation_id: 'c1' } };
    expect(() => parseEventValue(Buffer.from(JSON.stringify(wrong)))).toThrow(RecordSchemaError);
    expect(() => parseEventValue(Buffer.from(JSON.stringify(wrong)))).toThrow(/data\.user_id/);
    const unknown = { ...valid, type: 'conversation.teleported' };
    expect(() => parseEventValue(Buffer.from(JSON.stringify(unknown)))).toThrow(RecordSchemaError);
  });
});

describe('eventIdOf', () => {
  it('reads the id of any JSON object and nothing else', () => {
    expect(eventIdOf(Buffer.from('{"id":"e1","type":"nope"}'))).toBe('e1');
    expect(eventIdOf(Buffer.from('nope'))).toBeUndefined();
    expect(eventIdOf(null)).toBeUndefined();
  });
});
