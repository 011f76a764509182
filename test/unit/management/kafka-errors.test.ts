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

  it('leave availability errors alone (503 elsewhere)', () => {
    expect(kafkaCallerError(kafkaError('NOT_CONTROLLER'))).toBeUndefined();
    expect(kafkaCallerError(kafkaError('LEADER_NOT_AVAILABLE'))).toBeUndefined();
    expect(kafkaCallerError(new Error('Connection error'))).toBeUndefined();
  });
});
