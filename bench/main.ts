import './quiet';
import './prefix';
import { bundleBench } from './bundles';
import { burstBench } from './burst';
import { consumerBench } from './consumer';
import { httpPublishBench } from './http-publish';
import { producerPerfBench } from './producer-perf';
import { publishBench } from './publish';
import { latencyBench } from './latency';
import { soakBench } from './soak';
import { storesBench } from './stores';
import { deleteBenchTopics } from './topics';
import type { BenchResult, BenchSuite } from './types';

/**
 * `npm run bench`: runs every suite and prints each figure as a ratio to its
 * baseline measured in the same run. Suites register here.
 */
const suites: readonly BenchSuite[] = [
  publishBench,
  producerPerfBench,
  httpPublishBench,
  consumerBench,
  bundleBench,
  soakBench,
  storesBench,
  latencyBench,
  burstBench,
];

const ratioLine = (r: BenchResult): string => {
  const ratio = r.value / r.baseline;
  const ok = r.higherIsBetter ? ratio >= r.target : ratio <= r.target;
  const fmt = (n: number): string => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3));
  const figures = `${r.name}: ${fmt(r.value)} vs ${fmt(r.baseline)} ${r.unit} = ${ratio.toFixed(2)}x`;
  if (r.reference === true) return `ref  ${figures} (reference, no target)`;
  return `${ok ? 'ok  ' : 'MISS'} ${figures} (target ${r.higherIsBetter ? '>=' : '<='} ${r.target}x)`;
};

const main = async (): Promise<void> => {
  const only = process.argv[2];
  let missed = 0;
  const earlier = await deleteBenchTopics();
  if (earlier > 0) console.log(`# deleted ${earlier} topic(s) earlier bench runs left`);
  for (const suite of suites.filter((s) => only === undefined || s.name === only)) {
    console.log(`# ${suite.name}`);
    for (const result of await suite.run()) {
      const line = ratioLine(result);
      if (line.startsWith('MISS')) missed += 1;
      console.log(line);
    }
  }
  await deleteBenchTopics();
  console.log(missed === 0 ? 'all targets met' : `${missed} target(s) missed`);
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
