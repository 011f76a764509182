/** kafkajs' internal retrier (no typings of its own), driven as kafkajs drives it in the produce path's tests. */
declare module 'kafkajs/src/retry' {
  import type { RetryOptions } from 'kafkajs';

  const createRetry: (
    options?: RetryOptions,
  ) => <T>(
    fn: (bail: (error: Error) => void, retryCount: number, retryTime: number) => Promise<T>,
  ) => Promise<T>;
  export default createRetry;
}
