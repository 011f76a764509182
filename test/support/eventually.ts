/**
 * Retries `check` until it returns without throwing, or rethrows its last
 * error after `timeoutMs`. For state that converges (cluster metadata, lag).
 */
export const eventually = async <T>(
  check: () => Promise<T>,
  timeoutMs = 20_000,
  intervalMs = 250,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
};
