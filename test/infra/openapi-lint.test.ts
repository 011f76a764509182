import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildOpenApiDocument } from '../../functions/publish/openapi';
import { platform } from '../../shared/platform';

const run = promisify(execFile);
const REDOCLY = join(__dirname, '..', '..', 'node_modules', '.bin', 'redocly');

/**
 * The served OpenAPI document passes a standard linter's recommended rules
 * (redocly, issue #11): no errors, no warnings. Offline: the linter reads
 * the file and its own rules only (telemetry off).
 */
describe('the OpenAPI document, linted', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'xseven-openapi-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has no error and no warning under redocly recommended', async () => {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(buildOpenApiDocument(platform)));
    // redocly exits non-zero on errors: its report is on stdout either way.
    const { stdout } = await run(
      REDOCLY,
      ['lint', '--extends', 'recommended', '--format', 'json', file],
      {
        cwd: dir,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        maxBuffer: 16 * 1024 * 1024,
      },
    ).catch((error: { stdout: string }) => error);
    // On Node 20 it prints a deprecation banner first; the report is the JSON after it.
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; message: string }[];
    };
    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 60_000);
});
