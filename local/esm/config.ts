import { join, resolve } from 'node:path';
import { LocalEnv, readEnv } from '../../shared/platform/env';

const REPO_ROOT = join(__dirname, '..', '..');

/** Settings of the local ESM from the environment. */
export interface LocalEsmConfig {
  /** Absolute path of the on-failure folder. */
  readonly onFailureDir: string;
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
  };
};
