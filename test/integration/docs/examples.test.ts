/**
 * Every code example of README.md and docs/*.md (bash/curl and TypeScript
 * blocks) run against the local platform (`npm start`'s runtime on the test
 * broker). An example that cannot run here is marked in the markdown, right
 * before its block, with `<!-- example: skip <reason> -->`; the skips are
 * listed. The only rewrite: `localhost:8000` becomes the test's port.
 */
import { execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  freePort,
  startLocalPlatform,
  stopLocalPlatform,
  waitForOutput,
} from '../../support/local-process';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');
const SKIP = /<!--\s*example:\s*skip\s+(.+?)\s*-->\s*$/;
const LANGUAGES = { bash: 'bash', sh: 'bash', ts: 'ts', typescript: 'ts' } as const;

interface Example {
  readonly file: string;
  readonly line: number;
  readonly language: 'bash' | 'ts';
  readonly code: string;
  readonly skip?: string;
}

/** The fenced blocks of a markdown file that are examples (bash, sh, ts). */
const examplesOf = (file: string): Example[] => {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const out: Example[] = [];
  for (const m of text.matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)) {
    const language = LANGUAGES[(m[1] ?? '') as keyof typeof LANGUAGES];
    if (language === undefined) continue;
    const before = text.slice(0, m.index).trimEnd();
    const skip = SKIP.exec(before)?.[1];
    out.push({
      file,
      line: text.slice(0, m.index).split('\n').length,
      language,
      code: m[2] ?? '',
      ...(skip === undefined ? {} : { skip }),
    });
  }
  return out;
};

const examples = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
].flatMap(examplesOf);
const runnable = examples.filter((e) => e.skip === undefined);
const name = (e: Example): string => `${e.file}:${e.line} (${e.language})`;

/**
 * A bash `curl` that fails the block on an HTTP error: the examples show
 * answers a caller gets, so a 4xx or 5xx means the example (or the
 * platform) is wrong.
 */
const CURL_GUARD = `
curl() {
  local status body
  body=$(mktemp)
  status=$(command curl -sS -o "$body" -w '%{http_code}' "$@") || { rm -f "$body"; return 1; }
  if [ "$status" -ge 400 ]; then
    echo "curl answered HTTP $status: curl $*" >&2; cat "$body" >&2; rm -f "$body"; return 1
  fi
  rm -f "$body"
}
set -e
`;

describe('the code examples of README.md and docs/', () => {
  let child: ChildProcess | undefined;
  let port = 0;
  const token = 'docs-token-ignored-without-one-configured';
  // The examples name topics and groups as a default setup has them: no prefix.
  const prefix = '';
  const dir = join(ROOT, '.xseven');

  beforeAll(async () => {
    port = await freePort();
    const started = startLocalPlatform({
      XSEVEN_API_PORT: String(port),
      XSEVEN_TOPIC_PREFIX: prefix,
      // As a developer runs it: no token (the seed's curls send none); the
      // management examples' mutations allowed; their bearer header is ignored.
      XSEVEN_ALLOW_UNAUTHENTICATED_MUTATIONS: '1',
    });
    child = started;
    await waitForOutput(started, 'xseven-events is running locally', 120_000);
  }, 180_000);

  afterAll(async () => {
    await stopLocalPlatform(child);
  }, 60_000);

  it('marks every example it does not run, with a reason, and lists them', () => {
    const skipped = examples.filter((e) => e.skip !== undefined);
    // The list, for whoever reads the test output.
    process.stdout.write(
      `examples skipped:\n${skipped.map((e) => `  ${name(e)}: ${e.skip ?? ''}`).join('\n')}\n`,
    );
    for (const e of skipped) expect([name(e), (e.skip?.length ?? 0) > 3]).toEqual([name(e), true]);
    expect(runnable.length).toBeGreaterThan(3);
  });

  it.each(runnable.map((e) => [name(e), e] as const))(
    'runs %s',
    async (_name, example) => {
      const env = {
        ...process.env,
        XSEVEN_TOPIC_PREFIX: prefix,
        XSEVEN_API_TOKEN: token,
        POWERTOOLS_LOG_LEVEL: 'WARN',
      };
      const code = example.code.replace(/(localhost|127\.0\.0\.1):8000/g, `127.0.0.1:${port}`);
      try {
        if (example.language === 'bash') {
          await run('bash', ['-c', CURL_GUARD + code], { cwd: ROOT, env, timeout: 60_000 });
        } else {
          // One level below the root, so that the examples' `../shared/...` imports resolve.
          mkdirSync(dir, { recursive: true });
          const file = join(dir, `doc-example-${process.pid}-${example.line}.ts`);
          writeFileSync(file, code);
          try {
            await run(process.execPath, ['--import', 'tsx', file], {
              cwd: ROOT,
              env,
              timeout: 60_000,
            });
          } finally {
            rmSync(file, { force: true });
          }
        }
      } catch (error) {
        const e = error as { stderr?: string; message: string };
        throw new Error(`${name(example)} failed:\n${e.stderr ?? e.message}`);
      }
    },
    90_000,
  );
});
