import { withAdmin } from '../shared/kafka/admin';
import { createKafka } from '../shared/kafka/client';
import { loadKafkaConnectionConfig } from '../shared/kafka/connection-config';
import { loadPlatform } from '../shared/platform';
import { provisionTopics } from './provision';

/** `npm run topics:provision`: creates the definition's missing topics, prints drift. */
const main = async (): Promise<void> => {
  const config = loadKafkaConnectionConfig();
  const kafka = createKafka({ config, clientId: 'xseven-provision' });
  const def = loadPlatform().platform;
  await withAdmin(kafka, async (admin) => {
    const report = await provisionTopics(admin, def);
    console.log(`created: ${report.created.join(', ') || '(none)'}`);
    console.log(`already present: ${report.existing.join(', ') || '(none)'}`);
    for (const d of report.drift)
      console.warn(
        `DRIFT ${d.topic}: ${d.setting} is ${d.actual}, the definition says ${d.expected}`,
      );
    if (report.drift.length > 0) process.exitCode = 2;
  });
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
