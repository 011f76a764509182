import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ConsumerDefinition } from '../../shared/platform/schema';
import type { Discard } from './delivery';
import { buildFailureRecord, failureObjectKey } from './failure-record';
import { localFunctionArn, nameUuid } from './local-arns';
import type { EventSourceInfo } from './msk-event';
import { persistently } from './persist';

/** What {@link createFolderDiscard} needs. */
export interface FolderDiscardOptions {
  readonly consumer: ConsumerDefinition;
  /** The mapping's consumer group (names the mapping, as AWS's ESM UUID does). */
  readonly groupId: string;
  readonly source: EventSourceInfo;
  /** The local stand-in of the S3 bucket: documents go to `<dir>/<consumer>/<S3 key>.json`. */
  readonly dir: string;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** Wait between two attempts to write. @default 1 s */
  readonly retryDelayMs?: number;
  readonly now?: () => Date;
}

/**
 * The local S3 on-failure destination of a mapping: each batch given up
 * (retries exhausted, records too old) becomes the JSON document AWS writes
 * to the bucket (local/esm/failure-record.ts), under the key AWS would use,
 * in `<dir>/<consumer>/`. The document is written whole (a temporary file
 * renamed into place) before the ESM commits the records; while the folder
 * cannot be written, the ESM retries and commits nothing.
 *
 * @example
 * ```ts
 * const discard = createFolderDiscard({ consumer, groupId, source, dir: '.xseven/on-failure', logger, signal });
 * await discard(records, 'retries_exhausted', 'boom', { invocations: 11, last });
 * ```
 */
export const createFolderDiscard = (options: FolderDiscardOptions): Discard => {
  const { consumer, logger, source } = options;
  // Stable per mapping, as AWS's ESM UUID: a mapping's documents share a prefix across restarts.
  const esmUuid = nameUuid(`${source.eventSourceArn}/${options.groupId}`);
  const functionArn = localFunctionArn(consumer.name);
  return async (records, reason, error, details) => {
    const now = (options.now ?? (() => new Date()))();
    const document = buildFailureRecord(records, { reason, details, functionArn, source, now });
    const path = join(
      options.dir,
      consumer.name,
      `${failureObjectKey(esmUuid, records, now)}.json`,
    );
    const body = `${JSON.stringify(document, null, 2)}\n`;
    await persistently(
      async () => {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(`${path}.tmp`, body);
        await rename(`${path}.tmp`, path);
      },
      {
        consumer: consumer.name,
        signal: options.signal,
        ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
        onFailure: (writeError) =>
          logger.error('on-failure folder unwritable; retrying, nothing committed meanwhile', {
            consumer: consumer.name,
            path,
            error: (writeError as Error).message,
          }),
      },
    );
    logger.warn('records given up; invocation record written to the on-failure folder', {
      consumer: consumer.name,
      groupId: options.groupId,
      condition: document.requestContext.condition,
      error,
      records: records.map((r) => `${r.topic}-${r.partition}@${r.offset}`),
      path,
    });
  };
};
