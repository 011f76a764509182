/**
 * Child process of the "killed between produce and commit" test: runs the
 * DLQ mover and, at its Nth transaction, prints SENT after the records and
 * offsets are sent, then hangs before the commit until it is SIGKILLed.
 * argv: <definition JSON> <N> <records per transaction>
 */
import { runDlqMover } from '../../../shared/dlq/mover';
import { createLogger } from '../../../shared/observability/logger';
import { loadPlatformDefinition } from '../../../shared/platform';
import { testKafka } from '../../support/kafka';

const [definitionJson = '', killAt = '1', perTransaction = '1'] = process.argv.slice(2);
const def = loadPlatformDefinition(JSON.parse(definitionJson));
let transactions = 0;

void runDlqMover({
  kafka: testKafka('dlq-kill-child'),
  dlq: def.dlq,
  logger: createLogger('dlq-kill-child'),
  deadline: Date.now() + 60_000,
  maxRecordsPerTransaction: Number(perTransaction),
  hooks: {
    beforeCommit: async (moved) => {
      transactions += 1;
      if (transactions < Number(killAt)) return;
      process.stdout.write(`SENT ${moved.length}\n`);
      await new Promise(() => undefined);
    },
  },
});
