import { net } from './sockets';

/** A broker as the cluster's metadata lists it. */
export interface BrokerAddress {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
}

/**
 * The brokers among `brokers` that do not accept a TCP connection within
 * `timeoutMs` (all probed at once).
 *
 * Why a socket and not the metadata: when the KRaft controller quorum is lost
 * (two of three combined nodes down), the surviving broker can no longer
 * update its metadata, so it keeps listing the dead brokers as leaders and
 * in-sync replicas, and a metadata-only check says "writable" while every
 * acks=all write times out (seen by the fault suite, docs/reliability.md).
 *
 * @example
 * ```ts
 * const down = await unreachableBrokers((await admin.describeCluster()).brokers, 1000);
 * down.has(2); // true when broker 2 refused or did not answer in time
 * ```
 */
export const unreachableBrokers = async (
  brokers: readonly BrokerAddress[],
  timeoutMs: number,
): Promise<Set<number>> => {
  const answers = await Promise.all(
    brokers.map(async (b) => ((await accepts(b.host, b.port, timeoutMs)) ? null : b.nodeId)),
  );
  return new Set(answers.filter((id): id is number => id !== null));
};

const accepts = (host: string, port: number, timeoutMs: number): Promise<boolean> =>
  new Promise((resolve) => {
    if (!Number.isInteger(port) || port <= 0) {
      resolve(false);
      return;
    }
    const socket = net().connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
