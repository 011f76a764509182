import { withAdmin } from '../shared/kafka/admin';
import { createKafka } from '../shared/kafka/client';
import { isBenchTopic } from './prefix';

/** Topics named in one delete request. */
const DELETE_CHUNK = 100;

/**
 * Deletes every topic bench runs create ({@link isBenchTopic}):
 * `npm run bench` calls it before its suites and after them. Left on a
 * reused broker, each run's topics stayed (the HTTP suite alone: 16
 * topics, 40 partitions): a development broker had reached 3,663
 * partitions and 3 GB with the test suite's, all loaded again at each of
 * its starts. Two bench runs on one broker at once would spoil each
 * other's figures anyway; a topic of another run is deleted with the rest.
 * Returns how many were deleted.
 *
 * @example
 * ```ts
 * const deleted = await deleteBenchTopics();
 * ```
 */
export const deleteBenchTopics = (): Promise<number> =>
  withAdmin(createKafka({ clientId: 'bench-topics' }), async (admin) => {
    const topics = (await admin.listTopics()).filter(isBenchTopic);
    for (let at = 0; at < topics.length; at += DELETE_CHUNK)
      await admin.deleteTopics({ topics: topics.slice(at, at + DELETE_CHUNK) });
    return topics.length;
  });
