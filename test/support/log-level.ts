// Tests log only errors unless asked otherwise (POWERTOOLS_LOG_LEVEL=INFO npm test).
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
