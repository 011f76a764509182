import { join } from 'node:path';
import { loadPlatform, readCommittedSchemas } from '../../shared/platform';
import { registerSchemas, schemaRegistryUrl } from './registry';

/**
 * `npm run schemas:register`: registers the committed schemas in the
 * Confluent-compatible registry named by `SCHEMA_REGISTRY_URL` (docs/schemas.md).
 */
const main = async (): Promise<void> => {
  const url = schemaRegistryUrl();
  if (url === undefined) {
    console.error('SCHEMA_REGISTRY_URL is not set: the committed files in schemas/ are the registry');
    process.exitCode = 2;
    return;
  }
  const { prefix } = loadPlatform();
  const report = await registerSchemas(url, readCommittedSchemas(join(__dirname, '..', '..')), prefix);
  console.log(`subjects (compatibility BACKWARD): ${report.subjects.join(', ')}`);
  console.log(`registered: ${report.registered.join(', ') || '(none)'}`);
  console.log(`already registered: ${report.existing.length}`);
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
