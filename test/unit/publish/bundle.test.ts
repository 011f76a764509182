import { build } from 'esbuild';
import { join } from 'node:path';

describe('publish Lambda bundle', () => {
  it('stays under 1 MB minified and loads neither the CDK nor AWS SDK clients', async () => {
    const result = await build({
      entryPoints: [join(__dirname, '..', '..', '..', 'functions', 'publish', 'handler.ts')],
      bundle: true,
      minify: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      // as the CDK bundles it: the AWS SDK v3 ships with the nodejs22.x runtime
      external: ['@aws-sdk/*'],
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const [output] = result.outputFiles;
    expect(output?.contents.length).toBeLessThan(1_000_000);
    const inputs = Object.keys(result.metafile.inputs);
    expect(
      inputs.filter((i) => /aws-cdk-lib|constructs|@aws-sdk\/client-|prom-client/.test(i)),
    ).toEqual([]);
  });
});
