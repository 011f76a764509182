/**
 * A child process for the runtime-kill faults: the local ESM (the same code
 * `npm start` runs) serving the definition's `system-monitoring` consumer
 * with probe handlers. Each handled event id is appended to
 * FAULT_HANDLED_LOG at once; a record whose data says `action: "poison"`
 * fails and is dead-lettered. When FAULT_ARM is set, the child tells its
 * parent (IPC) the moment the fault point is reached and then stalls there,
 * so the parent's SIGKILL lands exactly at that point:
 * - `half-batch`: half of an invocation's records are handled;
 * - `dlq-write`: a dead-letter write has started.
 */
import { appendFileSync } from 'node:fs';
import type { Context, MSKEvent } from 'aws-lambda';
import { createConsumerHandler } from '../../../functions/consumers/create-consumer';
import { startLocalEsm } from '../../../local/esm/local-esm';
import { EventBus } from '../../../shared/consumer/bus';
import { createDlqWriter } from '../../../shared/dlq/writer';
import { createKafka } from '../../../shared/kafka/client';
import { loadKafkaConnectionConfig } from '../../../shared/kafka/connection-config';
import { getDlqProducer } from '../../../shared/kafka/producer-instance';
import { createLogger } from '../../../shared/observability/logger';
import { loadPlatform } from '../../../shared/platform';

export const PROBE_CONSUMER = 'system-monitoring';
export type ProbeArm = 'half-batch' | 'dlq-write';
export interface ProbeSignal {
  readonly kind: ProbeArm;
  readonly batch: number;
  readonly handled: number;
}

const arm = process.env.FAULT_ARM as ProbeArm | undefined;
const log = process.env.FAULT_HANDLED_LOG ?? '';
const stall = (): Promise<never> => new Promise<never>(() => undefined);
const signal = (message: ProbeSignal): void => {
  process.send?.(message);
};

let batch = 0;
let handled = 0;

const main = async (): Promise<void> => {
  const logger = createLogger('fault-probe');
  const { platform } = loadPlatform();
  const writer = createDlqWriter({ producer: getDlqProducer(logger), dlq: platform.dlq });
  const bus = new EventBus().subscribe('user.action', {
    name: 'probe',
    canHandle: () => true,
    handle: async (event) => {
      const data = event.data as { action?: string };
      if (data.action === 'poison') throw new Error('poison record');
      appendFileSync(log, `${event.id}\n`);
      handled += 1;
      if (arm === 'half-batch' && batch >= 4 && handled === Math.floor(batch / 2)) {
        signal({ kind: arm, batch, handled });
        await stall();
      }
    },
  });
  const inner = createConsumerHandler({
    consumer: PROBE_CONSUMER,
    bus,
    platform,
    logger,
    dlqWriter: {
      write: async (letters) => {
        if (arm === 'dlq-write') {
          signal({ kind: arm, batch, handled: letters.length });
          await stall();
        }
        await writer.write(letters);
      },
    },
  });
  const handler = (event: MSKEvent, context: Context) => {
    batch = Object.values(event.records).reduce((n, records) => n + records.length, 0);
    handled = 0;
    return inner(event, context);
  };
  const config = loadKafkaConnectionConfig();
  await startLocalEsm({
    platform,
    kafka: createKafka({ config, clientId: 'fault-probe', logger }),
    logger,
    brokers: config.KAFKA_BOOTSTRAP_SERVERS,
    consumers: [PROBE_CONSUMER],
    handlers: { [PROBE_CONSUMER]: handler },
    register: false,
  });
  process.send?.('ready');
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
