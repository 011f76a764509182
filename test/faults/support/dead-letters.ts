import type { Admin, Producer } from 'kafkajs';
import { EventHeader } from '../../../shared/events';
import type { PlatformDefinition } from '../../../shared/platform';
import { syntheticFailure, writeFailure } from '../../integration/dlq/support';

/**
 * Writes `ids.length` dead letters of records of `topic` (each carrying its
 * id as the CloudEvents `ce_id` header, so the read-back finds it), failed
 * a day from now: no retry is due, only a manual retry moves them.
 */
export const writeDeadLetters = async (
  producer: Producer,
  def: PlatformDefinition,
  topic: string,
  ids: readonly string[],
): Promise<void> => {
  const at = new Date(Date.now() + 86_400_000);
  for (let i = 0; i < ids.length; i += 100)
    await Promise.all(
      ids
        .slice(i, i + 100)
        .map((id) =>
          writeFailure(
            producer,
            def,
            syntheticFailure(topic, id, { at, headers: { [EventHeader.Id]: id } }),
          ),
        ),
    );
};

/** Records of `topic` appended so far, committed or not (the high watermarks, summed). */
export const appended = async (admin: Admin, topic: string): Promise<number> =>
  (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);

/** An answer of POST /dead-letter-queue/retry. */
export interface RetryAnswer {
  readonly status: number;
  readonly moved?: number;
  readonly eventIds: readonly string[];
}

/** POST /dead-letter-queue/retry with the operator's token. */
export const postDlqRetry = async (
  apiBase: string,
  token: string,
  body: Record<string, unknown>,
): Promise<RetryAnswer> => {
  const answer = await fetch(`${apiBase}/dead-letter-queue/retry`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(120_000),
  });
  const json = (await answer.json().catch(() => ({}))) as {
    moved?: number;
    records?: { event_id?: string | null }[];
  };
  return {
    status: answer.status,
    ...(json.moved === undefined ? {} : { moved: json.moved }),
    eventIds: (json.records ?? []).flatMap((r) => (r.event_id ? [r.event_id] : [])),
  };
};
