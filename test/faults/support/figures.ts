import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

const DOC = join(__dirname, '..', '..', '..', 'docs', 'reliability.md');
const START = '<!-- fault-figures:start -->';
const END = '<!-- fault-figures:end -->';
const HEADER = [
  '| Scenario | Load held | Faults injected | Records checked | Lost | Duplicated | Recovery time | Run |',
  '| -------- | --------- | --------------- | --------------- | ---- | ---------- | ------------- | --- |',
];

/** One row of the fault suite's table in docs/reliability.md. */
export interface FigureRow {
  readonly scenario: string;
  readonly load: string;
  readonly faults: string;
  readonly checked: string;
  readonly lost: number;
  readonly duplicated: number;
  readonly recovery: string;
}

const cell = (s: string | number): string => String(s).replaceAll('|', '\\|');

/**
 * Writes (or replaces) the scenario's row in the table between the
 * fault-figures markers of docs/reliability.md, with today's date: the
 * document always shows the figures of the last run of each scenario.
 */
export const recordFigures = (row: FigureRow): void => {
  const text = readFileSync(DOC, 'utf8');
  const [before, rest] = text.split(START);
  const after = rest?.split(END)[1];
  if (before === undefined || after === undefined)
    throw new Error(`${DOC} has no ${START} ... ${END} section`);
  const rows = (rest?.split(END)[0] ?? '')
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| Scenario ') && !l.startsWith('| --'))
    // rows as their cells, so prettier's padding does not matter
    .map(
      (l) =>
        `| ${l
          .split(' | ')
          .map((c) => c.replace(/^\|/, '').replace(/\|$/, '').trim())
          .join(' | ')} |`,
    )
    .filter((l) => !l.startsWith(`| ${cell(row.scenario)} |`));
  const line = `| ${[
    row.scenario,
    row.load,
    row.faults,
    row.checked,
    row.lost,
    row.duplicated,
    row.recovery,
    new Date().toISOString().slice(0, 10),
  ]
    .map(cell)
    .join(' | ')} |`;
  const table = [...HEADER, ...[...rows, line].sort()].join('\n');
  writeFileSync(DOC, `${before}${START}\n${table}\n${END}${after}`);
  // Formatted as `npm run lint` (prettier --check) expects it; prettier's
  // API is ESM-only, which jest's CommonJS runtime cannot import.
  execFileSync(process.execPath, [require.resolve('prettier/bin/prettier.cjs'), '--write', DOC], {
    stdio: 'ignore',
  });
};

/** Seconds with one decimal, e.g. `12.3 s`. */
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
