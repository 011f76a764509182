export {
  platform,
  platformDefinitionInput,
  Topic,
  FunctionEntry,
  DEFAULT_ROUTE_FUNCTION,
} from './definition';
export type { HttpRouteKey } from './definition';
export { loadPlatformDefinition } from './load';
export { batchingWindowsSchema, withBatchingWindows } from './batching-window';
export type { BatchingWindows } from './batching-window';
export { loadPlatform, withNamespace } from './namespace';
export type { RuntimePlatform } from './namespace';
export {
  topicForEventType,
  findTopic,
  getConsumer,
  esmGroupId,
  routeAccess,
  routeScopes,
  dlqTransactionalIds,
  DLQ_SCAN_GROUP_PREFIX,
  BROWSE_GROUP_PREFIX,
} from './queries';
export { topicKafkaConfigs, definitionTopicConfigs } from './topic-configs';
export type { TopicConfigPolicy } from './topic-configs';
export { PlatformDefinitionError, SchemaFilesError } from './errors';
export { readCommittedSchemas, glueSchemaDefinition } from './schema-files';
export type { CommittedSchema } from './schema-files';
export {
  SCHEMA_COMPATIBILITY,
  SCHEMAS_DIR,
  registrySchemaName,
  schemaLabel,
} from '../events/schema-ref';
export type { SchemaRef } from '../events/schema-ref';
export { MAX_RECORD_BYTES } from './limits';
export {
  ALERT_WINDOW_MINUTES,
  DlqGaugeName,
  emfMetricName,
  MetricName,
  METRICS_NAMESPACE,
} from './metrics';
export {
  CleanupPolicy,
  StartingPosition,
  FailureCategory,
  HttpFunction,
  ON_FAILURE_RETRY_CAP,
  ApiAuthMode,
  RouteAccess,
  RouteAuth,
  TOPIC_NAME_PATTERN,
} from './schema';
export type {
  PlatformDefinition,
  PlatformDefinitionInput,
  TopicDefinition,
  ConsumerDefinition,
  EventRoute,
  DlqDefinition,
  RetryPolicy,
  RetryStrategy,
  HttpRouteDefinition,
  AccessDefinition,
} from './schema';
