import {
  createEnvelope,
  EVENT_TYPES,
  EventValidationError,
  recordKeyFor,
  validateEvent,
} from '../../shared/events';

describe('event envelope', () => {
  it('builds a CloudEvents 1.0 envelope that validates, filling data defaults', () => {
    const event = validateEvent(
      createEnvelope({
        type: 'conversation.message',
        data: { conversation_id: 'c1', user_id: 'u1', message_content: 'hi' },
        correlationId: 'corr-1',
      }),
    );
    expect(event).toMatchObject({
      specversion: '1.0',
      type: 'conversation.message',
      correlationid: 'corr-1',
      dataversion: 1,
    });
    expect(event.data).toMatchObject({ message_type: 'user' });
  });

  it('stamps the current time, read again once the clock moves on', () => {
    jest.useFakeTimers({ now: new Date('2026-01-02T03:04:05.006Z') });
    try {
      const data = { user_id: 'u1', action: 'login' };
      const first = createEnvelope({ type: 'user.action', data });
      expect(first.time).toBe('2026-01-02T03:04:05.006Z');
      jest.setSystemTime(new Date('2026-01-02T03:04:05.007Z'));
      expect(createEnvelope({ type: 'user.action', data }).time).toBe('2026-01-02T03:04:05.007Z');
      const given = new Date('2025-12-31T23:59:59.999Z');
      expect(createEnvelope({ type: 'user.action', data, time: given }).time).toBe(
        '2025-12-31T23:59:59.999Z',
      );
    } finally {
      jest.useRealTimers();
    }
  });

  it('keeps the CloudEvents attribute order, optional attributes only when set', () => {
    const data = { user_id: 'u1', action: 'login' };
    expect(Object.keys(createEnvelope({ type: 'user.action', data }))).toEqual([
      'specversion',
      'id',
      'source',
      'type',
      'time',
      'datacontenttype',
      'dataschema',
      'dataversion',
      'data',
    ]);
    const full = createEnvelope({ type: 'user.action', data, subject: 's', correlationId: 'c' });
    expect(Object.keys(full)).toEqual([
      'specversion',
      'id',
      'source',
      'type',
      'time',
      'datacontenttype',
      'dataschema',
      'subject',
      'correlationid',
      'dataversion',
      'data',
    ]);
  });

  it('returns a new event and leaves its input untouched', () => {
    const input = createEnvelope({
      type: 'conversation.message',
      data: { conversation_id: 'c1', user_id: 'u1', message_content: 'hi' },
    });
    const before = JSON.stringify(input);
    const event = validateEvent(input);
    expect(event).not.toBe(input);
    expect(event.data).toMatchObject({ message_type: 'user' });
    expect(JSON.stringify(input)).toBe(before);
    expect(input.data).not.toHaveProperty('message_type');
  });

  it('names every failing path of the data', () => {
    const bad = createEnvelope({
      type: 'ai.response.generated',
      data: { model_name: '', tokens_used: -1 } as never,
    });
    expect(() => validateEvent(bad)).toThrow(EventValidationError);
    try {
      validateEvent(bad);
    } catch (error) {
      const paths = (error as EventValidationError).issues.map((i) => i.path);
      expect(paths).toEqual(
        expect.arrayContaining(['data.model_name', 'data.tokens_used', 'data.prompt']),
      );
    }
  });

  it('rejects an unknown type and a wrong specversion', () => {
    const paths = (input: unknown): string[] => {
      try {
        validateEvent(input);
        return [];
      } catch (error) {
        return (error as EventValidationError).issues.map((i) => i.path);
      }
    };
    expect(
      paths({
        ...createEnvelope({ type: 'user.action', data: { user_id: 'u', action: 'a' } }),
        type: 'nope',
      }),
    ).toEqual(['type']);
    expect(
      paths({
        ...createEnvelope({ type: 'user.action', data: { user_id: 'u', action: 'a' } }),
        specversion: '0.3',
      }),
    ).toEqual(['specversion']);
  });

  it('keys events by the entity whose order matters', () => {
    expect(recordKeyFor('conversation.ended', { conversation_id: 'c9' }, 'e')).toBe('c9');
    expect(recordKeyFor('business.analytics.update', { business_id: 'b1' }, 'e')).toBe('b1');
    expect(recordKeyFor('workflow.failed', {}, 'evt-7')).toBe('evt-7');
  });

  it('has a schema for each of the 12 event types', () => {
    expect(EVENT_TYPES).toHaveLength(12);
  });
});
