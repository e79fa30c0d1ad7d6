-- id: rate_limit_burst
-- severity: warning
-- title: Messages rejected by the relay's rate limiter
-- description: One connection's "Rate limit exceeded for ..." warnings,
--   grouped into bursts (a gap over burst_gap_ms, 1 s by default and
--   100 ms at least, ends a burst). Audio (REALTIME_INPUT audio chunks and
--   USER_AUDIO) is limited to 200 messages per 1-second window per
--   connection; other messages share 100 per 60 s. Every rejected audio chunk is audio the model never heard.
-- next: Check the client's audio chunk size and send interval (20 ms or
--   larger chunks keep it under 200/s); check that audio is not sent twice
--   (two capture pipelines, a replayed buffer after reconnect).
-- A row may be a run of identical warnings (line_count lines from ts to
-- last_ts, never across a second boundary nor a gap over 100 ms, see
-- src/runs.c): counts add line_count, and a gap is measured from the latest
-- line of the rows before.
WITH rl AS (
    SELECT id,
           conn,
           ts,
           line_count,
           substr(message, length('Rate limit exceeded for ') + 1) AS type,
           json_extract(json, '$.mimeType') AS mime,
           coalesce(json_extract(json, '$.isAudioChunk'), 0) = 1
               OR json_extract(json, '$.mimeType') LIKE 'audio/%'
               OR json_extract(json, '$.mimeType') LIKE '%pcm%'
               OR json_extract(json, '$.mimeType') LIKE '%rate=%'
               OR message LIKE '%USER_AUDIO' AS audio,
           CASE WHEN ts - max(coalesce(last_ts, ts)) OVER (
                         PARTITION BY conn ORDER BY id
                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                     > (SELECT value FROM params WHERE key = 'burst_gap_ms')
                THEN 1 ELSE 0 END AS brk,
           coalesce(last_ts, ts) AS end_ts
    FROM ev
    WHERE kind = 'rate_limit'
      AND conn IS NOT NULL
),
numbered AS (
    SELECT *,
           sum(brk) OVER (PARTITION BY conn ORDER BY id
                          ROWS UNBOUNDED PRECEDING) AS burst
    FROM rl
),
per_second AS (
    SELECT conn, burst, sum(line_count) AS n
    FROM numbered
    GROUP BY conn, burst, ts / 1000
),
peak AS (
    SELECT conn, burst, max(n) AS peak
    FROM per_second
    GROUP BY conn, burst
),
bursts AS (
    SELECT conn,
           burst,
           min(id) AS first_id,
           max(id) AS last_id,
           min(ts) AS first_ts,
           max(end_ts) AS last_ts,
           sum(line_count) AS n,
           max(audio) AS audio,
           replace(group_concat(DISTINCT type), ',', ', ') AS types,
           replace(group_concat(DISTINCT mime), ',', ', ') AS mimes
    FROM numbered
    GROUP BY conn, burst
)
SELECT b.conn AS connection_id,
       b.first_ts,
       b.last_ts,
       b.n AS count,
       printf('%d message%s (%s%s) rejected by the relay''s rate limiter',
              b.n, CASE b.n WHEN 1 THEN '' ELSE 's' END, b.types,
              coalesce(', ' || b.mimes, ''))
           || CASE WHEN b.first_ts IS NOT NULL
                   THEN printf(' over %.1f s, peak %d/s', 
                               (b.last_ts - b.first_ts) / 1000.0, p.peak)
                   ELSE '' END
           || CASE WHEN b.audio
                   THEN printf('. Audio is limited to 200 chunks per second per'
                               || ' connection, so the client sent about %d/s or'
                               || ' more; the rejected audio never reached the'
                               || ' model.', 200 + p.peak)
                   ELSE '. Non-audio messages share a limit of 100 per 60 s,'
                        || ' and once tripped it blocks for a minute or more.'
                   END AS summary,
       b.first_id AS anchor_event,
       NULL AS cause_event,
       'rate-limit burst starts: ' || b.n || ' rejected' AS timeline,
       CASE WHEN b.first_id = b.last_id THEN b.first_id
            ELSE b.first_id || ' ' || b.last_id END AS evidence
FROM bursts AS b
JOIN peak AS p ON p.conn = b.conn AND p.burst = b.burst
ORDER BY b.first_id;
