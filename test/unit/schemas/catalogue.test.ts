import {
  createEnvelope,
  EVENT_TYPES,
  EventValidationError,
  getSchemaDocument,
  listSchemas,
  parseSchemaFileName,
  parseSchemaUri,
  registrySchemaName,
  SchemaNotFoundError,
  schemaFilePath,
  schemaUri,
  UnknownSchemaVersionError,
  validateEvent,
  validateNewEvent,
} from '../../../shared/events';

const issuesOf = (fn: () => unknown): { error: unknown; paths: string[] } => {
  try {
    fn();
    return { error: undefined, paths: [] };
  } catch (error) {
    return { error, paths: (error as EventValidationError).issues.map((i) => i.path) };
  }
};
const started = () =>
  createEnvelope({
    type: 'conversation.started',
    data: { conversation_id: 'c1', user_id: 'u1' },
  });

describe('schema names', () => {
  const ref = { eventType: 'system.health_check', major: 2, version: 3 };

  it('map a version to one URI, one file and one registry name, and back', () => {
    expect(schemaUri(ref)).toBe(
      'https://schemas.xseven.ai/events/system.health_check/versions/2.3',
    );
    expect(parseSchemaUri(schemaUri(ref))).toEqual(ref);
    expect(schemaFilePath(ref)).toBe('schemas/system.health_check/2.3.json');
    expect(parseSchemaFileName('system.health_check/2.3.json')).toEqual(ref);
    expect(registrySchemaName(ref.eventType, ref.major)).toBe('system-health_check-v2');
  });

  it('refuse URIs and file names that are not ours', () => {
    for (const uri of [
      'https://example.com/x/versions/1.1',
      'https://schemas.xseven.ai/events/user.action/versions/1',
      'https://schemas.xseven.ai/events/user.action/versions/0.1',
      'https://schemas.xseven.ai/events/User.Action/versions/1.1',
      'https://schemas.xseven.ai/events/user.action/1.1',
    ])
      expect(parseSchemaUri(uri)).toBeUndefined();
    expect(parseSchemaFileName('user.action/1.1.yaml')).toBeUndefined();
    expect(parseSchemaFileName('user.action/v1.json')).toBeUndefined();
  });
});

describe('what the schema routes answer', () => {
  it('lists every version with its label, dataschema and registry name', () => {
    const listed = listSchemas();
    expect(listed.map((s) => s.event_type)).toEqual(EVENT_TYPES);
    expect(listed[0]).toEqual({
      event_type: 'conversation.started',
      major: 1,
      version: 1,
      label: '1.1',
      dataschema: 'https://schemas.xseven.ai/events/conversation.started/versions/1.1',
      registry_name: 'conversation-started-v1',
      current: true,
    });
  });

  it('gets one document by event type and label, or `latest`', () => {
    expect(getSchemaDocument('user.action', '1.1')).toMatchObject({
      $id: 'https://schemas.xseven.ai/events/user.action/versions/1.1',
      title: 'user.action 1.1',
      required: ['user_id', 'action'],
    });
    expect(getSchemaDocument('user.action', 'latest')).toBe(
      getSchemaDocument('user.action', '1.1'),
    );
  });

  it('throws a typed 404 for an unknown event type, label or version', () => {
    for (const [type, label, message] of [
      ['nope', '1.1', 'no schema for event type "nope"'],
      ['user.action', '9.1', 'no schema version "9.1" of event type "user.action"'],
      ['user.action', '1.2', 'no schema version "1.2" of event type "user.action"'],
      ['user.action', 'one', 'no schema version "one" of event type "user.action"'],
    ] as const) {
      let error: unknown;
      try {
        getSchemaDocument(type, label);
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(SchemaNotFoundError);
      expect(error).toMatchObject({ status: 404, message });
    }
  });
});

describe('writing and reading versioned events', () => {
  it('stamps the major as dataversion and the exact version as dataschema', () => {
    expect(started()).toMatchObject({
      dataversion: 1,
      dataschema: 'https://schemas.xseven.ai/events/conversation.started/versions/1.1',
    });
  });

  it('writes declared fields only: an unknown field is refused, named', () => {
    const envelope = started();
    const { error, paths } = issuesOf(() =>
      validateNewEvent({ ...envelope, data: { ...envelope.data, surprise: 1 } }),
    );
    expect(error).toBeInstanceOf(EventValidationError);
    expect(paths).toEqual(['data']);
    expect((error as Error).message).toContain('surprise');
  });

  it('refuses to write a dataschema that names another type or an unknown version', () => {
    for (const dataschema of [
      'https://schemas.xseven.ai/events/user.action/versions/1.1',
      'https://schemas.xseven.ai/events/conversation.started/versions/1.7',
      'https://example.com/schema.json',
    ])
      expect(issuesOf(() => validateNewEvent({ ...started(), dataschema })).paths).toEqual([
        'dataschema',
      ]);
  });

  it('reads a newer version of the same major, keeping its unknown fields', () => {
    const newer = {
      ...started(),
      dataschema: 'https://schemas.xseven.ai/events/conversation.started/versions/1.2',
      data: { conversation_id: 'c1', user_id: 'u1', channel: 'web' },
    };
    expect(validateEvent(newer).data).toEqual({
      conversation_id: 'c1',
      user_id: 'u1',
      channel: 'web',
    });
  });

  it('reads records written before dataschema existed', () => {
    const { dataschema: _omitted, ...old } = started();
    expect(validateEvent(old).data).toMatchObject({ conversation_id: 'c1' });
  });

  it('tells an unknown major apart from invalid data', () => {
    const { error, paths } = issuesOf(() => validateEvent({ ...started(), dataversion: 2 }));
    expect(error).toBeInstanceOf(UnknownSchemaVersionError);
    expect(paths).toEqual(['dataversion']);
    expect((error as Error).message).toContain('major version 2 of "conversation.started"');
    const invalid = issuesOf(() => validateEvent({ ...started(), data: { user_id: 'u1' } }));
    expect(invalid.error).toBeInstanceOf(EventValidationError);
    expect(invalid.error).not.toBeInstanceOf(UnknownSchemaVersionError);
  });

  it('calls a newer version that the known one cannot read unknown, not invalid', () => {
    const newer = {
      ...started(),
      dataschema: 'https://schemas.xseven.ai/events/conversation.started/versions/1.4',
      data: { conversation_id: 'c1', user_id: 7 },
    };
    const { error, paths } = issuesOf(() => validateEvent(newer));
    expect(error).toBeInstanceOf(UnknownSchemaVersionError);
    expect(paths).toEqual(['dataschema', 'data.user_id']);
    const same = { ...newer, dataschema: started().dataschema };
    expect(issuesOf(() => validateEvent(same)).error).not.toBeInstanceOf(
      UnknownSchemaVersionError,
    );
  });
});
