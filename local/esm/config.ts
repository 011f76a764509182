import { join, resolve } from 'node:path';
import { LocalEnv, readEnv } from '../../shared/platform/env';

const REPO_ROOT = join(__dirname, '..', '..');

/** Settings of the local ESM from the environment. */
export interface LocalEsmConfig {
  /** Absolute path of the on-failure folder. */
  readonly onFailureDir: string;
  readonly memory: EsmMemoryBounds;
}

/** What one local event source mapping may hold in memory, in bytes. */
export interface EsmMemoryBounds {
  /** Records fetched ahead of the invocations (XSEVEN_ESM_READ_AHEAD_BYTES). */
  readonly readAheadBytes: number;
  /** kafkajs `maxBytes` per fetch (XSEVEN_ESM_FETCH_MAX_BYTES). */
  readonly fetchMaxBytes: number;
  /** kafkajs `maxBytesPerPartition` (XSEVEN_ESM_FETCH_MAX_BYTES_PER_PARTITION). */
  readonly fetchMaxBytesPerPartition: number;
}

/**
 * Reads the local ESM's settings (validated; a bad value names the variable).
 *
 * @example
 * ```ts
 * loadLocalEsmConfig({ XSEVEN_ON_FAILURE_DIR: '/tmp/failures' }).onFailureDir; // '/tmp/failures'
 * ```
 */
export const loadLocalEsmConfig = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): LocalEsmConfig => {
  const dir = readEnv(LocalEnv.OnFailureDir, env);
  return {
    onFailureDir: dir === undefined ? join(REPO_ROOT, '.xseven', 'on-failure') : resolve(dir),
    memory: {
      readAheadBytes: readEnv(LocalEnv.EsmReadAheadBytes, env),
      fetchMaxBytes: readEnv(LocalEnv.EsmFetchMaxBytes, env),
      fetchMaxBytesPerPartition: readEnv(LocalEnv.EsmFetchMaxBytesPerPartition, env),
    },
  };
};
