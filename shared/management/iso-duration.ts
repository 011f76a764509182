/**
 * ISO-8601 durations as Kafka's `kafka-consumer-groups --by-duration`
 * takes them (`PnDTnHnMnS`, also weeks: `P2W`): fixed lengths only. Years
 * and months are refused, their length depends on the calendar; so are
 * negative and zero durations (the reset goes back in time from now).
 */

const DURATION =
  /^P(?:(\d{1,9})W)?(?:(\d{1,9})D)?(?:T(?:(\d{1,9})H)?(?:(\d{1,9})M)?(?:(\d{1,9})(?:\.(\d{1,3}))?S)?)?$/;

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;

/** A parsed duration, or why the text is not one. */
export type DurationParse =
  { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly message: string };

/**
 * Milliseconds of an ISO-8601 duration (`PT1H`, `P1DT12H`, `PT0.5S`, `P2W`).
 *
 * @example
 * ```ts
 * parseIsoDuration('PT1H30M'); // { ok: true, ms: 5_400_000 }
 * parseIsoDuration('P1M');     // { ok: false, message: '... years and months ...' }
 * ```
 */
export const parseIsoDuration = (text: string): DurationParse => {
  const m = DURATION.exec(text);
  if (m === null || text === 'P' || text.endsWith('T'))
    return {
      ok: false,
      message: /^P[^T]*\d[YM]/.test(text)
        ? 'years and months have no fixed length: use weeks, days, hours, minutes or seconds (e.g. P30D)'
        : 'must be an ISO-8601 duration such as PT1H, PT30M, P1D or P1DT12H',
    };
  const [, w, d, h, min, s, frac] = m;
  const n = (v: string | undefined): number => (v === undefined ? 0 : Number(v));
  const ms =
    n(w) * WEEK_MS +
    n(d) * DAY_MS +
    n(h) * HOUR_MS +
    n(min) * MINUTE_MS +
    n(s) * SECOND_MS +
    (frac === undefined ? 0 : Number(frac.padEnd(3, '0')));
  if (ms <= 0) return { ok: false, message: 'must be longer than zero' };
  return { ok: true, ms };
};
