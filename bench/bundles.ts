import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleLambda } from '../infra/bundling';
import { FunctionEntry, platform } from '../shared/platform';
import { median } from './stats';
import type { BenchResult, BenchSuite } from './types';

const ROOT = join(__dirname, '..');
const BUDGET_BYTES = 1024 * 1024;
const LOADS = 9;

/** Milliseconds to require a bundle in a fresh node process (module init only). */
const initMs = (file: string): number => {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
};

/**
 * Init of a bundle and of the bare baseline, loaded alternately (a loaded
 * machine hits both alike): the baseline's median, and ours as that times
 * the median of the per-pair ratios.
 */
const pairedInit = (file: string, bare: string): { ours: number; bare: number } => {
  const base: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < LOADS; i += 1) {
    let b: number;
    let o: number;
    if (i % 2 === 0) {
      b = initMs(bare);
      o = initMs(file);
    } else {
      o = initMs(file);
      b = initMs(bare);
    }
    base.push(b);
    ratios.push(o / b);
  }
  const baseline = median(base);
  return { bare: baseline, ours: baseline * median(ratios) };
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
      const init = pairedInit(out, bareOut);
      results.push({
        name: `${name} init vs bare kafkajs bundle (alternate loads, median of ${LOADS})`,
        unit: 'ms',
        baseline: init.bare,
        value: init.ours,
        higherIsBetter: false,
        target: 1.5,
      });
    }
    return results;
  },
};
