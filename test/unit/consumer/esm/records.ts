import type { PendingRecord } from '../../../../local/esm/msk-event';

/** A pending record of topic `t` for the ESM unit tests. */
export const pending = (
  offset: number,
  partition = 0,
  extra: Partial<PendingRecord> = {},
): PendingRecord => ({
  topic: 't',
  partition,
  offset,
  timestamp: 1_700_000_000_000 + offset,
  timestampType: 'CREATE_TIME',
  key: Buffer.from(`k${offset}`),
  value: Buffer.from(`v${offset}`),
  headers: {},
  ...extra,
});
