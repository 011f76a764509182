import { kafkaCallerError } from '../../../shared/management/kafka-errors';

const kafkaError = (type: string): Error =>
  Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type });

describe("Kafka errors that name the caller's mistake", () => {
  it('keep their meaning as 404, 409 and 422, also when wrapped', () => {
    expect(kafkaCallerError(kafkaError('TOPIC_ALREADY_EXISTS'))?.status).toBe(409);
    expect(kafkaCallerError(kafkaError('UNKNOWN_TOPIC_OR_PARTITION'))?.status).toBe(404);
    expect(kafkaCallerError(kafkaError('INVALID_REPLICATION_FACTOR'))).toMatchObject({
      status: 422,
      details: { kafkaCode: 'INVALID_REPLICATION_FACTOR' },
    });
    expect(
      kafkaCallerError(new Error('wrapped', { cause: kafkaError('INVALID_TIMESTAMP') }))?.status,
    ).toBe(422);
  });

  it.each([
    'TOPIC_AUTHORIZATION_FAILED',
    'GROUP_AUTHORIZATION_FAILED',
    'CLUSTER_AUTHORIZATION_FAILED',
  ])(
    'answer %s (MSK IAM outside the management role) with 403, never 503, also in an aggregate',
    (type) => {
      expect(kafkaCallerError(kafkaError(type))).toMatchObject({
        status: 403,
        code: 'FORBIDDEN',
        details: { kafkaCode: type },
      });
      // What kafkajs' createTopics throws: one error per topic.
      const aggregate = Object.assign(new Error('create'), {
        name: 'KafkaJSAggregateError',
        errors: [kafkaError('LEADER_NOT_AVAILABLE'), kafkaError(type)],
      });
      expect(kafkaCallerError(aggregate)?.status).toBe(403);
    },
  );

  it('leave availability errors alone (503 elsewhere)', () => {
    expect(kafkaCallerError(kafkaError('NOT_CONTROLLER'))).toBeUndefined();
    expect(kafkaCallerError(kafkaError('LEADER_NOT_AVAILABLE'))).toBeUndefined();
    expect(kafkaCallerError(new Error('Connection error'))).toBeUndefined();
    expect(
      kafkaCallerError(
        Object.assign(new Error('create'), { errors: [kafkaError('REQUEST_TIMED_OUT')] }),
      ),
    ).toBeUndefined();
  });
});
