-- id: rate_limit_burst
-- severity: warning
-- side: browser
-- title: Messages rejected by the relay's rate limiter
-- description: One connection's "Rate limit exceeded for ..." warnings,
--   grouped by the relay's bucket and into bursts (a gap over
--   burst_gap_ms, 1 s by default and 100 ms at least, ends a burst). The
--   relay has three buckets per connection: audio (USER_AUDIO, and
--   REALTIME_INPUT chunks of an audio/ or pcm type) 200 per 1-second
--   window; images and video (REALTIME_INPUT image/ or video/) 300 per
--   minute; everything else (text chunks, CONTEXT_UPDATE, TOOL_RESULT) 100
--   per minute. A rejected message never reached the model.
-- next: Send less of what was rejected (each finding says how for its
--   bucket).
-- A row may be a run of identical warnings (line_count lines from ts to
-- last_ts, never across a second boundary nor a gap over 100 ms, see
-- src/runs.c): counts add line_count, and a gap is measured from the latest
-- line of the rows before.
WITH typed AS (
    SELECT id,
           conn,
           ts,
           last_ts,
           line_count,
           substr(message, length('Rate limit exceeded for ') + 1) AS type,
           json_extract(json, '$.mimeType') AS mime,
           coalesce(json_extract(json, '$.isAudioChunk'), 0) = 1
               OR json_extract(json, '$.mimeType') LIKE 'audio/%'
               OR json_extract(json, '$.mimeType') LIKE '%pcm%'
               OR json_extract(json, '$.mimeType') LIKE '%rate=%'
               OR message LIKE '%USER_AUDIO' AS audio
    FROM ev
    WHERE kind = 'rate_limit'
),
rl AS (
    SELECT *,
           CASE WHEN audio THEN 'audio'
                WHEN mime LIKE 'image/%' OR mime LIKE 'video/%'
                    THEN 'media'
                ELSE 'other' END AS bucket
    FROM typed
),
gapped AS (
    SELECT *,
           CASE WHEN ts - max(coalesce(last_ts, ts)) OVER (
                         PARTITION BY conn, bucket ORDER BY id
                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                     > (SELECT value FROM params WHERE key = 'burst_gap_ms')
                THEN 1 ELSE 0 END AS brk,
           coalesce(last_ts, ts) AS end_ts
    FROM rl
),
numbered AS (
    SELECT *,
           sum(brk) OVER (PARTITION BY conn, bucket ORDER BY id
                          ROWS UNBOUNDED PRECEDING) AS burst
    FROM gapped
),
per_second AS (
    SELECT conn, bucket, burst, sum(line_count) AS n
    FROM numbered
    GROUP BY conn, bucket, burst, ts / 1000
),
peak AS (
    SELECT conn, bucket, burst, max(n) AS peak
    FROM per_second
    GROUP BY conn, bucket, burst
),
bursts AS (
    SELECT conn,
           bucket,
           burst,
           min(id) AS first_id,
           max(id) AS last_id,
           min(ts) AS first_ts,
           max(end_ts) AS last_ts,
           sum(line_count) AS n,
           replace(group_concat(DISTINCT type), ',', ', ') AS types,
           replace(group_concat(DISTINCT mime), ',', ', ') AS mimes
    FROM numbered
    GROUP BY conn, bucket, burst
)
SELECT b.conn AS connection_id,
       b.first_ts,
       b.last_ts,
       b.n AS count,
       printf('%d message%s (%s%s) rejected by the relay''s rate limiter',
              b.n, CASE b.n WHEN 1 THEN '' ELSE 's' END, b.types,
              coalesce(', ' || b.mimes, ''))
           || CASE WHEN b.last_ts > b.first_ts
                   THEN printf(' over %.1f s, peak %d/s',
                               (b.last_ts - b.first_ts) / 1000.0, p.peak)
                   ELSE '' END
           || CASE b.bucket
                  WHEN 'audio'
                      THEN printf('. Audio is limited to 200 chunks per'
                                  || ' second per connection, so the client'
                                  || ' sent about %d/s or more; the'
                                  || ' rejected audio never reached the'
                                  || ' model.', 200 + p.peak)
                  WHEN 'media'
                      THEN '. Images and video frames are limited to 300'
                           || ' a minute (5 a second) per connection; the'
                           || ' rejected frames never reached the model.'
                  ELSE '. Text chunks, context updates and tool results'
                       || ' share a limit of 100 a minute per connection;'
                       || ' once it is used, all of them are refused until'
                       || ' the minute ends.'
                  END AS summary,
       b.first_id AS anchor_event,
       NULL AS cause_event,
       'rate-limit burst starts: ' || b.n || ' rejected' AS timeline,
       CASE b.bucket
           WHEN 'audio'
               THEN 'Send 20 ms or larger audio chunks (under 200 a'
                    || ' second), and check that audio is not sent twice'
                    || ' (two capture pipelines, a replayed buffer after a'
                    || ' reconnect).'
           WHEN 'media'
               THEN 'Send at most 5 image or video frames a second.'
           ELSE 'Send fewer text chunks and context updates: 100 a minute'
                || ' for all of them together.'
           END AS advice,
       CASE WHEN b.first_id = b.last_id THEN b.first_id || ''
            ELSE b.first_id || ' ' || b.last_id END AS evidence
FROM bursts AS b
JOIN peak AS p ON p.conn IS b.conn AND p.bucket = b.bucket
              AND p.burst = b.burst
ORDER BY b.first_id;
