import { snakeCase, toWire, wireAnswer } from '../../../shared/management/wire';

describe('the management wire format', () => {
  it('writes snake_case keys, Confluent v3 names for the lag summary, offsets as strings', () => {
    expect(
      toWire({
        groupId: 'g',
        members: [{ memberId: 'm-1', clientId: 'c', assignment: { 'My.Topic': [0, 1] } }],
        partitions: [{ topic: 't', partition: 0, currentOffset: 4, logEndOffset: 9, lag: 5 }],
        lagSummary: {
          totalLag: 5,
          maxLag: 5,
          maxLagTopic: 't',
          maxLagPartition: 0,
          maxLagConsumerId: 'm-1',
          maxLagClientId: 'c',
        },
      }),
    ).toEqual({
      consumer_group_id: 'g',
      members: [{ consumer_id: 'm-1', client_id: 'c', assignment: { 'My.Topic': [0, 1] } }],
      partitions: [{ topic: 't', partition: 0, current_offset: '4', log_end_offset: '9', lag: 5 }],
      lag_summary: {
        total_lag: 5,
        max_lag: 5,
        max_lag_topic_name: 't',
        max_lag_partition_id: 0,
        max_lag_consumer_id: 'm-1',
        max_lag_client_id: 'c',
      },
    });
  });

  it('keeps the keys of maps keyed by data, and nulls as they are', () => {
    expect(
      toWire({
        configs: { 'retention.ms': '1' },
        byOriginalTopic: { 'Orders.v2': 3 },
        oldest: { ageSeconds: 2, offset: 7 },
        previousOffset: null,
      }),
    ).toEqual({
      configs: { 'retention.ms': '1' },
      by_original_topic: { 'Orders.v2': 3 },
      oldest: { age_seconds: 2, offset: '7' },
      previous_offset: null,
    });
    expect(snakeCase('underReplicatedPartitions')).toBe('under_replicated_partitions');
  });

  it('rewrites JSON answers only', () => {
    const text = { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'aB 1' };
    expect(wireAnswer(text)).toBe(text);
    expect(
      JSON.parse(
        wireAnswer({
          statusCode: 200,
          headers: { 'content-type': 'application/json' },
          body: '{"takenAt":"x"}',
        }).body ?? '',
      ),
    ).toEqual({ taken_at: 'x' });
  });
});
