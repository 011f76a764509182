/**
 * kafkajs' internal module that sends a producer's batches (no typings of
 * its own), as its tests drive it with fake cluster and session objects.
 * The project patches it (patches/kafkajs+2.2.4.patch, applied by the root
 * postinstall): {@link settlesEveryBrokerRequest} marks the patched copy.
 */
declare module 'kafkajs/src/producer/sendMessages' {
  import type { Logger, Message, RecordMetadata } from 'kafkajs';

  interface SendMessagesDeps {
    readonly logger: Logger;
    readonly cluster: object;
    readonly partitioner: (args: { readonly message: Message }) => number;
    readonly eosManager: object;
    readonly retrier: <T>(
      fn: (bail: (error: Error) => void, retryCount: number, retryTime: number) => Promise<T>,
    ) => Promise<T>;
  }

  interface SendMessagesRequest {
    readonly acks: number;
    readonly timeout?: number;
    readonly compression?: number;
    readonly topicMessages: readonly { readonly topic: string; readonly messages: Message[] }[];
  }

  interface CreateSendMessages {
    (deps: SendMessagesDeps): (request: SendMessagesRequest) => Promise<RecordMetadata[]>;
    /** Set by the project's patch only. */
    readonly settlesEveryBrokerRequest?: boolean;
  }

  const createSendMessages: CreateSendMessages;
  export default createSendMessages;
}
