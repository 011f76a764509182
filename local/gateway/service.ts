import type { LocalService } from '../runtime/service';
import { loadGatewayConfig } from './config';
import { startGateway } from './server';

/**
 * The local API gateway as a service of `npm start`: serves the
 * definition's HTTP routes on XSEVEN_API_PORT (default 8000).
 *
 * @example
 * ```ts
 * export const localServices = [apiGatewayService];
 * ```
 */
export const apiGatewayService: LocalService = {
  name: 'api-gateway',
  start: async ({ platform, logger, env }) => {
    const config = loadGatewayConfig(env);
    const gateway = await startGateway({ platform, logger, ...config });
    logger.info('API gateway listening', {
      url: gateway.url,
      openapi: `${gateway.url}${platform.apiBasePath}/openapi.json`,
    });
    return { stop: gateway.stop };
  },
};
