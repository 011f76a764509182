import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { platform, topicForEventType, withNamespace } from '../../../shared/platform';
import { uniquePrefix } from '../../support/kafka';
import { startLocalPlatform, stopLocalPlatform, waitForOutput } from '../../support/local-process';
import { faultCluster } from './cluster';
import type { FaultCluster } from './cluster';
import { LOAD_EVENT_TYPES } from './load';

/** The load of both broker-loss scenarios: HTTP clients (single events and batches of BATCH). */
export const CLIENTS = 4;
export const BATCH = 20;

/** What a broker-loss scenario drives: its cluster, the topics it reads back, the API's base URL. */
export interface BrokerLossRig {
  readonly cluster: FaultCluster;
  readonly topics: readonly string[];
  readonly apiBase: string;
}

/**
 * The setup of a broker-loss scenario (issue #15, items 1 and 2), one per
 * test file so that each command selects its scenario by file, never by
 * test name: a private three-broker cluster on `basePort`..`basePort + 5`
 * and `npm start`'s runtime on `apiPort`, started in `beforeAll` and
 * stopped in `afterAll` of the calling file.
 */
export const brokerLossRig = (basePort: number, apiPort: number, label: string): BrokerLossRig => {
  const cluster = faultCluster(basePort, label);
  const prefix = uniquePrefix('faults');
  const def = withNamespace(platform, prefix);
  const topics = [...new Set(LOAD_EVENT_TYPES.map((t) => topicForEventType(def, t)))];
  let runtime: ReturnType<typeof startLocalPlatform> | undefined;

  beforeAll(async () => {
    await cluster.start();
    runtime = startLocalPlatform({
      KAFKA_BOOTSTRAP_SERVERS: cluster.bootstrap,
      XSEVEN_API_PORT: String(apiPort),
      XSEVEN_TOPIC_PREFIX: prefix,
      XSEVEN_KAFKA_HOME: cluster.home,
      XSEVEN_ON_FAILURE_DIR: join(cluster.home, 'on-failure'),
    });
    await waitForOutput(runtime, 'xseven-events is running locally', 180_000);
  }, 360_000);

  afterAll(async () => {
    // kept with the cluster's data for a failed run's diagnosis (docs/reliability.md)
    if (runtime) writeFileSync(join(cluster.home, 'runtime.log'), runtime.output.join(''));
    await stopLocalPlatform(runtime);
    await cluster.stop();
  }, 180_000);

  return { cluster, topics, apiBase: `http://127.0.0.1:${apiPort}${platform.apiBasePath}` };
};
