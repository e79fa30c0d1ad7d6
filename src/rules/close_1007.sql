-- id: close_1007
-- severity: error
-- side: config
-- title: Live API session closed with 1007 (invalid argument)
-- description: The Live API closed the session with code 1007, "Request
--   contains an invalid argument.": it rejected the session setup. Usually an
--   unsupported config field, tool declaration (functionDeclarations) or
--   model option, or text sent through the realtime-input channel.
-- next: Set the 1007 sessions against those that did not fail (the
--   diagnosis): when their config is the same, look at what the client sent
--   during the session (text or untyped chunks through the realtime
--   channel, audio over the rate limit); else remove the config's
--   differences one at a time (functionDeclarations, transcription objects,
--   generationConfig or top-level temperature), check that the relay was
--   restarted with the new config, and check the Live API docs for the
--   model.
WITH closes AS (
    SELECT c.id,
           c.conn,
           c.ts,
           json_extract(c.json, '$.reason') AS reason,
           coalesce(k.connected_ts, k.first_ts) AS start_ts,
           (SELECT max(a.id)
            FROM ev AS a
            WHERE a.conn = c.conn
              AND a.kind IN (SELECT kind FROM kinds
                             WHERE fact IN ('connecting', 'connect_call'))
              AND a.id < c.id) AS call_id,
           (SELECT min(s.id)
            FROM ev AS s
            WHERE s.conn = c.conn
              AND s.kind IN (SELECT kind FROM kinds WHERE fact = 'start')
              AND s.json LIKE '%"payload"%'
              AND s.id < c.id) AS start_id,
           (SELECT max(o.id)
            FROM ev AS o
            WHERE o.conn = c.conn
              AND o.kind IN (SELECT kind FROM kinds
                             WHERE fact IN ('opened', 'ready'))
              AND o.id < c.id) AS open_id
    FROM ev AS c
    LEFT JOIN connections AS k ON k.conn = c.conn
    WHERE c.kind IN (SELECT kind FROM kinds WHERE fact = 'closed')
      AND c.code = 1007
)
SELECT closes.conn AS connection_id,
       closes.ts AS first_ts,
       closes.ts AS last_ts,
       1 AS count,
       'The Live API closed the session with 1007 "'
           || coalesce(reason, '') || '"'
           || CASE WHEN closes.ts > start_ts
                   THEN printf(' %.1f s after the connection started',
                               (closes.ts - start_ts) / 1000.0)
                   ELSE '' END
           || CASE WHEN call.ts IS NOT NULL AND closes.ts IS NOT NULL
                   THEN printf(' (%.1f s after the connect call)',
                               (closes.ts - call.ts) / 1000.0)
                   ELSE '' END
           || '. The session setup was rejected: check the config sent'
           || ' at connect for an unsupported field, tool declaration'
           || ' (functionDeclarations) or model option, and that no text'
           || ' goes through the realtime-input channel.' AS summary,
       closes.id AS anchor_event,
       NULL AS cause_event,
       trim(coalesce(start_id || ' ', '') || coalesce(call_id || ' ', '')
            || coalesce(open_id || ' ', '') || closes.id) AS evidence
FROM closes
LEFT JOIN ev AS call ON call.id = closes.call_id
ORDER BY closes.id;
