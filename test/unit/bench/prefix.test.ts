import { benchPrefix, isBenchTopic } from '../../../bench/prefix';

describe("the bench's scratch topics", () => {
  it('recognizes every prefix the suites make, and only those', () => {
    for (const name of ['platform', 'burst', 'perf', '1a2b3c4d-raw'])
      expect(isBenchTopic(`${benchPrefix(name)}conversation.events`)).toBe(true);
    // A user's topics that merely look alike are never deleted.
    for (const topic of [
      'bench-results',
      'benchmarks-1796300000000-x',
      'bench-1796300000-x',
      'my-bench-platform-1796300000000-x',
    ])
      expect(isBenchTopic(topic)).toBe(false);
  });
});
