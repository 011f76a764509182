import { estimateRecordBytes } from '../../../../local/esm/msk-event';
import type { PendingRecord } from '../../../../local/esm/msk-event';

/** A pending record of topic `t` for the ESM unit tests (size estimate from its fields). */
export const pending = (
  offset: number,
  partition = 0,
  extra: Partial<Omit<PendingRecord, 'estimatedBytes'>> = {},
): PendingRecord => {
  const fields = {
    topic: 't',
    partition,
    offset,
    timestamp: 1_700_000_000_000 + offset,
    timestampType: 'CREATE_TIME' as const,
    key: Buffer.from(`k${offset}`),
    value: Buffer.from(`v${offset}`),
    headers: {},
    ...extra,
  };
  return { ...fields, estimatedBytes: estimateRecordBytes(fields) };
};
