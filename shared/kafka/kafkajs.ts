import type * as KafkaJS from 'kafkajs';

let loaded: typeof KafkaJS | undefined;

/**
 * kafkajs, required on first use: a handler's init neither compiles nor runs
 * it (a Lambda bundle carries it as a file of its own, infra/bundling.ts,
 * issue #13 item 6), and a consumer that never sends a dead letter never
 * loads it. Every value from kafkajs comes through here; types are imported
 * as types.
 *
 * @example
 * ```ts
 * const { Kafka } = kafkajs();
 * ```
 */
export const kafkajs = (): typeof KafkaJS => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('kafkajs') as typeof KafkaJS;
  return loaded;
};
