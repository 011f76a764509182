import type { ChildProcess } from 'node:child_process';
import { uniquePrefix } from '../../support/kafka';
import { eventually } from '../../support/eventually';
import {
  freePort,
  startLocalPlatform,
  stopLocalPlatform,
  waitForOutput,
} from '../../support/local-process';

/** The JSON log lines of a process's output (other lines, e.g. npm's banner, skipped). */
const jsonLines = (output: readonly string[]): Record<string, unknown>[] =>
  output
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('npm start, quiet and traceable', () => {
  let child: ChildProcess | undefined;

  afterAll(async () => {
    await stopLocalPlatform(child);
  }, 60_000);

  it('prints no ERROR or WARN on a clean start and a healthy publish; every line about the request or the record carries its ids', async () => {
    const port = await freePort();
    const started = startLocalPlatform({
      XSEVEN_API_PORT: String(port),
      XSEVEN_TOPIC_PREFIX: uniquePrefix('quiet'),
      // DEBUG: the consumer's handlers log each record at debug.
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
    });
    child = started;
    await waitForOutput(started, 'xseven-events is running locally', 120_000);
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const base = `http://127.0.0.1:${port}/api/v1/kafka/events/conversation`;
    const response = await fetch(base, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
        'x-correlation-id': 'corr-quiet-1',
      },
      body: JSON.stringify({ conversation_id: 'conv_q', user_id: 'user_q', action: 'started' }),
    });
    expect(response.status).toBe(200);
    const { event_id: eventId } = (await response.json()) as { event_id: string };
    const refused = await fetch(base, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'x-correlation-id': 'corr-refused' },
      body: JSON.stringify({ conversation_id: 'conv_q' }),
    });
    expect(refused.status).toBe(422);

    // The consumer's handler logs the record (debug) once the local ESM delivered it.
    const handled = await eventually(async () => {
      const line = jsonLines(started.output).find(
        (l) => l.message === 'conversation event logged' && l.event_id === eventId,
      );
      if (line === undefined) throw new Error('the record was not handled yet');
      return line;
    }, 60_000);
    expect(handled).toMatchObject({ correlation_id: 'corr-quiet-1', trace_id: traceId });

    const lines = jsonLines(started.output);
    expect(lines.find((l) => l.message === 'event published')).toMatchObject({
      event_id: eventId,
      correlation_id: 'corr-quiet-1',
      trace_id: traceId,
    });
    // A refused request: one debug line with its ids, not INFO noise.
    const rejected = lines.filter((l) => l.message === 'request rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ level: 'DEBUG', correlation_id: 'corr-refused' });
    expect(rejected[0]?.trace_id).toMatch(/^[0-9a-f]{32}$/);

    const loud = lines.filter((l) => l.level === 'WARN' || l.level === 'ERROR');
    expect(loud).toEqual([]);
  }, 240_000);

  it("exits before starting anything when a setting is bad, naming the variable (the seed's zstd)", async () => {
    const failed = startLocalPlatform({
      XSEVEN_API_PORT: String(await freePort()),
      KAFKA_PRODUCER_COMPRESSION_TYPE: 'zstd',
    });
    const code = await new Promise<number | null>((resolve) => failed.once('exit', resolve));
    expect(code).toBe(1);
    const output = failed.output.join('');
    expect(output).toContain('KAFKA_PRODUCER_COMPRESSION_TYPE: "zstd" is refused');
    expect(output).not.toContain('topics provisioned');
  }, 60_000);
});
