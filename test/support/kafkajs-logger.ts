import type { Logger } from 'kafkajs';

/** A kafkajs logger that says nothing, for tests that drive kafkajs' internal modules. */
export const silentKafkajsLogger: Logger = {
  info: () => undefined,
  error: () => undefined,
  warn: () => undefined,
  debug: () => undefined,
  namespace: () => silentKafkajsLogger,
  setLogLevel: () => undefined,
};
