-- id: ghost_conn
-- severity: warning
-- title: A finding on a connection the log never names
-- description: A user rule whose connection id is none of the log's: its finding must still be shown.
SELECT 'no-such-connection' AS connection_id,
       min(ts) AS first_ts,
       max(ts) AS last_ts,
       1 AS count,
       'seen on a connection that is not in the log' AS summary
FROM ev;
