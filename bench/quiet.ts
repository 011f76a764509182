// Imported first by bench/main.ts, before any module builds its logger at import
// time: the bench's output stays its result lines (warnings and errors still show).
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
