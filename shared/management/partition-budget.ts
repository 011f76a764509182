import type { Admin } from 'kafkajs';
import { UnprocessableEntityError } from '../http/errors';
import type { PartitionBudget } from './config';
import { PartitionBudgetError } from './errors';

/**
 * The partition budget (issue #11: one request of 7,415 partitions killed
 * the local broker), one check for every route that adds partitions
 * (`POST /topics`, `PATCH /topics/{name}`): more than one request may add is
 * the caller's mistake (422 naming `field`), more than the cluster may hold
 * is a conflict with its state (409). The per-request check needs no Kafka.
 *
 * @example
 * ```ts
 * checkRequestBudget(12, budget, 'partitions_count');
 * ```
 */
export const checkRequestBudget = (added: number, budget: PartitionBudget, field: string): void => {
  if (added > budget.perRequest)
    throw new UnprocessableEntityError([
      {
        path: field,
        message: `at most ${budget.perRequest} partitions per request (XSEVEN_MAX_PARTITIONS_PER_REQUEST)`,
      },
    ]);
};

/**
 * 409 when the cluster, holding what its metadata lists now, would exceed
 * its budget with `added` more partitions.
 *
 * @example
 * ```ts
 * await checkClusterBudget(admin, 12, budget);
 * ```
 */
export const checkClusterBudget = async (
  admin: Admin,
  added: number,
  budget: PartitionBudget,
): Promise<void> => {
  const { topics } = await admin.fetchTopicMetadata();
  const held = topics.reduce((n, t) => n + t.partitions.length, 0);
  if (held + added > budget.cluster) throw new PartitionBudgetError(held, added, budget.cluster);
};
