import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const filter = join(__dirname, '..', '..', '..', 'local', 'kafka', 'mvn-progress.awk');
const condense = (input: string): string =>
  execFileSync('awk', ['-v', 'total=57', '-f', filter], { input, encoding: 'utf8' });

describe("kafka.sh's Maven download output (local/kafka/mvn-progress.awk)", () => {
  it('prints a progress line per 10 jars against the total and one total, without ANSI codes', () => {
    const jar = (i: number) =>
      `\u001b[1;34m[INFO]\u001b[m Downloaded from central: https://repo/x/a${i}.jar (512 kB at 2.0 MB/s)\n`;
    const input =
      Array.from({ length: 23 }, (_, i) => jar(i)).join('') +
      '[INFO] Downloading from central: https://repo/x/b.jar\n' +
      '[INFO] Downloaded from central: https://repo/x/b.pom (2 kB at 1 MB/s)\n' +
      '\u001b[1;32m[INFO] BUILD SUCCESS\u001b[m\n';
    expect(condense(input).split('\n').filter(Boolean)).toEqual([
      '[kafka] [mvn] 10/57 jars downloaded (5.0 MB)...',
      '[kafka] [mvn] 20/57 jars downloaded (10.0 MB)...',
      '[kafka] [mvn] [INFO] BUILD SUCCESS',
      '[kafka] [mvn] 23 jars downloaded, 11.5 MB in total',
    ]);
  });
});
