-- id: socket_closed_after
-- severity: info
-- title: Browser socket closed after rejected frames
-- description: A consequence of a consequence: the report must show it
--   under the close that started the chain.
SELECT w.conn AS connection_id,
       w.ts AS first_ts,
       w.ts AS last_ts,
       1 AS count,
       'browser socket closed after its frames were rejected' AS summary,
       w.id AS anchor_event,
       -- rules run in id order, so post_close_race's findings are there
       (SELECT f.anchor_event FROM findings AS f
        WHERE f.conn = w.conn AND f.rule = 'post_close_race') AS cause_event,
       w.id AS evidence
FROM ev AS w
WHERE w.kind = 'ws_closed'
ORDER BY w.id;
