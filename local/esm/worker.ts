/**
 * The local ESMs' own thread in `npm start` (started by
 * local/esm/thread-service.ts): consuming, decoding and the consumers'
 * handlers do not share the gateway's event loop. The thread builds its own
 * Kafka client, logger and span export from the runtime's environment (the
 * worker's `process.env`), runs the mappings, and answers the main thread's
 * requests: pause and resume a group (the management API's offset reset),
 * its metric series, stop. It runs at a lower scheduling priority than the
 * gateway (local/esm/thread-priority.ts).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { createKafka } from '../../shared/kafka/client';
import { gzipOnThisThread } from '../../shared/kafka/codecs';
import { loadKafkaConnectionConfig } from '../../shared/kafka/connection-config';
import { getEsmControl } from '../../shared/management/runtime-hooks';
import { createLogger } from '../../shared/observability/logger';
import { metricSnapshot } from '../../shared/observability/metrics';
import { LocalEnv, readEnv } from '../../shared/platform/env';
import type { PlatformDefinition } from '../../shared/platform';
import { startOtlpTracing } from '../tracing/otlp';
import type { LambdaHandler } from './delivery';
import { EsmConfigError } from './errors';
import { startLocalEsmOf } from './service';
import { lowerThreadPriority } from './thread-priority';
import { FromWorker, SERIES_PUSH_MS, ToWorker } from './thread-messages';
import type { EsmWorkerData, WorkerMessage, WorkerRequest } from './thread-messages';

const load = createRequire(__filename);
const ROOT = join(__dirname, '..', '..');

/**
 * The consumers' handler modules, required: node 20 applies no loader hook
 * to a worker thread's `import()`, so the ESM's own loader (local-esm.ts,
 * `import()`) cannot load TypeScript here; tsx's require hook can.
 */
const handlersOf = (platform: PlatformDefinition): Record<string, LambdaHandler> => {
  const handlers: Record<string, LambdaHandler> = {};
  for (const consumer of platform.consumers) {
    const mod = load(join(ROOT, consumer.handlerModule)) as { handler?: unknown };
    if (typeof mod.handler !== 'function')
      throw new EsmConfigError(`${consumer.handlerModule} does not export a handler function`);
    handlers[consumer.name] = mod.handler as LambdaHandler;
  }
  return handlers;
};

const run = async (): Promise<void> => {
  const port = parentPort;
  if (port === null) throw new Error('local/esm/worker.ts runs as a worker thread only');
  const { platform, serviceName } = workerData as EsmWorkerData;
  lowerThreadPriority();
  // Decompressing fetched batches at that priority too, not on the process's shared thread pool.
  gzipOnThisThread();
  const env = process.env;
  const send = (message: WorkerMessage): void => port.postMessage(message);
  const logger = createLogger(serviceName);
  const kafka = createKafka({
    config: loadKafkaConnectionConfig(env),
    clientId: serviceName,
    logger,
  });
  const endpoint = readEnv(LocalEnv.OtlpEndpoint, env);
  const tracing = startOtlpTracing({
    ...(endpoint === undefined ? {} : { endpoint }),
    serviceName: readEnv(LocalEnv.OtelServiceName, env) ?? platform.name,
  });
  const esm = await startLocalEsmOf({ platform, kafka, logger, env }, handlersOf(platform));
  const pushSeries = setInterval(
    () => send({ kind: FromWorker.Series, series: metricSnapshot() }),
    SERIES_PUSH_MS,
  );
  pushSeries.unref();

  const answer = async (request: WorkerRequest): Promise<void> => {
    switch (request.kind) {
      case ToWorker.Pause:
        await getEsmControl()?.pause(request.groupId ?? '');
        return;
      case ToWorker.Resume:
        await getEsmControl()?.resume(request.groupId ?? '');
        return;
      case ToWorker.Series:
        send({ kind: FromWorker.Series, id: request.id, series: metricSnapshot() });
        return;
      case ToWorker.Stop:
        clearInterval(pushSeries);
        await esm.stop();
        // The spans of the last records are not lost with the thread.
        await tracing
          .stop()
          .catch((error: unknown) => logger.warn('spans not exported', { error }));
        return;
    }
  };
  port.on('message', (request: WorkerRequest) => {
    answer(request).then(
      () => {
        send({ kind: FromWorker.Done, id: request.id });
        // Nothing else keeps the thread alive once stopped: it exits.
        if (request.kind === ToWorker.Stop) port.close();
      },
      (error: unknown) =>
        send({
          kind: FromWorker.Done,
          id: request.id,
          error: error instanceof Error ? error.message : String(error),
        }),
    );
  });
  send({ kind: FromWorker.Started, groups: esm.esms.map((e) => e.groupId) });
};

// A failed start is the thread's uncaught error: the main thread's 'error' event reports it.
run().catch((error: unknown) =>
  setImmediate(() => {
    throw error;
  }),
);
