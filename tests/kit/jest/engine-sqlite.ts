// The integration project runs every engine-parameterised suite on SQLite; the mysql project runs the same files on MySQL.
process.env.TEST_ENGINES = 'sqlite';
