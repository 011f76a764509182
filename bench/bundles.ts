import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleLambda } from '../infra/bundling';
import { FunctionEntry, platform } from '../shared/platform';
import type { BenchResult, BenchSuite } from './types';

const ROOT = join(__dirname, '..');
const BUDGET_BYTES = 1024 * 1024;
const LOADS = 7;

/** Median milliseconds to require a bundle in a fresh node process (module init only). */
const initMs = (file: string): number => {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const times = Array.from({ length: LOADS }, () =>
    Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })),
  );
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
};

/**
 * Lambda bundles: each bundle's size against the 1 MB budget, and its module
 * init time against a bundle of a bare kafkajs handler built the same way.
 */
export const bundleBench: BenchSuite = {
  name: 'bundles',
  run: async (): Promise<readonly BenchResult[]> => {
    const dir = mkdtempSync(join(tmpdir(), 'xseven-bundles-'));
    const bare = join(dir, 'bare-kafkajs.ts');
    writeFileSync(
      bare,
      `import { Kafka } from ${JSON.stringify(join(ROOT, 'node_modules', 'kafkajs'))};\n` +
        `const kafka = new Kafka({ brokers: ['127.0.0.1:9092'] });\nexport const handler = async () => kafka.producer();\n`,
    );
    const bareOut = join(dir, 'bare.js');
    await bundleLambda(bare, bareOut);
    const baselineInit = initMs(bareOut);

    const entries = [
      ...Object.entries(FunctionEntry).map(([name, path]) => ({ name, path })),
      ...platform.consumers.map((c) => ({ name: `consumer ${c.name}`, path: c.handlerModule })),
    ];
    const results: BenchResult[] = [];
    for (const { name, path } of entries) {
      const out = join(dir, `${name.replace(/\W+/g, '-')}.js`);
      const size = (await bundleLambda(join(ROOT, path), out)).bytes;
      results.push({
        name: `${name} bundle size vs 1 MiB budget`,
        unit: 'KiB',
        baseline: BUDGET_BYTES / 1024,
        value: size / 1024,
        higherIsBetter: false,
        target: 1,
      });
      results.push({
        name: `${name} init vs bare kafkajs bundle`,
        unit: 'ms',
        baseline: baselineInit,
        value: initMs(out),
        higherIsBetter: false,
        target: 3,
      });
    }
    return results;
  },
};
