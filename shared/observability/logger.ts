import { Logger } from '@aws-lambda-powertools/logger';
import { PlatformEnv } from '../platform/env';

/**
 * A structured (JSON) Powertools logger for one service (POWERTOOLS_SERVICE_NAME
 * when set: the stack names every function's service after the definition).
 * Level from POWERTOOLS_LOG_LEVEL (default INFO). Never log whole event payloads at
 * info level: they may hold personal data; log ids, types and sizes.
 *
 * @example
 * ```ts
 * const logger = createLogger('publish-api');
 * logger.info('published', { eventId, topic });
 * ```
 */
export const createLogger = (serviceName: string): Logger =>
  new Logger({ serviceName: process.env[PlatformEnv.ServiceName.name] ?? serviceName });
