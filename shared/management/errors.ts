import { XsevenError } from '../errors';
import type { FieldIssue, XsevenErrorOptions } from '../errors';
import { HttpError } from '../http/errors';

/**
 * 404: no such topic on the broker.
 *
 * @example
 * ```ts
 * throw new UnknownTopicError('orders');
 * ```
 */
export class UnknownTopicError extends HttpError {
  public constructor(topic: string) {
    super(404, 'TOPIC_NOT_FOUND', `topic "${topic}" does not exist`, { details: { topic } });
  }
}

/**
 * 409: the topic (or one whose name collides with it) already exists.
 *
 * @example
 * ```ts
 * throw new TopicExistsError('orders');
 * ```
 */
export class TopicExistsError extends HttpError {
  public constructor(topic: string, message = `topic "${topic}" already exists`) {
    super(409, 'TOPIC_EXISTS', message, { details: { topic } });
  }
}

/**
 * 409: creating the topic would take the cluster beyond its partition
 * budget (XSEVEN_MAX_CLUSTER_PARTITIONS): delete topics or raise the budget.
 *
 * @example
 * ```ts
 * throw new PartitionBudgetError(9990, 20, 10000);
 * ```
 */
export class PartitionBudgetError extends HttpError {
  public constructor(held: number, asked: number, budget: number) {
    super(
      409,
      'PARTITION_BUDGET_EXCEEDED',
      `the cluster holds ${held} partitions; ${asked} more would exceed its budget of ${budget} (XSEVEN_MAX_CLUSTER_PARTITIONS)`,
      { details: { held, asked, budget } },
    );
  }
}

/**
 * 409: the topic belongs to the platform definition; deleting it needs `force=true`.
 *
 * @example
 * ```ts
 * throw new TopicProtectedError('conversation.events');
 * ```
 */
export class TopicProtectedError extends HttpError {
  public constructor(topic: string) {
    super(
      409,
      'TOPIC_PROTECTED',
      `topic "${topic}" is protected by the platform definition; repeat with force=true to delete it`,
      { details: { topic } },
    );
  }
}

/**
 * 409: the consumer group has active members (and no event source mapping
 * the API could stop for the caller), so its offsets cannot be changed.
 *
 * @example
 * ```ts
 * throw new GroupActiveError('billing', 'Stable', 2);
 * ```
 */
export class GroupActiveError extends HttpError {
  public constructor(groupId: string, state: string, members: number) {
    super(
      409,
      'GROUP_ACTIVE',
      `consumer group "${groupId}" has ${members} active member(s) (state ${state}); stop its consumers first`,
      { details: { groupId, state, members } },
    );
  }
}

/** The request field a Kafka refusal is about. */
const REJECTED_FIELD: Readonly<Record<string, string>> = {
  INVALID_TOPIC_EXCEPTION: 'name',
  INVALID_PARTITIONS: 'partitions',
  INVALID_REPLICATION_FACTOR: 'replication_factor',
  INVALID_REPLICA_ASSIGNMENT: 'replication_factor',
  INVALID_CONFIG: 'configs',
  UNSUPPORTED_COMPRESSION_TYPE: 'configs',
};

/**
 * 422: Kafka refused a topic request for a reason that is the caller's
 * (invalid config, too many replicas, bad partition count...).
 *
 * @example
 * ```ts
 * throw new TopicRejectedError('INVALID_REPLICATION_FACTOR', 'replication factor 3 > 1 broker');
 * ```
 */
export class TopicRejectedError extends HttpError {
  public constructor(kafkaCode: string, message: string, options: XsevenErrorOptions = {}) {
    super(422, 'TOPIC_REJECTED', message, {
      ...options,
      details: { kafkaCode },
      issues: [
        { path: REJECTED_FIELD[kafkaCode] ?? '(body)', message: `${kafkaCode}: ${message}` },
      ],
    });
  }
}

/** Retry-After of a not-ready answer: a couple of cache windows (READINESS_CACHE_MS). */
const NOT_READY_RETRY_AFTER_S = 5;

/**
 * 503 of `GET /health?deep=true`: writes to the definition's topics cannot
 * succeed now; `errors` names each topic (`orders`) or partition
 * (`orders/3`) that cannot take them.
 *
 * @example
 * ```ts
 * throw new NotReadyError('1 partition(s) cannot take writes', [{ path: 'orders/0', message: 'no_leader' }]);
 * ```
 */
export class NotReadyError extends HttpError {
  public constructor(message: string, issues: readonly FieldIssue[] = []) {
    super(503, 'NOT_READY', message, {
      retriable: true,
      issues,
      headers: { 'retry-after': String(NOT_READY_RETRY_AFTER_S) },
    });
  }
}

/**
 * 404: no management route matches the request.
 *
 * @example
 * ```ts
 * throw new RouteNotFoundError('GET /api/v1/kafka/nope');
 * ```
 */
export class RouteNotFoundError extends HttpError {
  public constructor(route: string) {
    super(404, 'ROUTE_NOT_FOUND', `no management route ${route}`);
  }
}

/**
 * An event source mapping did not reach the state asked for in time
 * (retriable: AWS may just be slow).
 *
 * @example
 * ```ts
 * throw new EsmTransitionError('uuid-1', 'Disabled', 'Disabling');
 * ```
 */
export class EsmTransitionError extends XsevenError {
  public constructor(
    uuid: string,
    wanted: string,
    actual: string,
    options: XsevenErrorOptions = {},
  ) {
    super(
      'ESM_TRANSITION_TIMEOUT',
      `event source mapping ${uuid} is ${actual}, not ${wanted}, after waiting`,
      { ...options, retriable: true, details: { uuid, wanted, actual } },
    );
  }
}

/**
 * The CloudWatch counters could not be read (retriable).
 *
 * @example
 * ```ts
 * throw new CounterSourceError('GetMetricData failed', { cause: err });
 * ```
 */
export class CounterSourceError extends XsevenError {
  public constructor(message: string, options: Omit<XsevenErrorOptions, 'retriable'> = {}) {
    super('COUNTERS_UNAVAILABLE', message, { ...options, retriable: true });
  }
}
