// Procedures per plugin namespace (apoc, gds): shows whether APOC and GDS are installed.
SHOW PROCEDURES YIELD name
WHERE name STARTS WITH 'apoc.' OR name STARTS WITH 'gds.'
RETURN split(name, '.')[0] AS namespace, count(*) AS procedures
ORDER BY namespace
