import { Logger } from '@aws-lambda-powertools/logger';

/**
 * A structured (JSON) Powertools logger for one service. Level from
 * POWERTOOLS_LOG_LEVEL (default INFO). Never log whole event payloads at
 * info level: they may hold personal data; log ids, types and sizes.
 *
 * @example
 * ```ts
 * const logger = createLogger('publish-api');
 * logger.info('published', { eventId, topic });
 * ```
 */
export const createLogger = (serviceName: string): Logger =>
  new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? serviceName });
