import type { Admin, Kafka } from 'kafkajs';
import { KafkaUnavailableError } from '../errors';

/**
 * Runs `work` with an admin connection opened for it and closed after,
 * whatever happens (one-off tasks: provisioning, a custom resource, gauges
 * after a run).
 *
 * @example
 * ```ts
 * const topics = await withAdmin(kafka, (admin) => admin.listTopics());
 * ```
 */
export const withAdmin = async <T>(
  kafka: Kafka,
  work: (admin: Admin) => Promise<T>,
): Promise<T> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
};

/**
 * The admin connection of a container: opened on first use, shared by
 * every caller and reused by warm invocations. A failed connect is
 * forgotten (the next call tries again) and reported as a
 * {@link KafkaUnavailableError}.
 *
 * @example
 * ```ts
 * const admin = new ContainerAdmin(() => createKafka());
 * const topics = await (await admin.get()).listTopics();
 * await admin.close();
 * ```
 */
export class ContainerAdmin {
  private readonly kafka: () => Kafka;
  private connection: Promise<Admin> | undefined;

  public constructor(kafka: () => Kafka) {
    this.kafka = kafka;
  }

  /** The connected admin client. */
  public get(): Promise<Admin> {
    this.connection ??= (async () => {
      const client = this.kafka().admin();
      await client.connect();
      return client;
    })().catch((error: unknown) => {
      this.connection = undefined;
      throw new KafkaUnavailableError('could not connect to Kafka', { cause: error });
    });
    return this.connection;
  }

  /** Disconnects (a later {@link ContainerAdmin.get} connects again). */
  public async close(): Promise<void> {
    const connected = this.connection;
    this.connection = undefined;
    if (connected) await (await connected.catch(() => undefined))?.disconnect();
  }
}
