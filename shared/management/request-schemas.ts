import { manualRetryRequestSchema } from '../dlq/manual-retry-request';
import { resetOffsetRequestSchema } from './offset-reset';
import { createTopicRequestSchema } from './topics';

/**
 * The JSON request bodies of the management routes, keyed like
 * `managementRoutes` (method and path relative to the API base path), named
 * for an OpenAPI document (e.g. the publish function's /openapi.json).
 *
 * @example
 * ```ts
 * const body = managementRequestBodies['POST /topics'];
 * body.schema.parse({ name: 'orders' });
 * ```
 */
export const managementRequestBodies = {
  'POST /topics': { name: 'CreateTopicRequest', schema: createTopicRequestSchema },
  'POST /consumers/{topic}/reset-offset': {
    name: 'ResetOffsetRequest',
    schema: resetOffsetRequestSchema,
  },
  'POST /dead-letter-queue/retry': {
    name: 'ManualRetryRequest',
    schema: manualRetryRequestSchema,
  },
} as const;
