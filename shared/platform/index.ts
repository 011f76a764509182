export { platform, platformDefinitionInput, Topic, FunctionEntry } from './definition';
export { loadPlatformDefinition } from './load';
export { withNamespace } from './namespace';
export { topicForEventType, findTopic, getConsumer, esmGroupId } from './queries';
export { PlatformDefinitionError } from './errors';
export {
  CleanupPolicy,
  StartingPosition,
  FailureCategory,
  HttpFunction,
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
} from './schema';
