/**
 * A kafkajs client as a bare user has it: a copy of kafkajs of its own,
 * apart from the one the platform configures. kafkajs keeps its codecs in
 * one table per loaded copy, and the platform's producers gzip small
 * batches on the calling thread (shared/kafka/codecs.ts): a baseline on the
 * platform's copy would measure the platform's codec, not kafkajs'. The
 * copy's files live in a directory of their own, node_modules/.cache
 * (kafkajs requires its protocol modules lazily, by path: a second load of
 * the same files would share them with the first).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as KafkaJS from 'kafkajs';
import type { Kafka } from 'kafkajs';
import { loadKafkaConnectionConfig } from '../shared/kafka/connection-config';

const require = createRequire(__filename);

let stock: typeof KafkaJS | undefined;

/**
 * kafkajs (no dependencies of its own, patched by npm ci as the platform's)
 * loaded from a copy of its files, made once per installed version (the
 * bench and its bare server's process may make it at once: each copies
 * apart, the first rename wins). `npm ci` makes a fresh node_modules, and
 * with it a fresh copy; a patch applied by hand afterwards needs the copy
 * removed.
 */
const loadStock = (): typeof KafkaJS => {
  const source = dirname(require.resolve('kafkajs/package.json'));
  const { version } = require('kafkajs/package.json') as { version: string };
  const cache = join(source, '..', '.cache');
  const copy = join(cache, `xseven-stock-kafkajs-${version}`);
  if (!existsSync(copy)) {
    mkdirSync(cache, { recursive: true });
    const staging = mkdtempSync(`${copy}-`);
    cpSync(source, staging, { recursive: true });
    try {
      renameSync(staging, copy);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another process made it first
    }
  }
  return require(copy) as typeof KafkaJS;
};

/**
 * A client of the stock kafkajs on the configured brokers (PLAINTEXT, as the
 * bench's local broker), kafkajs' logs silenced.
 *
 * @example
 * ```ts
 * const bare = stockKafka('bench-bare').producer({ idempotent: true });
 * ```
 */
export const stockKafka = (clientId: string): Kafka => {
  stock ??= loadStock();
  const config = loadKafkaConnectionConfig();
  return new stock.Kafka({
    clientId,
    brokers: config.KAFKA_BOOTSTRAP_SERVERS,
    logLevel: stock.logLevel.NOTHING,
  });
};
