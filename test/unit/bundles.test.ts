import { join } from 'node:path';
import { bundleLambda } from '../../infra/bundling';
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

  it('carries Powertools Tracer for X-Ray, loaded on the first invocation, not at init', async () => {
    const { inputs, metafile } = await bundleLambda(join(ROOT, FunctionEntry.publish));
    expect(inputs.some((i) => i.includes('@aws-lambda-powertools/tracer'))).toBe(true);
    // Only a dynamic import reaches it: the bundle does not evaluate it when it loads.
    const importers = Object.entries(metafile.inputs).filter(
      ([path, input]) =>
        !path.includes('@aws-lambda-powertools/tracer') &&
        input.imports.some((i) => i.path.includes('@aws-lambda-powertools/tracer/lib')),
    );
    expect(importers.map(([path]) => path)).toEqual(['shared/tracing/xray.ts']);
    const kinds = importers.flatMap(([, input]) =>
      input.imports
        .filter((i) => i.path.includes('@aws-lambda-powertools/tracer'))
        .map((i) => i.kind),
    );
    expect(new Set(kinds)).toEqual(new Set(['dynamic-import']));
  }, 30_000);

  it('detects a local/ module in a bundle (the rule is not vacuous)', async () => {
    const { inputs } = await bundleLambda(join(ROOT, 'local/provision.ts'));
    expect(inputs.filter((i) => NEVER.test(i))).toContain('local/provision.ts');
  }, 30_000);
});
