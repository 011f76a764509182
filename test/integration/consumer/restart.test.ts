import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import { withNamespace, platform } from '../../../shared/platform';
import { provisionTopics } from '../../../local/provision';
import { eventually } from '../../support/eventually';
import { testKafka, uniquePrefix } from '../../support/kafka';
import { produce, sleep } from '../esm/helpers';
import { eventMessage } from './helpers';

const ROOT = join(__dirname, '..', '..', '..');

const handledIds = (file: string): Set<string> =>
  new Set(
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => l.split(' ')[1] ?? '')
      : [],
  );

describe('the local ESM killed and restarted mid-stream', () => {
  let kafka: Kafka;
  let admin: Admin;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    kafka = testKafka('esm-restart');
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await admin.disconnect();
  });

  const startChild = (prefix: string, journal: string): ChildProcess => {
    const child = spawn(
      // node itself runs the ESM (tsx as a loader, not a wrapper process): the kill hits it.
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'local/esm/main.ts')],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          XSEVEN_TOPIC_PREFIX: prefix,
          XSEVEN_ESM_CONSUMERS: 'conversation-log',
          XSEVEN_HANDLED_LOG: journal,
          POWERTOOLS_LOG_LEVEL: 'WARN',
        },
        stdio: 'ignore',
      },
    );
    children.push(child);
    return child;
  };

  it('handles every produced event id at least once', async () => {
    const prefix = uniquePrefix('kill');
    const def = withNamespace(platform, prefix);
    await provisionTopics(admin, def);
    const topic = def.consumers.find((c) => c.name === 'conversation-log')?.topics[0] ?? '';
    const journal = join(mkdtempSync(join(tmpdir(), 'xseven-esm-')), 'handled.log');
    const sent: string[] = [];
    const produceSome = async (n: number): Promise<void> => {
      const batch = Array.from({ length: n }, (_, i) =>
        eventMessage('conversation.message', {
          conversation_id: `conv-${(sent.length + i) % 9}`,
          user_id: 'u',
          message_content: `m${sent.length + i}`,
        }),
      );
      sent.push(...batch.map((b) => b.envelope.id));
      await produce(
        kafka,
        topic,
        batch.map((b) => b.message),
      );
    };

    let child = startChild(prefix, journal);
    let producing = true;
    const producer = (async () => {
      while (producing) {
        await produceSome(25);
        await sleep(50);
      }
    })();
    await eventually(async () => expect(handledIds(journal).size).toBeGreaterThan(100), 60_000);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const handledAtKill = handledIds(journal).size;
    await sleep(500);
    child = startChild(prefix, journal);
    await sleep(1_500);
    producing = false;
    await producer;
    await eventually(
      async () => {
        const handled = handledIds(journal);
        expect(sent.filter((id) => !handled.has(id))).toEqual([]);
      },
      60_000,
      500,
    );
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(handledAtKill).toBeLessThan(sent.length);
    expect(sent.length).toBeGreaterThan(handledAtKill);
  }, 150_000);
});
