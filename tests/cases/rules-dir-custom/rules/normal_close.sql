-- id: normal_close
-- severity: info
-- title: Session closed normally
-- description: A user rule: every 1000 or 1005 close, one finding each.
SELECT conn AS connection_id,
       ts AS first_ts,
       ts AS last_ts,
       1 AS count,
       'closed with ' || code AS summary,
       id AS anchor_event,
       id AS evidence
FROM ev
WHERE kind = 'closed'
  AND code IN (1000, 1005)
ORDER BY id;
