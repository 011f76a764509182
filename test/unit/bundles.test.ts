import { join } from 'node:path';
import { bundleLambda } from '../../infra/bundling';
import { FunctionEntry, platform } from '../../shared/platform';

const ROOT = join(__dirname, '..', '..');
const BUDGET_BYTES = 1024 * 1024;

/** Every Lambda of the stack, with what it must never pull in. */
const lambdas: readonly (readonly [name: string, entry: string, forbidden: RegExp])[] = [
  ['publish', FunctionEntry.publish, /aws-cdk-lib|constructs|@aws-sdk\/client-|prom-client/],
  ['management', FunctionEntry.management, /aws-cdk-lib|constructs/],
  ['dlq-retry', FunctionEntry.dlqRetry, /aws-cdk-lib|constructs|@aws-sdk\/client-|prom-client/],
  ...platform.consumers.map(
    (c) =>
      [
        `consumer ${c.name}`,
        c.handlerModule,
        /aws-cdk-lib|constructs|@aws-sdk\/client-|prom-client/,
      ] as const,
  ),
];

describe('Lambda bundles (built as the CDK stack builds them)', () => {
  it.each(lambdas)(
    '%s stays under 1 MiB minified and loads only what it uses',
    async (_name, entry, forbidden) => {
      const { bytes, inputs } = await bundleLambda(join(ROOT, entry));
      expect(bytes).toBeLessThan(BUDGET_BYTES);
      expect(inputs.filter((i) => forbidden.test(i))).toEqual([]);
      expect(inputs).toContain(entry);
    },
    30_000,
  );
});
