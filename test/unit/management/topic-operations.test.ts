import { parseIsoDuration } from '../../../shared/management/iso-duration';
import { browsedRecord, browseQuerySchema } from '../../../shared/management/messages';
import { configProblems, TOPIC_CONFIG_RULES } from '../../../shared/management/topic-config-rules';
import { resetOffsetRequestSchema } from '../../../shared/management/offset-reset';
import { patchTopicRequestSchema } from '../../../shared/management/topic-patch';
import { createTopicRequestSchema } from '../../../shared/management/topics';
import { toWire } from '../../../shared/management/wire';
import { issuesOf } from '../../../shared/http/serve-route';

describe('ISO-8601 durations (offset reset by duration)', () => {
  it.each([
    ['PT1H', 3_600_000],
    ['PT30M', 1_800_000],
    ['P1D', 86_400_000],
    ['P1DT12H', 129_600_000],
    ['PT0.5S', 500],
    ['P2W', 1_209_600_000],
    ['PT1H30M15S', 5_415_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseIsoDuration(text)).toEqual({ ok: true, ms });
  });

  it.each(['P1M', 'P1Y', 'P1Y2M', 'P1MT1H'])(
    'refuses %s: months and years have no fixed length',
    (text) => {
      expect(parseIsoDuration(text)).toEqual({
        ok: false,
        message: expect.stringContaining('months'),
      });
    },
  );

  it.each(['', 'P', 'PT', '1h', 'pt1h', '-PT1H', 'PT1H ', 'P1H', 'PT0S', 'P0D'])(
    'refuses %j',
    (text) => {
      expect(parseIsoDuration(text).ok).toBe(false);
    },
  );
});

describe('the topic configs PATCH /topics/{name} changes', () => {
  it('accepts valid values, and null to remove an override', () => {
    expect(
      configProblems({
        'retention.ms': '-1',
        'retention.bytes': '1073741824',
        'cleanup.policy': 'compact,delete',
        'compression.type': 'zstd',
        'min.insync.replicas': '2',
        'min.cleanable.dirty.ratio': '0.5',
        'unclean.leader.election.enable': 'false',
        'message.timestamp.type': 'LogAppendTime',
        'segment.ms': null,
      }),
    ).toEqual([]);
  });

  it('names each unknown config and bad value', () => {
    expect(
      configProblems({
        'retention.msec': '1',
        'retention.ms': '-2',
        'segment.bytes': '10',
        'max.message.bytes': '99999999999',
        'cleanup.policy': 'shred',
        'min.insync.replicas': '1.5',
        'delete.retention.ms': '9223372036854775808',
      }).map((p) => p.path),
    ).toEqual([
      'configs.retention.msec',
      'configs.retention.ms',
      'configs.segment.bytes',
      'configs.max.message.bytes',
      'configs.cleanup.policy',
      'configs.min.insync.replicas',
      'configs.delete.retention.ms',
    ]);
  });

  it('never takes a name from the object prototype for a rule', () => {
    expect(
      configProblems({ constructor: '1', __proto__: '1' } as Record<string, string>),
    ).toHaveLength(Object.keys({ constructor: '1', __proto__: '1' }).length);
    expect(Object.keys(TOPIC_CONFIG_RULES)).not.toContain('constructor');
  });

  it('are the ones POST /topics sets, refused at the same paths', () => {
    const body = (configs: Record<string, unknown>) =>
      createTopicRequestSchema().safeParse({ name: 'api.orders', configs });
    expect(body({ 'retention.ms': 3_600_000, 'cleanup.policy': 'compact' }).data?.configs).toEqual({
      'retention.ms': '3600000',
      'cleanup.policy': 'compact',
    });
    const refused = body({
      'retention.msec': '1',
      'retention.ms': -2,
      'unclean.leader.election.enable': 'yes',
      'min.insync.replicas': 2,
    });
    expect(refused.error === undefined ? [] : issuesOf(refused.error)).toEqual(
      configProblems({
        'retention.msec': '1',
        'retention.ms': '-2',
        'unclean.leader.election.enable': 'yes',
      }),
    );
  });
});

describe('browsing records', () => {
  it('parses its query: partition required, offset or timestamp, limit 1..100 (default 20), nothing else', () => {
    expect(browseQuerySchema().parse({ partition: '2' })).toEqual({ partition: 2, limit: 20 });
    expect(
      browseQuerySchema().parse({ partition: '0', timestamp: '1970-01-01T00:00:01Z' }),
    ).toEqual({
      partition: 0,
      timestamp: 1000,
      limit: 20,
    });
    for (const query of [
      {},
      { partition: 'x' },
      { partition: '0', limit: '101' },
      { partition: '0', offset: '1', timestamp: '1' },
      { partition: '0', other: '1' },
    ])
      expect([query, browseQuerySchema().safeParse(query).success]).toEqual([query, false]);
  });

  it('writes a JSON value as it is through the wire format, other bytes in base64', () => {
    const record = browsedRecord(0, {
      offset: '7',
      timestamp: '1000',
      key: Buffer.from('k'),
      value: Buffer.from('{"camelCase":{"offset":5}}'),
      headers: { h: Buffer.from([0xff]) },
    });
    expect(toWire({ records: [record], nextOffset: 8 })).toEqual({
      records: [
        {
          partition: 0,
          offset: '7',
          timestamp: '1970-01-01T00:00:01.000Z',
          key: 'k',
          key_encoding: 'utf8',
          headers: [{ name: 'h', value: '/w==', encoding: 'base64' }],
          value: { camelCase: { offset: 5 } },
          value_encoding: 'json',
        },
      ],
      next_offset: '8',
    });
  });
});

describe('the request bodies of PATCH /topics/{name} and the new offset resets', () => {
  it('takes a shift, a duration and dry_run', () => {
    expect(
      resetOffsetRequestSchema().parse({ group: 'g', to: 'shift', shift_by: -5, dry_run: true }),
    ).toEqual({ group: 'g', to: 'shift', shift_by: -5, dry_run: true });
    expect(resetOffsetRequestSchema().parse({ group: 'g', to: 'earliest' })).toEqual({
      group: 'g',
      to: 'earliest',
      dry_run: false,
    });
    expect(
      resetOffsetRequestSchema().safeParse({ group: 'g', to: 'duration', by_duration: 'PT1H' })
        .success,
    ).toBe(true);
    for (const by_duration of ['1h', 'P1M', 'PT0S', '-PT1H', ''])
      expect([
        by_duration,
        resetOffsetRequestSchema().safeParse({ group: 'g', to: 'duration', by_duration }).success,
      ]).toEqual([by_duration, false]);
  });

  it('takes configs (null removes one) and a partition count, at least one of them', () => {
    expect(
      patchTopicRequestSchema().parse({ configs: { 'retention.ms': 5, 'segment.ms': null } }),
    ).toEqual({
      configs: { 'retention.ms': '5', 'segment.ms': null },
      validate_only: false,
    });
    for (const body of [{}, { configs: {} }, { partitions_count: 0 }, { partitions: 3 }])
      expect([body, patchTopicRequestSchema().safeParse(body).success]).toEqual([body, false]);
  });
});
