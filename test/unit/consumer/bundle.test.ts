import { build } from 'esbuild';
import { join } from 'node:path';
import { platform } from '../../../shared/platform';

const ROOT = join(__dirname, '..', '..', '..');

/** Bundles a consumer the way the CDK stack does (minified, node22, AWS SDK v3 external). */
const bundle = async (entry: string) => {
  const result = await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    external: ['@aws-sdk/*'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  return { bytes: output?.contents.byteLength ?? 0, inputs: Object.keys(result.metafile.inputs) };
};

describe('consumer Lambda bundles', () => {
  it.each(platform.consumers.map((c) => [c.name, c.handlerModule]))(
    '%s stays under 1 MB and pulls neither the CDK nor an AWS SDK client',
    async (_name, entry) => {
      const { bytes, inputs } = await bundle(entry);
      expect(bytes).toBeLessThan(1024 * 1024);
      expect(
        inputs.filter((i) => /aws-cdk-lib|constructs|@aws-sdk\/client-|prom-client/.test(i)),
      ).toEqual([]);
      expect(inputs.some((i) => i.includes('functions/consumers/create-consumer.ts'))).toBe(true);
    },
    30_000,
  );
});
