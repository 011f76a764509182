import { managementContracts } from '../../shared/management/contracts';
import { generateOpenApi } from '../../shared/http/openapi';
import type { PlatformDefinition } from '../../shared/platform';
import { publishContracts } from './contracts';

/**
 * The OpenAPI 3.1 document of the whole HTTP API (both functions' routes),
 * generated from their contracts: the schemas the handlers validate with and
 * the answers they give. The publish function serves it (GET /openapi.json)
 * and imports this module on that request only.
 *
 * @example
 * ```ts
 * const doc = buildOpenApiDocument(platform);
 * doc.openapi; // '3.1.0'
 * ```
 */
export const buildOpenApiDocument = (def: PlatformDefinition) =>
  generateOpenApi(def, { publish: publishContracts(), management: managementContracts() });
