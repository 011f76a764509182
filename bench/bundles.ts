import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleLambda, lazyPackageFile } from '../infra/bundling';
import { FunctionEntry, platform } from '../shared/platform';
import {
  ConsumerEnv,
  envRecord,
  KafkaEnv,
  PlatformEnv,
  SaslMechanism,
  SecurityProtocol,
} from '../shared/platform/env';
import { median } from './stats';
import type { BenchResult, BenchSuite } from './types';

const ROOT = join(__dirname, '..');
const BUDGET_BYTES = 1024 * 1024;
const LOADS = 9;

/**
 * The environment a function has in AWS: what the stack gives every
 * function (infra/constructs/function-factory.ts: MSK IAM over TLS, the
 * names), and what Lambda sets. An init validates the variables that are
 * set, so a bench without them would measure less than AWS runs.
 */
const deployedEnv = (fn: string, consumer?: string): Record<string, string> =>
  envRecord([
    [
      KafkaEnv.BootstrapServers,
      'b-1.xseven.kafka.eu-west-1.amazonaws.com:9098,b-2.xseven.kafka.eu-west-1.amazonaws.com:9098',
    ],
    [KafkaEnv.SecurityProtocol, SecurityProtocol.SaslSsl],
    [KafkaEnv.SaslMechanism, SaslMechanism.AwsMskIam],
    [KafkaEnv.ClientId, 'xseven'],
    [KafkaEnv.AwsRegion, 'eu-west-1'],
    [PlatformEnv.TopicPrefix, ''],
    [
      PlatformEnv.MskClusterArn,
      'arn:aws:kafka:eu-west-1:123456789012:cluster/xseven/0b7f6a3e-1111-2222-3333-444455556666-1',
    ],
    [PlatformEnv.ServiceName, 'xseven'],
    [PlatformEnv.MetricsNamespace, 'XSeven'],
    [PlatformEnv.LambdaFunctionName, fn],
    ...(consumer === undefined ? [] : ([[ConsumerEnv.ConsumerName, consumer]] as const)),
  ]);

/** Milliseconds to require files (a bundle, then what it loads later) in a fresh node process. */
const initMs = (files: readonly string[], env: Record<string, string>): number => {
  const requires = files.map((f) => `require(${JSON.stringify(f)});`).join('');
  const script = `const t=process.hrtime.bigint();${requires}process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  return Number(
    execFileSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
    }),
  );
};

/**
 * Init of a bundle and of the bare baseline, loaded alternately (a loaded
 * machine hits both alike): the baseline's median, and ours as that times
 * the median of the per-pair ratios.
 */
const pairedInit = (
  files: readonly string[],
  bare: string,
  env: Record<string, string>,
): { ours: number; bare: number } => {
  const base: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < LOADS; i += 1) {
    let b: number;
    let o: number;
    if (i % 2 === 0) {
      b = initMs([bare], env);
      o = initMs(files, env);
    } else {
      o = initMs(files, env);
      b = initMs([bare], env);
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
      ...Object.entries(FunctionEntry).map(([name, path]) => ({
        name,
        path,
        env: deployedEnv(name),
      })),
      ...platform.consumers.map((c) => ({
        name: `consumer ${c.name}`,
        path: c.handlerModule,
        env: deployedEnv(c.name, c.name),
      })),
    ];
    const results: BenchResult[] = [];
    for (const { name, path, env } of entries) {
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
      const init = pairedInit([out], bareOut, env);
      results.push({
        name: `${name} init vs bare kafkajs bundle (alternate loads, median of ${LOADS})`,
        unit: 'ms',
        baseline: init.bare,
        value: init.ours,
        higherIsBetter: false,
        target: 1.5,
      });
      if (path === FunctionEntry.publish) {
        // What the init leaves to the first send: loading kafkajs from its own file.
        const first = pairedInit([out, join(dir, lazyPackageFile('kafkajs'))], bareOut, env);
        results.push({
          name: `${name} init + kafkajs loaded (its first send) vs bare kafkajs bundle's init`,
          unit: 'ms',
          baseline: first.bare,
          value: first.ours,
          higherIsBetter: false,
          target: 1.5,
          reference: true,
        });
      }
    }
    return results;
  },
};
