import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bundleLambda,
  LAZY_PACKAGES,
  lazyPackageFile,
  lazyPackageReference,
} from '../../infra/bundling';
import type { LazyPackage } from '../../infra/bundling';
import { FunctionEntry, platform } from '../../shared/platform';

const ROOT = join(__dirname, '..', '..');
const BUDGET_BYTES = 1024 * 1024;

/**
 * Never in a Lambda: the CDK app, the local runtime (emulators, broker
 * scripts) and its OpenTelemetry SDK and exporter (X-Ray traces in AWS; the
 * OpenTelemetry API itself comes with prom-client, which requires it).
 */
const NEVER = /aws-cdk-lib|constructs|^local\/|@opentelemetry\/(?!api\/)/;

/** Every Lambda of the stack, with what it must never pull in besides {@link NEVER}. */
const lambdas: readonly (readonly [name: string, entry: string, forbidden: RegExp])[] = [
  ['publish', FunctionEntry.publish, /@aws-sdk\/client-|prom-client/],
  ['management', FunctionEntry.management, /^infra\//],
  ['dlq-retry', FunctionEntry.dlqRetry, /@aws-sdk\/client-|prom-client/],
  ['topic-provisioner', FunctionEntry.topicProvisioner, /@aws-sdk\/client-|prom-client/],
  ...platform.consumers.map(
    (c) => [`consumer ${c.name}`, c.handlerModule, /@aws-sdk\/client-|prom-client/] as const,
  ),
];

/** The lazy packages every handler reaches (through its producer and Kafka client). */
const EVERY_HANDLER_LAZY = [
  'kafkajs',
  '@aws-lambda-powertools/tracer',
  'aws-msk-iam-sasl-signer-js',
  'lz4js',
  'kafkajs-snappy',
] as const;

describe('Lambda bundles (built as the CDK stack builds them)', () => {
  it('covers every Lambda entry of the definition', () => {
    expect(lambdas.map(([, entry]) => entry)).toEqual(
      expect.arrayContaining(Object.values(FunctionEntry)),
    );
  });

  it.each(lambdas)(
    '%s stays under 1 MiB minified and loads only what it uses, nothing of local/',
    async (_name, entry, forbidden) => {
      const { bytes, inputs } = await bundleLambda(join(ROOT, entry));
      expect(bytes).toBeLessThan(BUDGET_BYTES);
      expect(inputs.filter((i) => NEVER.test(i) || forbidden.test(i))).toEqual([]);
      expect(inputs).toContain(entry);
    },
    30_000,
  );

  it('reaches each lazy package only from inside a function: a require or import() the init never runs', async () => {
    const importers = new Map<string, Set<string>>();
    for (const [, entry] of lambdas) {
      const { metafile } = await bundleLambda(join(ROOT, entry));
      for (const [path, input] of Object.entries(metafile.inputs))
        for (const i of input.imports)
          if ((LAZY_PACKAGES as readonly string[]).includes(i.path)) {
            expect([path, i.external]).toEqual([path, true]);
            const kinds = importers.get(i.path) ?? new Set<string>();
            kinds.add(`${path} ${i.kind}`);
            importers.set(i.path, kinds);
          }
    }
    expect(
      Object.fromEntries([...importers].map(([pkg, kinds]) => [pkg, [...kinds].sort()])),
    ).toEqual({
      kafkajs: ['shared/kafka/kafkajs.ts require-call'],
      '@aws-lambda-powertools/tracer': ['shared/tracing/xray.ts dynamic-import'],
      'aws-msk-iam-sasl-signer-js': ['shared/kafka/client.ts dynamic-import'],
      'prom-client': ['shared/management/prometheus.ts import-statement'],
      lz4js: ['shared/kafka/codecs.ts require-call'],
      'kafkajs-snappy': ['shared/kafka/codecs.ts require-call'],
    });
  }, 120_000);

  it.each([
    ['publish', FunctionEntry.publish, EVERY_HANDLER_LAZY],
    ['management', FunctionEntry.management, [...EVERY_HANDLER_LAZY, 'prom-client']],
    [
      `consumer ${platform.consumers[0]?.name}`,
      platform.consumers[0]?.handlerModule ?? '',
      EVERY_HANDLER_LAZY,
    ],
  ] as const)(
    '%s: built beside its handler, no lazy package is loaded at init, and each one loads from its own file',
    async (_name, entry, expected) => {
      const dir = mkdtempSync(join(tmpdir(), 'xseven-bundle-'));
      try {
        const handlerFile = join(dir, 'index.js');
        const { lazy } = await bundleLambda(join(ROOT, entry), handlerFile);
        expect(lazy.map((l) => l.name).sort()).toEqual([...expected].sort());
        // Loaded with require: Node's ESM loader would see a lazy file without its named exports.
        const code = readFileSync(handlerFile, 'utf8');
        for (const name of expected) {
          expect([name, code.includes(`import(${JSON.stringify(name)})`)]).toEqual([name, false]);
          expect([name, code.includes(lazyPackageReference(name))]).toEqual([name, true]);
        }
        // A fresh node in the bundle's directory: the init, then each lazy package as Node finds it there.
        const script = `
          const before = new Set(Object.keys(require.cache));
          require(${JSON.stringify(handlerFile)});
          const atInit = Object.keys(require.cache).filter((f) => !before.has(f) && f !== ${JSON.stringify(handlerFile)});
          const loaded = ${JSON.stringify(expected)}.map((name) => {
            const file = require.resolve(name, { paths: [${JSON.stringify(dir)}] });
            return [name, file, typeof require(file)];
          });
          process.stdout.write(JSON.stringify({ atInit, loaded }));`;
        const out = JSON.parse(
          execFileSync(process.execPath, ['-e', script], {
            cwd: dir,
            encoding: 'utf8',
            // The AWS SDK comes with Lambda's runtime (external to every bundle): the repository's stands in.
            env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') },
          }),
        ) as { atInit: string[]; loaded: [string, string, string][] };
        expect(out.atInit).toEqual([]);
        for (const [name, file, type] of out.loaded) {
          expect(file).toBe(join(dir, lazyPackageFile(name as LazyPackage)));
          // Its exports: an object, or the factory kafkajs-snappy exports.
          expect([name, type]).toEqual([name, name === 'kafkajs-snappy' ? 'function' : 'object']);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );

  it("sends with the patched kafkajs (patches/kafkajs+2.2.4.patch): the publish bundle's kafkajs file has it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xseven-bundle-'));
    try {
      await bundleLambda(join(ROOT, FunctionEntry.publish), join(dir, 'index.js'));
      const file = join(dir, lazyPackageFile('kafkajs'));
      const script = `process.stdout.write(String(require(${JSON.stringify(file)}).settlesEveryBrokerRequest))`;
      expect(execFileSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8' })).toBe(
        'true',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('detects a local/ module in a bundle (the rule is not vacuous)', async () => {
    const { inputs } = await bundleLambda(join(ROOT, 'local/provision.ts'));
    expect(inputs.filter((i) => NEVER.test(i))).toContain('local/provision.ts');
  }, 30_000);
});
