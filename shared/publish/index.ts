export {
  publishConversationStarted,
  publishConversationMessage,
  publishConversationEnded,
  publishAiResponseGenerated,
  publishBusinessAnalyticsUpdate,
} from './convenience';
export type { AiResponseData, ConversationEndDetails } from './convenience';
export { publishEvent, publishEvents, prepareEvent } from './publish';
export type { BatchItemResult, PreparedEvent, PublishedEvent, PublishOptions } from './publish';
export { defaultPublishContext } from './context';
export type { PublishContext } from './context';
export { EventTooLargeError } from './errors';
