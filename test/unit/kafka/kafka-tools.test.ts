import { execFile } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = join(__dirname, '..', '..', '..', 'local', 'kafka', 'kafka.sh');

describe("kafka.sh tools (Kafka's own tools jars, for the bench's ProducerPerformance line)", () => {
  it('prints the directory XSEVEN_KAFKA_TOOLS names when it holds kafka-tools-*.jar, downloading nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xseven-kafka-tools-'));
    writeFileSync(join(dir, 'kafka-tools-3.9.1.jar'), '');
    const { stdout, stderr } = await run('bash', [script, 'tools'], {
      env: { ...process.env, XSEVEN_KAFKA_TOOLS: dir },
    });
    expect(stdout.trim()).toBe(dir);
    expect(stderr).not.toContain('downloading');
  });

  it('names what is missing when the tools are absent and Maven cannot be run', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'xseven-kafka-tools-')), 'absent');
    // A PATH with java and the commands the script uses, but no mvn.
    const bin = mkdtempSync(join(tmpdir(), 'xseven-bin-'));
    for (const command of ['java', 'sed', 'dirname', 'ls']) {
      const { stdout } = await run('bash', ['-c', `command -v ${command}`]);
      symlinkSync(stdout.trim(), join(bin, command));
    }
    const bash = (await run('bash', ['-c', 'command -v bash'])).stdout.trim();
    await expect(
      run(bash, [script, 'tools'], {
        env: { ...process.env, XSEVEN_KAFKA_TOOLS: dir, PATH: bin },
      }),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining("Maven (mvn) is required to fetch Apache Kafka's tools"),
    });
  });
});
