import fc from 'fast-check';
import {
  RETRIABLE_BY_CATEGORY,
  classifyFailure,
  stackExcerpt,
} from '../../../shared/consumer/classify';
import {
  DependencyUnavailableError,
  HandlerTimeoutError,
  RecordDeserializationError,
  RecordSchemaError,
} from '../../../shared/consumer/errors';
import { KafkaUnavailableError, ValidationError } from '../../../shared/errors';

describe('classifyFailure', () => {
  it.each([
    [new RecordDeserializationError('x'), 'deserialization', false],
    [new RecordSchemaError('x'), 'schema_validation', false],
    [new ValidationError('x'), 'schema_validation', false],
    [new HandlerTimeoutError('x'), 'timeout', true],
    [new DependencyUnavailableError('x'), 'dependency', true],
    [new KafkaUnavailableError('x'), 'dependency', true],
    [Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), 'dependency', true],
    [new Error('handler bug'), 'processing', true],
    ['a thrown string', 'processing', true],
  ])('classifies %p as %s (retriable %p)', (error, category, retriable) => {
    const failure = classifyFailure(error);
    expect(failure.category).toBe(category);
    expect(failure.retriable).toBe(retriable);
  });

  it('says explicitly which categories are retriable', () => {
    expect(RETRIABLE_BY_CATEGORY).toEqual({
      deserialization: false,
      schema_validation: false,
      processing: true,
      timeout: true,
      dependency: true,
      unknown_schema_version: true,
    });
  });

  it('keeps only an excerpt of the stack and a bounded message', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 5000 }), (message) => {
        const failure = classifyFailure(new Error(message));
        expect(failure.message.length).toBeLessThanOrEqual(1001);
        expect(failure.stack.split('\n').length).toBeLessThanOrEqual(
          6 + message.split('\n').length,
        );
      }),
    );
    const deep = new Error('deep');
    expect(stackExcerpt(deep, 2).split('\n')).toHaveLength(2);
  });
});
