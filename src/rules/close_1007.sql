-- id: close_1007
-- severity: error
-- side: config
-- title: Live API session closed with 1007 (invalid argument)
-- description: The Live API closed the session with code 1007, "Request
--   contains an invalid argument.": it rejected the session setup. Usually an
--   unsupported config field, tool declaration (functionDeclarations) or
--   model option, or text sent through the realtime-input channel. Only the
--   setup_complete record of the JSONL session log (or the INFO line sent
--   after it) tells the two apart; the finding says which when it can.
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
              AND (o.id < c.id
                   OR (o.input_id <> c.input_id AND o.ts <= c.ts)))
               AS open_id,
           -- whether the Live API accepted the setup: only its
           -- setup_complete says (the JSONL record, or the INFO line
           -- "Sending session_ready event after setup completion"),
           -- and a log that records the socket's opening records that
           -- too; ids of two inputs do not compare, times do
           (SELECT min(s.id)
            FROM ev AS s
            WHERE s.conn = c.conn
              AND s.kind = 'setup_complete'
              AND coalesce(s.ts <= c.ts, 1)) AS setup_id,
           k.opened_ts
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
           || CASE
              WHEN setup.id IS NOT NULL
                  THEN printf('. The Live API had accepted the setup'
                              || ' (setup_complete %.1f s before the'
                              || ' close), so most likely not the config'
                              || ' sent at connect but something sent'
                              || ' during the session: text or an untyped'
                              || ' chunk through the realtime-input'
                              || ' channel, or a tool response.',
                              (closes.ts - setup.ts) / 1000.0)
              WHEN closes.opened_ts IS NOT NULL
                  THEN printf('. The Live API rejected the setup itself:'
                              || ' its socket opened %.1f s before the'
                              || ' close and the log holds no'
                              || ' setup_complete. Check the config sent at'
                              || ' connect for an unsupported field, tool'
                              || ' declaration (functionDeclarations) or'
                              || ' model option.',
                              (closes.ts - closes.opened_ts) / 1000.0)
              ELSE '. The session setup was rejected: check the config'
                   || ' sent at connect for an unsupported field, tool'
                   || ' declaration (functionDeclarations) or model option,'
                   || ' and that no text goes through the realtime-input'
                   || ' channel.'
              END AS summary,
       closes.id AS anchor_event,
       NULL AS cause_event,
       trim(coalesce(start_id || ' ', '') || coalesce(call_id || ' ', '')
            || coalesce(open_id || ' ', '') || coalesce(setup_id || ' ', '')
            || closes.id) AS evidence
FROM closes
LEFT JOIN ev AS call ON call.id = closes.call_id
LEFT JOIN ev AS setup ON setup.id = closes.setup_id
ORDER BY closes.id;
