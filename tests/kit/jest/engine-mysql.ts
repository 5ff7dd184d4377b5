// The mysql project: the engine-parameterised suites on MySQL only (their SQLite runs are in the integration project).
process.env.TEST_ENGINES = 'mysql';
