# The two shapes of log that took quadratic time (issue 13, item 5), for
# linear-time/run: awk -v shape=a|b -v n=N -f shapes.awk
#   a: one connection, n frames rejected for want of a session and n/10
#      30 s timer lines
#   b: n open connections and n/10 lines without an id between them
function ts(ms,   s) { s = int(ms / 1000); return sprintf("2025-12-10T%02d:%02d:%02d.%03dZ", 10 + int(s / 3600) % 12, int(s / 60) % 60, s % 60, ms % 1000) }
BEGIN {
	if (shape == "a") {
		c = "aaaaaaaa-0000-4000-8000-000000000001"
		printf "[%s] [INFO] Client connected {\"connectionId\":\"%s\"}\n", ts(0), c
		printf "[%s] [INFO] Calling ai.live.connect()... {\"connectionId\":\"%s\",\"model\":\"m\"}\n", ts(1), c
		for (i = 0; i < n; i++) {
			printf "[%s] [WARN] REALTIME_INPUT received but no active session {\"connectionId\":\"%s\",\"isSessionReady\":false}\n", ts(10 + i * 1500), c
			if (i % 10 == 0)
				printf "[%s] [ERROR] Live API connection timeout after 30s {\"connectionId\":\"%s\",\"model\":\"m\"}\n", ts(11 + i * 1500), c
		}
	} else {
		for (i = 0; i < n; i++) {
			printf "[%s] [INFO] Client connected {\"connectionId\":\"%08d-0000-4000-8000-000000000000\"}\n", ts(i * 10), i
			if (i % 10 == 5)
				printf "[%s] [WARN] REALTIME_INPUT: Session ready but still not in activeSessions after retries\n", ts(i * 10 + 1)
		}
	}
}
