import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  checkEvolution,
  compareWithCommitted,
  generatedSchemaFiles,
  jsonSchemaOf,
  schemaVersions,
} from '../../shared/events';
import { readCommittedSchemas } from '../../shared/platform';

/** Repository root (this file is local/schemas/generate.ts). */
const ROOT = join(__dirname, '..', '..');

/**
 * `npm run schemas:generate`: writes the JSON Schema file of every version
 * that is not committed yet. It never rewrites a committed file (committed
 * versions are immutable) and writes nothing when a version breaks the
 * compatibility rules; it prints what to do instead. docs/schemas.md.
 */
const main = (): number => {
  const generated = generatedSchemaFiles();
  const committed = new Map(readCommittedSchemas(ROOT).map((s) => [s.path, s.text]));
  const problems = [
    ...compareWithCommitted(generated, committed).filter((p) => !p.includes('not committed yet')),
    ...checkEvolution(schemaVersions().map((v) => ({ ref: v, document: jsonSchemaOf(v) }))),
  ];
  if (problems.length > 0) {
    console.error(`schemas: nothing written:\n- ${problems.join('\n- ')}`);
    return 1;
  }
  const added = [...generated].filter(([path]) => !committed.has(path));
  for (const [path, text] of added) {
    mkdirSync(dirname(join(ROOT, path)), { recursive: true });
    writeFileSync(join(ROOT, path), text);
    console.log(`schemas: wrote ${path}`);
  }
  console.log(`schemas: ${generated.size} version(s), ${added.length} new`);
  return 0;
};

process.exitCode = main();
