-- id: forever
-- severity: info
-- title: Runaway
-- description: Counts for ever.
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)
SELECT count(*) AS count FROM c;
