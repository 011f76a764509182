import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
  // `import()` of a lazy package becomes `require()`: Node's ESM loader would
  // see a lazy package's file (CommonJS built by esbuild) without its named
  // exports, and the afterBundling hook finds the packages a handler loads
  // by their `require("<name>")`.
  supported: { 'dynamic-import': false },
} as const satisfies BuildOptions;

/**
 * Packages a handler loads when it first uses them, never at init: each is
 * left out of the handler's bundle and built into a file of its own,
 * `node_modules/<package>/index.js` beside it, which Node's `require` finds
 * there. Code inside a bundle is compiled when the bundle loads, whether it
 * runs or not (~33 µs per KiB here, issue #13 item 6); a file of its own is
 * compiled when required. kafkajs is needed at the first send (a consumer's
 * usually never: only its dead letters are sent), Tracer only when X-Ray is
 * on, the MSK IAM signer at the first connection, prom-client by one
 * management route, the LZ4 and Snappy codecs by a client reading or
 * writing that compression (shared/kafka/codecs.ts). Our code reaches them only through `require` or
 * `import()` inside functions (the bundle tests check it).
 */
export const LAZY_PACKAGES = [
  'kafkajs',
  '@aws-lambda-powertools/tracer',
  'aws-msk-iam-sasl-signer-js',
  'prom-client',
  'lz4js',
  'kafkajs-snappy',
] as const;
export type LazyPackage = (typeof LAZY_PACKAGES)[number];

/** Where a lazy package's file goes, relative to the handler's directory. */
export const lazyPackageFile = (name: LazyPackage): string =>
  join('node_modules', name, 'index.js');

/** The text a bundle holds where it loads `name` (esbuild writes `require("<name>")`). */
export const lazyPackageReference = (name: LazyPackage): string =>
  `require(${JSON.stringify(name)})`;

/** Settings of a lazy package's own file: the bundle's, from the package's entry. */
export const LAZY_PACKAGE_ESBUILD = {
  bundle: true,
  minify: LAMBDA_ESBUILD.minify,
  platform: LAMBDA_ESBUILD.platform,
  target: LAMBDA_ESBUILD.target,
  format: LAMBDA_ESBUILD.format,
} as const satisfies BuildOptions;

/** A Lambda bundle built in memory (or to `outfile`). */
export interface LambdaBundle {
  /** Size of the handler's file: what an init compiles. */
  readonly bytes: number;
  /** Source files that ended up in the handler's file. */
  readonly inputs: readonly string[];
  readonly metafile: Metafile;
  /** The lazy packages the handler references, and the size of each one's file. */
  readonly lazy: readonly { readonly name: LazyPackage; readonly bytes: number }[];
}

const referencedLazyPackages = (metafile: Metafile): LazyPackage[] => {
  const external = new Set(
    Object.values(metafile.inputs).flatMap((input) =>
      input.imports.filter((i) => i.external === true).map((i) => i.path),
    ),
  );
  return LAZY_PACKAGES.filter((name) => external.has(name));
};

const buildLazyPackage = async (
  name: LazyPackage,
  outdir: string | undefined,
): Promise<{ name: LazyPackage; bytes: number }> => {
  const outfile = outdir === undefined ? undefined : join(outdir, lazyPackageFile(name));
  if (outfile !== undefined) mkdirSync(dirname(outfile), { recursive: true });
  const result = await build({
    ...LAZY_PACKAGE_ESBUILD,
    external: [...LAMBDA_ESBUILD.external],
    entryPoints: [require.resolve(name)],
    metafile: true,
    logLevel: 'silent',
    ...(outfile === undefined ? { write: false } : { outfile }),
  });
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  return { name, bytes };
};

/**
 * Bundles a Lambda entry exactly as the CDK stack does: the handler's file,
 * and the file of each lazy package it references beside it.
 *
 * @example
 * ```ts
 * const { bytes, lazy } = await bundleLambda('/repo/functions/publish/handler.ts');
 * ```
 */
export const bundleLambda = async (entry: string, outfile?: string): Promise<LambdaBundle> => {
  const result = await build({
    ...LAMBDA_ESBUILD,
    external: [...LAMBDA_ESBUILD.external, ...LAZY_PACKAGES],
    mainFields: [...LAMBDA_ESBUILD.mainFields],
    entryPoints: [entry],
    metafile: true,
    logLevel: 'silent',
    ...(outfile === undefined ? { write: false } : { outfile }),
  });
  const bytes =
    result.outputFiles?.[0]?.contents.byteLength ??
    Object.values(result.metafile.outputs).reduce((n, o) => n + (o.entryPoint ? o.bytes : 0), 0);
  const outdir = outfile === undefined ? undefined : dirname(outfile);
  const lazy = await Promise.all(
    referencedLazyPackages(result.metafile).map((name) => buildLazyPackage(name, outdir)),
  );
  return { bytes, inputs: Object.keys(result.metafile.inputs), metafile: result.metafile, lazy };
};

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The shell command (CDK's `afterBundling` hook) that builds the file of a
 * lazy package into `outputDir` when the handler there references it, with
 * the same settings as {@link bundleLambda}. CDK runs it after its esbuild,
 * locally (the stack never bundles in Docker).
 *
 * @example
 * ```ts
 * commandHooks: { afterBundling: (_in, out) => LAZY_PACKAGES.map((p) => lazyPackageCommand(p, out)), ... }
 * ```
 */
export const lazyPackageCommand = (name: LazyPackage, outputDir: string): string => {
  const options: BuildOptions = {
    ...LAZY_PACKAGE_ESBUILD,
    external: [...LAMBDA_ESBUILD.external],
    entryPoints: [require.resolve(name)],
    outfile: join(outputDir, lazyPackageFile(name)),
    logLevel: 'warning',
  };
  // esbuild's JS API, as bundleLambda uses it (node_modules/.bin/esbuild may be the native binary or its JS launcher).
  const script = `require(${JSON.stringify(require.resolve('esbuild'))}).buildSync(${JSON.stringify(options)})`;
  return (
    `if grep -qF ${shellQuote(lazyPackageReference(name))} ${shellQuote(join(outputDir, 'index.js'))}; ` +
    `then ${shellQuote(process.execPath)} -e ${shellQuote(script)}; fi`
  );
};
