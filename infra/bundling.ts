import { build } from 'esbuild';
import type { BuildOptions, Metafile } from 'esbuild';

/**
 * The esbuild settings of every Lambda bundle. PlatformFunction hands them to
 * NodejsFunction; the bundle tests and `npm run bench bundles` build with
 * them too, so what they measure is what is deployed.
 */
export const LAMBDA_ESBUILD = {
  bundle: true,
  minify: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  // The AWS SDK v3 is part of the nodejs22.x runtime.
  external: ['@aws-sdk/*'],
  // Prefer packages' ES modules: esbuild can then drop what a function does
  // not use (zod's locales alone are ~250 KB of its CommonJS build).
  mainFields: ['module', 'main'],
} as const satisfies BuildOptions;

/** A Lambda bundle built in memory (or to `outfile`). */
export interface LambdaBundle {
  readonly bytes: number;
  /** Source files that ended up in the bundle. */
  readonly inputs: readonly string[];
  readonly metafile: Metafile;
}

/**
 * Bundles a Lambda entry exactly as the CDK stack does.
 *
 * @example
 * ```ts
 * const { bytes } = await bundleLambda('/repo/functions/publish/handler.ts');
 * ```
 */
export const bundleLambda = async (entry: string, outfile?: string): Promise<LambdaBundle> => {
  const result = await build({
    ...LAMBDA_ESBUILD,
    external: [...LAMBDA_ESBUILD.external],
    mainFields: [...LAMBDA_ESBUILD.mainFields],
    entryPoints: [entry],
    metafile: true,
    logLevel: 'silent',
    ...(outfile === undefined ? { write: false } : { outfile }),
  });
  const bytes =
    result.outputFiles?.[0]?.contents.byteLength ??
    Object.values(result.metafile.outputs).reduce((n, o) => n + (o.entryPoint ? o.bytes : 0), 0);
  return { bytes, inputs: Object.keys(result.metafile.inputs), metafile: result.metafile };
};
