/* This file is part of loganalyze and shares its licence. */

/*
 * gen-relay-log: write a deterministic, realistic log of the Node WebSocket
 * relay (see RELAY-LOG-FORMAT.md) to stdout, for benchmarks and large-input
 * tests.  Only libc; the same arguments always give the same bytes, exactly
 * LINES lines, and timestamps never go backwards.
 *
 * The model is a discrete-event simulation on a millisecond clock.  Browser
 * connections arrive so that 20 to 60 are alive at a time.  Each one walks
 * the relay's lifecycle (connected, start, connect call, open, ready, audio
 * frames, Live API close, socket close, cleanup) and ends in one outcome
 * drawn from a fixed mix: browser stop (1005), normal close (1000, by the
 * Live API or after the tab went away), rejected session (1007), Live API
 * failure (1011, 1006), lost socket (1006, missed heartbeats), real connect
 * timeout and failed connect.  Audio frames arrive every 128 or 256 ms and
 * each prints "Handling REALTIME_INPUT message", so they dominate the output
 * as in real captures.  Some sessions flood audio above 200 frames/s; the
 * limiter then warns until the window resets or the session closes.  After a
 * 1007 or 1011 close the browser keeps sending and every frame prints the
 * post-close race lines, the warnings 500 ms later.  The 30 s connect timer
 * is never cleared, so its line follows every connect call: it is a real
 * timeout only for connections whose Live API socket never opened.
 */

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OUT_SIZE	(1 << 20)
#define LINE_ROOM	4096	/* more than the longest line we build */
#define MAX_CONNS	1024
#define MIN_ALIVE	20
#define MAX_ALIVE	60
#define TIMEOUT_MS	30000
#define AUDIO_LIMIT	200	/* audio frames per 1 s window */
#define START_DAY	20432	/* 2025-12-10, days since 1970-01-01 */
#define START_MS	((int64_t)START_DAY * 86400000 + 9 * 3600000)

#define MODEL	"models/gemini-2.5-flash-native-audio-preview-09-2025"
#define AUDIO	"audio/pcm;rate=16000"

#define PUT(p, lit)	put((p), (lit), sizeof(lit) - 1)

enum level {
	LV_DEBUG,
	LV_INFO,
	LV_WARN,
	LV_ERROR
};

enum outcome {
	OC_STOP,		/* browser stop: Live API close 1005 */
	OC_GOAWAY,		/* Live API ends the session: 1000 */
	OC_TAB_GONE,		/* socket 1001 first, then Live API 1000 */
	OC_SOCKET_LOST,		/* socket 1006 first, then Live API 1000 */
	OC_HEARTBEAT,		/* browser silent, terminated after 60 s */
	OC_REJECTED,		/* Live API 1007, then post-close frames */
	OC_INTERNAL,		/* Live API error and 1011, then frames */
	OC_ABNORMAL,		/* Live API 1006 */
	OC_TIMEOUT,		/* connect call never completes */
	OC_FAILED		/* connect call fails at once */
};

enum conn_state {
	CS_CONNECTING,		/* no Live API session yet */
	CS_OPEN,		/* session in activeSessions */
	CS_CLOSED,		/* session gone, browser socket still open */
	CS_GONE			/* browser socket closed */
};

enum phase {
	PH_START,
	PH_CONNECTING,
	PH_CALL,
	PH_OPEN,
	PH_READY,
	PH_END,
	PH_LIVE_CLOSED,
	PH_FAIL,
	PH_HEARTBEAT,
	PH_WS_CLOSE
};

enum event_kind {
	EV_ARRIVAL,
	EV_SWEEP,
	EV_RARE,
	EV_STEP,		/* arg: enum phase */
	EV_FRAME,
	EV_RACE_WARN,
	EV_TURN,		/* arg: 0 model, 1 done, 2 tool, 3 result */
	EV_STALE
};

struct event {
	int64_t		 t;
	uint64_t	 seq;
	int		 kind;
	int		 slot;
	int		 arg;
};

struct conn {
	char		 tag[64];	/* {"connectionId":"<uuid>" */
	size_t		 taglen;
	int		 in_use;
	int		 refs;		/* queued events naming this slot */
	enum outcome	 outcome;
	enum conn_state	 state;
	int		 streaming;	/* browser still sends frames */
	int		 late_frame;	/* one frame in flight at the close */
	int		 tools;
	int		 period;	/* ms between audio frames */
	int		 turn_left;	/* model messages left in this turn */
	int		 ws_code;	/* browser socket close code */
	int64_t		 call_t;
	int64_t		 burst_start;	/* audio flood: [start, end) */
	int64_t		 burst_end;
	int64_t		 race_end;	/* post-close frames stop here */
	int64_t		 win_start;	/* audio limiter window */
	int		 win_count;
	uint64_t	 chunks;
};

static const char *const level_text[] = {
	"[DEBUG] ", "[INFO] ", "[WARN] ", "[ERROR] "
};
static const size_t level_len[] = { 8, 7, 7, 8 };

/* The start message's payload: JSON text inside a JSON string. */
#define PAYLOAD								\
    "\"{\\\"languageCode\\\":\\\"en-US\\\",\\\"voiceName\\\":"		\
    "\\\"Puck\\\",\\\"enableVideo\\\":false,\\\"enableTools\\\":%s,"	\
    "\\\"systemInstruction\\\":\\\"You are a friendly English tutor. "	\
    "Keep answers short.\\\"}\""

#define LIVE_CONFIG							\
    "\"config\":{\"responseModalities\":[\"AUDIO\"],\"speechConfig\":"	\
    "{\"voiceConfig\":{\"prebuiltVoiceConfig\":{\"voiceName\":"		\
    "\"Puck\"}}},\"systemInstruction\":{\"parts\":[{\"text\":\"You "	\
    "are a friendly English tutor. Keep answers short.\"}]},"		\
    "\"temperature\":0.7,\"tools\":[{\"googleSearch\":{}}%s]}"

#define TOOL_DECLS							\
    ",{\"functionDeclarations\":[{\"name\":\"get_lesson_progress\"},"	\
    "{\"name\":\"save_vocabulary\"}]}"

static const char send_stack[] =
    "\"error\":{\"message\":\"WebSocket is not open: readyState 3 "
    "(CLOSED)\",\"stack\":\"Error: WebSocket is not open: readyState 3 "
    "(CLOSED)\\n    at WebSocket.send (/srv/relay/node_modules/ws/lib/"
    "websocket.js:443:19)\\n    at Session.sendRealtimeInput (file:///srv/"
    "relay/node_modules/@google/genai/dist/node/index.mjs:16913:19)\\n    "
    "at handleRealtimeInput (/srv/relay/dist/handlers/realtimeInput.js:88:"
    "21)\\n    at WebSocket.<anonymous> (/srv/relay/dist/index.js:203:15)\","
    "\"name\":\"Error\"}";

static const char uncaught_stack[] =
    "\"error\":{\"message\":\"Cannot read properties of undefined (reading "
    "'send')\",\"stack\":\"TypeError: Cannot read properties of undefined "
    "(reading 'send')\\n    at Timeout._onTimeout (/srv/relay/dist/index.js"
    ":412:31)\\n    at listOnTimeout (node:internal/timers:581:17)\\n    at "
    "process.processTimers (node:internal/timers:519:7)\","
    "\"name\":\"TypeError\"}";

static char		 out_buf[OUT_SIZE];
static size_t		 out_len;
static uint64_t		 lines_left;
static int		 with_prefix;

static char		 ts_text[25] = "2025-12-10T00:00:00.000Z";
static int64_t		 ts_sec = -1;

static uint64_t		 rng_state;

static struct event	*heap;
static size_t		 heap_len;
static size_t		 heap_cap;
static uint64_t		 heap_seq;

static struct conn	 conns[MAX_CONNS];
static int		 alive;		/* browser sockets open */
static int		 target = 40;	/* alive count arrivals aim at */

static void		 usage(void);
static void		 die_io(void);
static long		 parse_number(const char *, const char *, long);
static char		*put(char *, const char *, size_t);
static char		*put_u64(char *, uint64_t);
static void		 put2(char *, unsigned);
static void		 civil_from_days(int64_t, unsigned *, unsigned *,
			     unsigned *);
static void		 ts_update(int64_t);
static char		*line_begin(int64_t, enum level);
static void		 line_end(char *);
static void		 emit(int64_t, enum level, const char *,
			     const struct conn *, const char *, ...);
static uint64_t		 rng_next(void);
static int64_t		 rng_range(int64_t, int64_t);
static int		 rng_percent(int);
static void		 sched(int64_t, enum event_kind, int, int);
static int		 event_before(const struct event *,
			     const struct event *);
static struct event	 heap_pop(void);
static enum outcome	 pick_outcome(void);
static void		 make_tag(struct conn *);
static void		 conn_arrive(int64_t);
static void		 close_line(int64_t, const struct conn *, int,
			     const char *, int, int);
static void		 conn_step(int, int64_t, enum phase);
static void		 conn_ready(int, int64_t);
static void		 conn_end(int, int64_t);
static void		 conn_live_closed(int, int64_t);
static void		 conn_frame(int, int64_t);
static void		 conn_turn(int, int64_t, int);
static void		 rare_event(int64_t);
static void		 run(void);

static void
usage(void)
{
	fprintf(stderr, "usage: gen-relay-log [-p] [-n lines] [-s seed]\n");
	exit(2);
}

static void
die_io(void)
{
	fprintf(stderr, "gen-relay-log: write error: %s\n", strerror(errno));
	exit(1);
}

static long
parse_number(const char *what, const char *s, long max)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > max) {
		fprintf(stderr, "gen-relay-log: bad %s: '%s'\n", what, s);
		usage();
	}
	return v;
}

static char *
put(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

static char *
put_u64(char *p, uint64_t v)
{
	char	 tmp[20];
	size_t	 n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

static void
put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

/* Proleptic Gregorian date of a day number (H. Hinnant's algorithm). */
static void
civil_from_days(int64_t z, unsigned *y, unsigned *m, unsigned *d)
{
	int64_t		 era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = (unsigned)(yoe + era * 400 + (*m <= 2));
}

/* Set ts_text to the ISO time of t (ms since the epoch). */
static void
ts_update(int64_t t)
{
	int64_t		 sec = t / 1000;
	unsigned	 ms = (unsigned)(t % 1000), y, m, d, s;

	if (sec != ts_sec) {
		civil_from_days(sec / 86400, &y, &m, &d);
		s = (unsigned)(sec % 86400);
		put2(ts_text, y / 100);
		put2(ts_text + 2, y % 100);
		put2(ts_text + 5, m);
		put2(ts_text + 8, d);
		put2(ts_text + 11, s / 3600);
		put2(ts_text + 14, s / 60 % 60);
		put2(ts_text + 17, s % 60);
		ts_sec = sec;
	}
	ts_text[20] = (char)('0' + ms / 100);
	put2(ts_text + 21, ms % 100);
}

/* Start a line at time t; returns where the message goes. */
static char *
line_begin(int64_t t, enum level lv)
{
	char	*p;

	if (OUT_SIZE - out_len < LINE_ROOM) {
		if (fwrite(out_buf, 1, out_len, stdout) != out_len)
			die_io();
		out_len = 0;
	}
	ts_update(t);
	p = out_buf + out_len;
	if (with_prefix)
		p = PUT(p, "[websocket] ");
	*p++ = '[';
	p = put(p, ts_text, 24);
	p = PUT(p, "] ");
	return put(p, level_text[lv], level_len[lv]);
}

/* Finish the line ending at p; lines past the limit are dropped. */
static void
line_end(char *p)
{
	*p++ = '\n';
	if (lines_left > 0) {
		out_len = (size_t)(p - out_buf);
		lines_left--;
	}
}

/*
 * Write one line: the message, then, unless c and fmt are both NULL, a JSON
 * object holding c's connectionId (when c is set) and the fields fmt makes.
 */
static void
emit(int64_t t, enum level lv, const char *msg, const struct conn *c,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*p;
	int	 n;

	p = line_begin(t, lv);
	p = put(p, msg, strlen(msg));
	if (c != NULL || fmt != NULL) {
		*p++ = ' ';
		if (c != NULL)
			p = put(p, c->tag, c->taglen);
		else
			*p++ = '{';
		if (fmt != NULL) {
			va_start(ap, fmt);
			n = vsnprintf(p, LINE_ROOM / 2, fmt, ap);
			va_end(ap);
			if (n < 0 || n >= LINE_ROOM / 2) {
				fprintf(stderr, "gen-relay-log: line too "
				    "long: %s\n", msg);
				exit(1);
			}
			p += n;
		}
		*p++ = '}';
	}
	line_end(p);
}

/* xorshift64*: small, fast, and good enough for a synthetic log. */
static uint64_t
rng_next(void)
{
	uint64_t	 x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [lo, hi]; the span stays far below 2^32. */
static int64_t
rng_range(int64_t lo, int64_t hi)
{
	uint64_t	 span = (uint64_t)(hi - lo + 1);

	return lo + (int64_t)(((rng_next() >> 32) * span) >> 32);
}

static int
rng_percent(int pct)
{
	return rng_range(0, 99) < pct;
}

/* Queue an event; an event naming a slot keeps that slot allocated. */
static void
sched(int64_t t, enum event_kind kind, int slot, int arg)
{
	struct event	 ev, *grown;
	size_t		 i, parent;

	if (heap_len == heap_cap) {
		heap_cap = heap_cap == 0 ? 1024 : heap_cap * 2;
		grown = realloc(heap, heap_cap * sizeof *heap);
		if (grown == NULL) {
			fprintf(stderr, "gen-relay-log: out of memory\n");
			exit(1);
		}
		heap = grown;
	}
	ev.t = t;
	ev.seq = heap_seq++;
	ev.kind = kind;
	ev.slot = slot;
	ev.arg = arg;
	if (slot >= 0)
		conns[slot].refs++;
	for (i = heap_len++; i > 0; i = parent) {
		parent = (i - 1) / 2;
		if (heap[parent].t < t ||
		    (heap[parent].t == t && heap[parent].seq < ev.seq))
			break;
		heap[i] = heap[parent];
	}
	heap[i] = ev;
}

static int
event_before(const struct event *a, const struct event *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

/* Remove and return the earliest event (ties: first queued). */
static struct event
heap_pop(void)
{
	struct event	 top = heap[0], last = heap[--heap_len];
	size_t		 i = 0, child;

	for (;;) {
		child = 2 * i + 1;
		if (child >= heap_len)
			break;
		if (child + 1 < heap_len &&
		    event_before(&heap[child + 1], &heap[child]))
			child++;
		if (!event_before(&heap[child], &last))
			break;
		heap[i] = heap[child];
		i = child;
	}
	if (heap_len > 0)
		heap[i] = last;
	return top;
}

static enum outcome
pick_outcome(void)
{
	static const struct {
		enum outcome	 oc;
		int		 weight;
	} mix[] = {
		{ OC_STOP, 52 }, { OC_GOAWAY, 9 }, { OC_TAB_GONE, 12 },
		{ OC_SOCKET_LOST, 5 }, { OC_HEARTBEAT, 2 },
		{ OC_REJECTED, 7 }, { OC_INTERNAL, 4 }, { OC_ABNORMAL, 3 },
		{ OC_TIMEOUT, 4 }, { OC_FAILED, 2 }
	};
	int64_t		 r = rng_range(0, 99);
	size_t		 i;

	for (i = 0; i < sizeof mix / sizeof mix[0]; i++) {
		if (r < mix[i].weight)
			return mix[i].oc;
		r -= mix[i].weight;
	}
	return OC_STOP;
}

/* A random version 4 UUID, kept as the start of the JSON object. */
static void
make_tag(struct conn *c)
{
	static const char	 hex[] = "0123456789abcdef";
	uint64_t		 hi = rng_next(), lo = rng_next();
	char			*p = c->tag;
	int			 i;

	p = PUT(p, "{\"connectionId\":\"");
	for (i = 0; i < 32; i++) {
		unsigned	 v;

		if (i < 16)
			v = (unsigned)(hi >> (60 - 4 * i)) & 0xf;
		else
			v = (unsigned)(lo >> (60 - 4 * (i - 16))) & 0xf;
		if (i == 12)
			v = 4;
		if (i == 16)
			v = 8 | (v & 3);
		if (i == 8 || i == 12 || i == 16 || i == 20)
			*p++ = '-';
		*p++ = hex[v];
	}
	*p++ = '"';
	c->taglen = (size_t)(p - c->tag);
}

/* A browser connects, unless MAX_ALIVE are open already. */
static void
conn_arrive(int64_t t)
{
	struct conn	*c = NULL;
	int		 slot;

	if (alive >= MAX_ALIVE)
		return;
	for (slot = 0; slot < MAX_CONNS; slot++) {
		if (!conns[slot].in_use) {
			c = &conns[slot];
			break;
		}
	}
	if (c == NULL)
		return;
	memset(c, 0, sizeof *c);
	c->in_use = 1;
	make_tag(c);
	c->outcome = pick_outcome();
	c->state = CS_CONNECTING;
	c->tools = rng_percent(50);
	c->period = rng_percent(70) ? 256 : 128;
	c->ws_code = rng_percent(60) ? 1000 : 1001;
	c->burst_start = c->burst_end = -1;
	alive++;
	emit(t, LV_INFO, "Client connected", c,
	    ",\"origin\":\"http://localhost:5173\",\"totalConnections\":%d",
	    alive);
	sched(t + rng_range(3, 40), EV_STEP, slot, PH_START);
}

/* The Live API close line; it carries its own copy of the time. */
static void
close_line(int64_t t, const struct conn *c, int code, const char *reason,
    int clean, int had_error)
{
	ts_update(t);
	emit(t, LV_ERROR, "Live API session closed", c,
	    ",\"code\":%d,\"reason\":\"%s\",\"wasClean\":%s,"
	    "\"timestamp\":\"%s\",\"hadError\":%s", code, reason,
	    clean ? "true" : "false", ts_text, had_error ? "true" : "false");
}

/* Advance a connection to phase ph. */
static void
conn_step(int slot, int64_t t, enum phase ph)
{
	struct conn	*c = &conns[slot];

	switch (ph) {
	case PH_START:
		emit(t, LV_DEBUG, "Received client message", c,
		    ",\"type\":\"start\"");
		emit(t, LV_INFO, "Handling start message", c, NULL);
		emit(t, LV_INFO, "handleStart called", c,
		    ",\"payload\":" PAYLOAD, c->tools ? "true" : "false");
		sched(t + rng_range(4, 12), EV_STEP, slot, PH_CONNECTING);
		break;
	case PH_CONNECTING:
		emit(t, LV_INFO, "Connecting to Live API with model", c,
		    ",\"model\":\"" MODEL "\",\"hasApiKey\":true,"
		    "\"languageCode\":\"en-US\"");
		emit(t, LV_DEBUG, "Live API config", c, "," LIVE_CONFIG,
		    c->tools ? TOOL_DECLS : "");
		sched(t + rng_range(90, 220), EV_STEP, slot, PH_CALL);
		break;
	case PH_CALL:
		c->call_t = t;
		emit(t, LV_INFO, "Calling ai.live.connect()...", c,
		    ",\"model\":\"" MODEL "\",\"configKeys\":"
		    "[\"responseModalities\",\"speechConfig\","
		    "\"systemInstruction\",\"temperature\",\"tools\"]");
		sched(t + TIMEOUT_MS, EV_STALE, slot, 0);
		if (c->outcome == OC_FAILED)
			sched(t + rng_range(150, 900), EV_STEP, slot, PH_FAIL);
		else if (c->outcome != OC_TIMEOUT)
			sched(t + rng_range(250, 1400), EV_STEP, slot,
			    PH_OPEN);
		break;
	case PH_OPEN:
		emit(t, LV_INFO, "Live API session opened", c, NULL);
		emit(t, LV_INFO, "Live API connect() completed", c,
		    ",\"durationMs\":%d,\"isOpen\":true", (int)(t - c->call_t));
		if (rng_percent(10))
			emit(t, LV_WARN,
			    "REALTIME_INPUT received before session ready", c,
			    ",\"isSessionStarting\":true");
		sched(t + rng_range(3, 10), EV_STEP, slot, PH_READY);
		break;
	case PH_READY:
		conn_ready(slot, t);
		break;
	case PH_END:
		conn_end(slot, t);
		break;
	case PH_LIVE_CLOSED:
		conn_live_closed(slot, t);
		break;
	case PH_FAIL:
		if (rng_percent(50)) {
			emit(t, LV_ERROR, "Live API connection failed", c,
			    ",\"errorCode\":\"QUOTA_EXCEEDED\","
			    "\"errorMessage\":\"You exceeded your current "
			    "quota, please check your plan and billing "
			    "details.\"");
			emit(t, LV_ERROR, "Failed to start Live API session", c,
			    ",\"errorCode\":\"QUOTA_EXCEEDED\"");
		} else {
			emit(t, LV_ERROR, "Live API connection failed", c,
			    ",\"errorCode\":\"API_KEY_INVALID\","
			    "\"errorMessage\":\"API key not valid. Please "
			    "pass a valid API key.\"");
			emit(t, LV_ERROR, "Failed to start Live API session", c,
			    ",\"errorCode\":\"API_KEY_INVALID\"");
		}
		sched(t + rng_range(200, 3000), EV_STEP, slot, PH_WS_CLOSE);
		break;
	case PH_HEARTBEAT:
		emit(t, LV_WARN, "No heartbeat for 60s. Terminating socket", c,
		    NULL);
		emit(t, LV_WARN, "CLOSED early", c,
		    ",\"code\":1006,\"reason\":\"\"");
		emit(t, LV_INFO, "Closing Live API session", c,
		    ",\"reason\":\"client_disconnected\"");
		alive--;
		c->ws_code = 0;
		sched(t + rng_range(2, 6), EV_STEP, slot, PH_LIVE_CLOSED);
		break;
	case PH_WS_CLOSE:
		if (c->ws_code == 1000 || c->ws_code == 1001)
			emit(t, LV_INFO, "WebSocket closed", c,
			    ",\"code\":%d,\"reason\":\"\"", c->ws_code);
		else
			emit(t, LV_WARN, "CLOSED early", c,
			    ",\"code\":%d,\"reason\":\"\"", c->ws_code);
		alive--;
		emit(t, LV_INFO, "Session removed", c,
		    ",\"remainingConnections\":%d", alive);
		c->state = CS_GONE;
		c->streaming = 0;
		break;
	}
}

/* The session is ready: plan its length, audio flood and end. */
static void
conn_ready(int slot, int64_t t)
{
	struct conn	*c = &conns[slot];
	int64_t		 len;

	emit(t, LV_INFO, "Live API session established and ready", c, NULL);
	emit(t, LV_INFO, "Marked session as ready during setup_complete", c,
	    NULL);
	emit(t, LV_DEBUG, "Sent session_ready to client", c, NULL);
	c->state = CS_OPEN;
	c->streaming = 1;
	c->win_start = -1000000;
	len = rng_range(8000, 68000);
	if (rng_percent(33))
		len += rng_range(0, 180000);
	if (c->outcome == OC_REJECTED && rng_percent(40))
		len = rng_range(20, 400);	/* setup rejected at once */
	if (c->outcome == OC_REJECTED && len > 5000 && rng_percent(60)) {
		c->burst_end = t + len;
		c->burst_start = c->burst_end - rng_range(500, 5500);
	} else if (len > 8000 && rng_percent(5)) {
		c->burst_start = t + rng_range(1000, len - 7000);
		c->burst_end = c->burst_start + rng_range(500, 6000);
	}
	sched(t + rng_range(60, 600), EV_FRAME, slot, 0);
	sched(t + rng_range(3000, 9000), EV_TURN, slot, 0);
	sched(t + len, EV_STEP, slot, PH_END);
}

/* The planned end of a session, by outcome. */
static void
conn_end(int slot, int64_t t)
{
	struct conn	*c = &conns[slot];

	switch (c->outcome) {
	case OC_STOP:
		emit(t, LV_DEBUG, "Received client message", c,
		    ",\"type\":\"stop\"");
		emit(t, LV_INFO, "Handling stop message", c, NULL);
		emit(t, LV_INFO, "Closing Live API session", c,
		    ",\"reason\":\"client_stop\"");
		c->streaming = 0;
		c->late_frame = rng_percent(25);
		sched(t + rng_range(2, 6), EV_STEP, slot, PH_LIVE_CLOSED);
		break;
	case OC_GOAWAY:
		emit(t, LV_DEBUG, "Received Live API message", c,
		    ",\"hasServerContent\":false,\"goAway\":true");
		sched(t + rng_range(20, 90), EV_STEP, slot, PH_LIVE_CLOSED);
		break;
	case OC_TAB_GONE:
	case OC_SOCKET_LOST:
		c->ws_code = c->outcome == OC_TAB_GONE ? 1001 : 1006;
		if (c->ws_code == 1001)
			emit(t, LV_INFO, "WebSocket closed", c,
			    ",\"code\":1001,\"reason\":\"\"");
		else
			emit(t, LV_WARN, "CLOSED early", c,
			    ",\"code\":1006,\"reason\":\"\"");
		emit(t, LV_INFO, "Closing Live API session", c,
		    ",\"reason\":\"client_disconnected\"");
		alive--;
		c->ws_code = 0;
		c->streaming = 0;
		sched(t + rng_range(2, 6), EV_STEP, slot, PH_LIVE_CLOSED);
		break;
	case OC_HEARTBEAT:
		c->streaming = 0;
		sched(t + rng_range(60000, 89999), EV_STEP, slot,
		    PH_HEARTBEAT);
		break;
	case OC_REJECTED:
		close_line(t, c, 1007, "Request contains an invalid argument.",
		    1, 0);
		c->state = CS_CLOSED;
		c->race_end = t + rng_range(2000, 20000);
		if (rng_percent(30))
			c->ws_code = 1006;
		sched(c->race_end + rng_range(500, 10000), EV_STEP, slot,
		    PH_WS_CLOSE);
		break;
	case OC_INTERNAL:
		emit(t, LV_ERROR, "Live API error", c,
		    ",\"message\":\"Internal error encountered.\","
		    "\"code\":1011");
		sched(t + rng_range(1, 3), EV_STEP, slot, PH_LIVE_CLOSED);
		break;
	case OC_ABNORMAL:
		close_line(t, c, 1006, "", 0, 1);
		emit(t, LV_DEBUG, "Sent session_closed to client", c,
		    ",\"code\":1006");
		c->state = CS_CLOSED;
		c->streaming = 0;
		sched(t + rng_range(500, 5000), EV_STEP, slot, PH_WS_CLOSE);
		break;
	case OC_TIMEOUT:
	case OC_FAILED:
		break;
	}
}

/* The Live API session's close event, by outcome. */
static void
conn_live_closed(int slot, int64_t t)
{
	struct conn	*c = &conns[slot];

	switch (c->outcome) {
	case OC_STOP:
		close_line(t, c, 1005, "", 1, 0);
		if (c->late_frame && rng_percent(20)) {
			c->late_frame = 0;
			emit(t, LV_INFO, "Handling REALTIME_INPUT message", c,
			    NULL);
			emit(t, LV_ERROR, "Error sending realtime input", c,
			    ",%s", send_stack);
		}
		c->state = CS_CLOSED;
		sched(t + rng_range(300, 25000), EV_STEP, slot, PH_WS_CLOSE);
		break;
	case OC_GOAWAY:
		close_line(t, c, 1000, "", 1, 0);
		emit(t, LV_DEBUG, "Sent session_closed to client", c,
		    ",\"code\":1000");
		c->state = CS_CLOSED;
		c->streaming = 0;
		c->late_frame = rng_percent(25);
		sched(t + rng_range(100, 600), EV_STEP, slot, PH_WS_CLOSE);
		break;
	case OC_INTERNAL:
		close_line(t, c, 1011, "Internal error encountered.", 1, 1);
		c->state = CS_CLOSED;
		c->race_end = t + rng_range(2000, 15000);
		sched(c->race_end + rng_range(500, 8000), EV_STEP, slot,
		    PH_WS_CLOSE);
		break;
	default:
		/* The browser socket is already gone. */
		close_line(t, c, 1000, "", 1, 0);
		if (rng_percent(20))
			emit(t, LV_WARN,
			    "safeSend: WebSocket not open, dropping message",
			    NULL,
			    "\"readyState\":3,\"type\":\"session_closed\"");
		emit(t, LV_INFO, "Session removed", c,
		    ",\"remainingConnections\":%d", alive);
		c->state = CS_GONE;
		break;
	}
}

/* One audio frame from the browser, as the relay sees it. */
static void
conn_frame(int slot, int64_t t)
{
	struct conn	*c = &conns[slot];
	char		*p;
	int64_t		 gap;

	if (c->state == CS_GONE)
		return;
	if (!c->streaming) {
		if (c->state == CS_CLOSED && c->late_frame) {
			c->late_frame = 0;
			emit(t, LV_INFO, "Handling REALTIME_INPUT message", c,
			    NULL);
			emit(t, LV_WARN,
			    "REALTIME_INPUT received but session no longer "
			    "exists", c, NULL);
		}
		return;
	}
	if (c->state == CS_OPEN) {
		if (t - c->win_start >= 1000) {
			c->win_start = t;
			c->win_count = 0;
		}
		if (++c->win_count > AUDIO_LIMIT) {
			p = line_begin(t, LV_WARN);
			p = PUT(p, "Rate limit exceeded for REALTIME_INPUT ");
			p = put(p, c->tag, c->taglen);
			p = PUT(p, ",\"isAudioChunk\":true,\"mimeType\":\""
			    AUDIO "\"}");
			line_end(p);
		} else {
			p = line_begin(t, LV_INFO);
			p = PUT(p, "Handling REALTIME_INPUT message ");
			p = put(p, c->tag, c->taglen);
			*p++ = '}';
			line_end(p);
			if (++c->chunks % 50 == 0) {
				p = line_begin(t, LV_INFO);
				p = PUT(p, "Audio chunks processed ");
				p = put(p, c->tag, c->taglen);
				p = PUT(p, ",\"chunkCount\":");
				p = put_u64(p, c->chunks);
				*p++ = '}';
				line_end(p);
			}
		}
	} else {
		/* The browser still believes the session is ready. */
		p = line_begin(t, LV_INFO);
		p = PUT(p, "Handling REALTIME_INPUT message ");
		p = put(p, c->tag, c->taglen);
		*p++ = '}';
		line_end(p);
		emit(t, LV_DEBUG, "REALTIME_INPUT: Session ready but still "
		    "not in activeSessions yet - waiting", c,
		    ",\"maxRetries\":5,\"retryDelayMs\":100");
		sched(t + rng_range(501, 510), EV_RACE_WARN, slot, 0);
	}
	if (t >= c->burst_start && t < c->burst_end)
		gap = rng_range(2, 4);
	else
		gap = c->period + rng_range(-5, 5);
	if (c->state == CS_CLOSED && t + gap >= c->race_end) {
		c->streaming = 0;
		return;
	}
	sched(t + gap, EV_FRAME, slot, 0);
}

/* Model output: a few server messages, a turn end, sometimes a tool. */
static void
conn_turn(int slot, int64_t t, int step)
{
	struct conn	*c = &conns[slot];

	if (c->state != CS_OPEN || !c->streaming)
		return;
	switch (step) {
	case 0:
		if (c->turn_left == 0)
			c->turn_left = (int)rng_range(3, 12);
		emit(t, LV_DEBUG, "Received Live API message", c,
		    ",\"hasServerContent\":true,\"turnComplete\":false");
		if (--c->turn_left > 0)
			sched(t + rng_range(80, 250), EV_TURN, slot, 0);
		else if (c->tools && rng_percent(20))
			sched(t + rng_range(300, 1500), EV_TURN, slot, 2);
		else
			sched(t + rng_range(600, 2200), EV_TURN, slot, 1);
		break;
	case 1:
		emit(t, LV_INFO, "Model turn complete", c,
		    ",\"audioChunksForwarded\":%d", (int)rng_range(12, 80));
		if (rng_percent(1))
			emit(t, LV_ERROR, "Live API error", c,
			    ",\"message\":\"Deadline expired before operation "
			    "could complete.\",\"code\":4");
		sched(t + rng_range(3000, 10000), EV_TURN, slot, 0);
		break;
	case 2:
		emit(t, LV_DEBUG, "Received Live API message", c,
		    ",\"hasServerContent\":false,\"toolCall\":true");
		sched(t + rng_range(40, 400), EV_TURN, slot, 3);
		break;
	default:
		emit(t, LV_INFO, "Handling TOOL_RESULT message", c,
		    ",\"functionName\":\"%s\"", rng_percent(50) ?
		    "save_vocabulary" : "get_lesson_progress");
		sched(t + rng_range(600, 2200), EV_TURN, slot, 1);
		break;
	}
}

/* Socket-level lines that carry no connectionId. */
static void
rare_event(int64_t t)
{
	switch (rng_range(0, 2)) {
	case 0:
		emit(t, LV_WARN, "Rejected connection from disallowed origin",
		    NULL, "\"origin\":\"https://preview.example.net\"");
		break;
	case 1:
		emit(t, LV_ERROR, "UNCAUGHT_EXCEPTION", NULL, "%s",
		    uncaught_stack);
		break;
	default:
		emit(t, LV_WARN, "safeSend: WebSocket not open, dropping "
		    "message", NULL, "\"readyState\":2,\"type\":\"audio\"");
		break;
	}
}

/* Run the simulation until the line budget is spent. */
static void
run(void)
{
	struct event	 ev;
	struct conn	*c;
	int64_t		 mean;

	emit(START_MS, LV_INFO, "Live API client initialised", NULL,
	    "\"model\":\"" MODEL "\",\"hasApiKey\":true");
	emit(START_MS, LV_INFO, "WebSocket relay listening", NULL,
	    "\"port\":8081,\"env\":\"development\"");
	sched(START_MS + 250, EV_ARRIVAL, -1, 0);
	sched(START_MS + 30000, EV_SWEEP, -1, 0);
	sched(START_MS + rng_range(60000, 600000), EV_RARE, -1, 0);
	while (lines_left > 0 && heap_len > 0) {
		ev = heap_pop();
		switch (ev.kind) {
		case EV_ARRIVAL:
			conn_arrive(ev.t);
			/* Population drifts between MIN_ALIVE and MAX_ALIVE. */
			target += (int)rng_range(-1, 1);
			if (target < MIN_ALIVE + 5)
				target = MIN_ALIVE + 5;
			if (target > MAX_ALIVE - 5)
				target = MAX_ALIVE - 5;
			mean = 90000 / target;
			if (alive < MIN_ALIVE + 4)
				mean = 150;
			else if (alive > target)
				mean *= 2;
			sched(ev.t + rng_range(1, 2 * mean), EV_ARRIVAL, -1, 0);
			break;
		case EV_SWEEP:
			emit(ev.t, LV_DEBUG, "Heartbeat sweep", NULL,
			    "\"clients\":%d", alive);
			sched(ev.t + 30000, EV_SWEEP, -1, 0);
			break;
		case EV_RARE:
			rare_event(ev.t);
			sched(ev.t + rng_range(60000, 600000), EV_RARE, -1, 0);
			break;
		case EV_STEP:
			conn_step(ev.slot, ev.t, (enum phase)ev.arg);
			break;
		case EV_FRAME:
			conn_frame(ev.slot, ev.t);
			break;
		case EV_RACE_WARN:
			c = &conns[ev.slot];
			emit(ev.t, LV_WARN, "REALTIME_INPUT: Session ready but "
			    "still not in activeSessions after retries", c,
			    ",\"retries\":5");
			emit(ev.t, LV_WARN, "REALTIME_INPUT received but no "
			    "active session", c, ",\"isSessionReady\":true,"
			    "\"isSessionStarting\":false,"
			    "\"hasConnectionState\":true");
			break;
		case EV_TURN:
			conn_turn(ev.slot, ev.t, ev.arg);
			break;
		case EV_STALE:
			c = &conns[ev.slot];
			emit(ev.t, LV_ERROR,
			    "Live API connection timeout after 30s", c,
			    ",\"model\":\"" MODEL "\"");
			if (c->outcome == OC_TIMEOUT) {
				emit(ev.t, LV_ERROR,
				    "Live API connection failed", c,
				    ",\"errorCode\":\"CONNECTION_TIMEOUT\","
				    "\"errorMessage\":\"Live API connection "
				    "timeout after 30s\"");
				emit(ev.t, LV_ERROR,
				    "Failed to start Live API session", c,
				    ",\"errorCode\":\"CONNECTION_TIMEOUT\"");
				sched(ev.t + rng_range(200, 3000), EV_STEP,
				    ev.slot, PH_WS_CLOSE);
			}
			break;
		}
		if (ev.slot >= 0) {
			c = &conns[ev.slot];
			if (--c->refs == 0 && c->state == CS_GONE)
				c->in_use = 0;
		}
	}
}

int
main(int argc, char **argv)
{
	long		 lines = 1000000, seed = 1;
	uint64_t	 z;
	const char	*arg;
	int		 i;

	for (i = 1; i < argc; i++) {
		arg = argv[i];
		if (strcmp(arg, "-p") == 0)
			with_prefix = 1;
		else if (strcmp(arg, "-n") == 0 && i + 1 < argc)
			lines = parse_number("line count", argv[++i],
			    LONG_MAX);
		else if (strncmp(arg, "-n", 2) == 0 && arg[2] != '\0')
			lines = parse_number("line count", arg + 2,
			    LONG_MAX);
		else if (strcmp(arg, "-s") == 0 && i + 1 < argc)
			seed = parse_number("seed", argv[++i], LONG_MAX);
		else if (strncmp(arg, "-s", 2) == 0 && arg[2] != '\0')
			seed = parse_number("seed", arg + 2, LONG_MAX);
		else
			usage();
	}
	lines_left = (uint64_t)lines;

	/* splitmix64 turns any seed, 0 too, into a good xorshift state. */
	z = (uint64_t)seed + 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	rng_state = (z ^ (z >> 31)) | 1;

	run();
	if (fwrite(out_buf, 1, out_len, stdout) != out_len)
		die_io();
	if (fflush(stdout) != 0 || ferror(stdout))
		die_io();
	free(heap);
	if (fclose(stdout) != 0)
		die_io();
	return 0;
}
