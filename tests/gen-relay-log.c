/* This file is part of loganalyze and shares its licence. */

/*
 * gen-relay-log: write a deterministic log of the Node WebSocket relay to
 * stdout, line for line as the relay's server prints it (server/ at
 * 3e738b9, every message, level and JSON key a row of MESSAGES.md), for
 * benchmarks and large-input tests.  Only libc; the same arguments always
 * give the same bytes, exactly LINES lines, and times never go backwards.
 *
 * The model is a discrete-event simulation on a millisecond clock.  Browser
 * connections arrive so that 20 to 60 are alive at a time.  Each one walks
 * the relay's code path (connected, start, Voice selection, config built,
 * connect call, open, established, session_started, setup_complete, audio
 * frames, close) and ends in one outcome drawn from a fixed mix: browser
 * stop (Live API 1005), Live API close 1000, tab gone (socket 1001 first),
 * lost socket (1006 first), missed heartbeats (terminated after 60 s),
 * rejected session (1007, 40% of them at setup, before setup_complete),
 * Live API error then 1011, abnormal 1006, real connect timeout and failed
 * connect.  Every audio frame prints "Handling REALTIME_INPUT message" and
 * "REALTIME_INPUT (Audio) sent to Live API", every 128 or 256 ms, so frames
 * dominate the output as in real captures.  Some sessions flood audio above
 * 200 frames/s; the limiter then warns until its 1 s window resets.  After
 * a Live API close the browser may keep sending: each frame waits 500 ms
 * for a session that is gone, then prints the two race warnings.  The 30 s
 * connect timer is never cleared: its line follows every connect call, and
 * it is a real timeout only when the socket never opened, where the relay
 * logs "Live API connection failed" and "Failed to start Live API session"
 * (errorCode CONNECTION_TIMEOUT) in the same millisecond.  Between frames:
 * the browser's ping every 30 s, the orchestrator sync of every user turn,
 * tool calls in half the sessions; model output goes to the JSONL only.
 * The mix, in percent: stop 52, Live API 1000 9, tab gone 12, lost socket 5,
 * heartbeat 2, 1007 7, 1011 4, 1006 3, timeout 4, failed connect 2.
 * "Marked session as ready during setup_complete" appears only with -m
 * critical: handleStart sets isReady before setupComplete can arrive.
 *
 * Options:
 *   -n LINES   lines to write (default 1000000)
 *   -s SEED    another log of the same kind
 *   -p         prefix every line with "[websocket] " (a process runner)
 *   -l warn    production level: only WARN and ERROR lines are written (a
 *              relay with NODE_ENV=production), still exactly LINES lines
 *   -j DIR     also write each connection's JSONL session log,
 *              DIR/<connectionId>.jsonl, as server/session-logger.ts does;
 *              nothing after the relay dropped the connection's record
 *   -m MODES   comma-separated failure modes mixed in at a low rate, or
 *              "all": heartbeat (in the mix already), process (uncaught
 *              exception, unhandled rejection, server error, then a relay
 *              restart that cuts every open connection), send (failed
 *              audio and realtime sends), tools (tool execution and
 *              validation failures, results that could not be sent or
 *              forwarded), text (a text chunk rejected before a 1007),
 *              config (config-builder warnings before a connect), origin
 *              (rejected origins; the relay checks origins), apikey (no
 *              API key), liveerror (a Live API error without a close),
 *              timelimit (Google ends the session with 1000 at 15 min),
 *              critical (ConnectionState missing at setup_complete),
 *              buffer (safeSend buffer full), early (audio before the
 *              session is ready, also by user_audio), context (history,
 *              orchestrator and archive failures)
 *   -d ATTR    the 1007 sessions differ from the healthy ones by exactly
 *              one attribute, all else (model, configKeys, payload, audio
 *              rate, setup completion, text sent) alike: tools (their
 *              configKeys hold "tools", the healthy ones' do not), text
 *              (a text/plain chunk through REALTIME_INPUT, rejected, just
 *              before the close), model (another model), rate (audio at
 *              250 chunks/s, over the 200/s limit; the healthy ones at 4/s),
 *              setup (the Live API rejects their setup: no setup_complete,
 *              closed 20 to 400 ms after the open; only INFO lines and the
 *              JSONL session logs say so, a -l warn log holds the 1007
 *              alone) or none (nothing sets them apart)
 *
 * Without -m and -d the mix is the one the benchmark measures.
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
#define PING_MS		30000	/* the browser's ping interval */
#define CHECK_MS	25000	/* the relay's heartbeat check */
#define AUDIO_LIMIT	200	/* audio frames per 1 s window */
#define START_DAY	20432	/* 2025-12-10, days since 1970-01-01 */
#define START_MS	((int64_t)START_DAY * 86400000 + 9 * 3600000)

#define MODEL	"models/gemini-2.5-flash-native-audio-preview-09-2025"
#define MODEL_ALT "models/gemini-live-2.5-flash-preview"
#define AUDIO	"audio/pcm;rate=16000"
#define SYNC_URL "http://localhost:3000/api/agent-stage"

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
	OC_TAB_GONE,		/* socket 1001 first, then Live API 1005 */
	OC_SOCKET_LOST,		/* socket 1006 first, then 1005 */
	OC_HEARTBEAT,		/* browser silent, terminated after 60 s */
	OC_REJECTED,		/* Live API 1007, then post-close frames */
	OC_INTERNAL,		/* Live API error and 1011, then frames */
	OC_ABNORMAL,		/* Live API 1006 */
	OC_TIMEOUT,		/* connect call never completes */
	OC_FAILED,		/* connect call fails at once */
	OC_NOKEY,		/* -m apikey: no API key, no connect */
	OC_SENDFAIL,		/* -m send: a send fails, then 1006 */
	OC_TIMELIMIT		/* -m timelimit: 1000 after 15 min */
};

enum conn_state {
	CS_CONNECTING,		/* not ready yet */
	CS_OPEN,		/* session in activeSessions, ready */
	CS_CLOSED,		/* session gone, browser socket still open */
	CS_GONE			/* browser socket closed */
};

enum phase {
	PH_START,
	PH_CONNECTING,
	PH_CALL,
	PH_EARLY,
	PH_OPEN,
	PH_SETUP,
	PH_END,
	PH_TEXT,
	PH_REMOVED,
	PH_LIVE_CLOSED,
	PH_FAIL,
	PH_HEARTBEAT,
	PH_WS_CLOSE,
	PH_LIVE_ERROR,
	PH_BUFFER
};

enum event_kind {
	EV_ARRIVAL,
	EV_RARE,		/* arg: 0 origin, 1 process fault */
	EV_RESTART,
	EV_STEP,		/* arg: enum phase */
	EV_FRAME,
	EV_RACE_WARN,
	EV_TURN,		/* arg: enum turn_step */
	EV_PING,
	EV_STALE
};

enum turn_step {
	TS_USER,		/* the user's final transcript */
	TS_SYNCED,		/* the orchestrator answered */
	TS_MODEL,		/* one model message with audio */
	TS_DONE,		/* turnComplete */
	TS_TOOL,		/* a tool call */
	TS_TOOL_DONE,		/* the tool returned */
	TS_TOOL_RESULT		/* the browser sends a TOOL_RESULT */
};

/* -m modes, one bit each */
enum {
	M_HEARTBEAT = 1 << 0,
	M_PROCESS = 1 << 1,
	M_SEND = 1 << 2,
	M_TOOLS = 1 << 3,
	M_TEXT = 1 << 4,
	M_CONFIG = 1 << 5,
	M_ORIGIN = 1 << 6,
	M_APIKEY = 1 << 7,
	M_LIVEERROR = 1 << 8,
	M_TIMELIMIT = 1 << 9,
	M_CRITICAL = 1 << 10,
	M_BUFFER = 1 << 11,
	M_EARLY = 1 << 12,
	M_CONTEXT = 1 << 13
};

enum diag {
	D_OFF,
	D_NONE,
	D_TOOLS,
	D_TEXT,
	D_MODEL,
	D_RATE,
	D_SETUP
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
	char		 id[40];
	char		 sid[48];	/* sess_<uuid> */
	FILE		*jf;		/* its JSONL session log */
	int		 in_use;
	int		 refs;		/* queued events for it */
	int		 cut;		/* relay restarted under it */
	enum outcome	 outcome;
	enum conn_state	 state;
	int		 rec;		/* activeSessions has it */
	int		 jdone;		/* its logger is closed */
	int		 started;	/* handleStart made a session */
	int		 live;		/* Live API socket open */
	int		 nostate;	/* ConnectionState gone */
	int		 streaming;	/* browser still sends frames */
	int		 late_frame;	/* a frame in flight */
	int		 pinging;	/* browser still pings */
	int		 tools;		/* payload enableTools */
	int		 cfg_tools;	/* configKeys hold "tools" */
	int		 alt_model;
	int		 user_audio;	/* audio by user_audio */
	int		 setup_reject;	/* 1007 before setup */
	int		 text_close;	/* text before the close */
	int		 warned;	/* noSessionWarned */
	int		 early;		/* frames before ready */
	int		 flaw;		/* -m decorations, M_* bits */
	int		 turns;
	int		 tool_calls;
	int		 tool_fail;	/* -m tools: 1 timeout, 2 invalid,
					   3 results unsent, 4 forward */
	int		 send_armed;	/* next send fails */
	int		 period;	/* ms between audio frames */
	int		 turn_left;	/* model messages left */
	int		 ws_code;	/* browser socket close code */
	int64_t		 arrive_t;
	int64_t		 call_t;
	int64_t		 last_ping;
	int64_t		 burst_start;	/* flood: [start, end) */
	int64_t		 burst_end;
	int64_t		 race_end;	/* post-close frames end */
	int64_t		 win_start;	/* audio limiter window */
	int		 win_count;
	uint64_t	 chunks;
};

/* An Error as logger.error prints it: message, stack, name. */
struct fault {
	const char	*message;
	const char	*stack;		/* JSON-escaped */
	const char	*name;
};

static const char *const level_text[] = {
	"[DEBUG] ", "[INFO] ", "[WARN] ", "[ERROR] "
};
static const size_t level_len[] = { 8, 7, 7, 8 };

static const struct {
	const char	*name;
	int		 bit;
} mode_names[] = {
	{ "heartbeat", M_HEARTBEAT }, { "process", M_PROCESS },
	{ "send", M_SEND }, { "tools", M_TOOLS }, { "text", M_TEXT },
	{ "config", M_CONFIG }, { "origin", M_ORIGIN },
	{ "apikey", M_APIKEY }, { "liveerror", M_LIVEERROR },
	{ "timelimit", M_TIMELIMIT }, { "critical", M_CRITICAL },
	{ "buffer", M_BUFFER }, { "early", M_EARLY },
	{ "context", M_CONTEXT }
};

#define NMODES	(sizeof mode_names / sizeof mode_names[0])

static const char *const diag_names[] = {
	NULL, "none", "tools", "text", "model", "rate", "setup"
};
#define NDIAGS	(sizeof diag_names / sizeof diag_names[0])

/* The start message's payload: JSON text inside a JSON string. */
#define PAYLOAD								\
    "\"{\\\"languageCode\\\":\\\"en-US\\\",\\\"voiceName\\\":"		\
    "\\\"Puck\\\",\\\"enableVideo\\\":false,\\\"enableTools\\\":%s,"	\
    "\\\"systemInstruction\\\":\\\"You are a friendly English tutor. "	\
    "Keep answers short.\\\"}\""

#define CONFIG_KEYS							\
    "[\"responseModalities\",\"inputAudioTranscription\","		\
    "\"outputAudioTranscription\",\"speechConfig\",\"systemInstruction\""

#define FUNCTION_NAMES							\
    "[\"search_web\",\"extract_action_items\",\"calculate_roi\","	\
    "\"generate_proposal_draft\",\"capture_screen_snapshot\","		\
    "\"analyze_website_tech_stack\"]"

#define GENAI	"/srv/relay/node_modules/@google/genai/dist/node/index.mjs"
#define SRV	"/srv/relay/server"

static const struct fault f_timeout = {
	"Live API connection timeout after 30s",
	"Error: Live API connection timeout after 30s\\n    at Timeout."
	"_onTimeout (" SRV "/handlers/start-handler.ts:205:16)\\n    at "
	"listOnTimeout (node:internal/timers:594:17)\\n    at process."
	"processTimers (node:internal/timers:529:7)",
	"Error"
};
static const struct fault f_apikey = {
	"API key not valid. Please pass a valid API key.",
	"Error: API key not valid. Please pass a valid API key.\\n    at "
	"Live.connect (" GENAI ":17412:19)\\n    at async handleStart ("
	SRV "/handlers/start-handler.ts:214:17)",
	"Error"
};
static const struct fault f_quota = {
	"You exceeded your current quota, please check your plan and "
	"billing details.",
	"Error: You exceeded your current quota, please check your plan and "
	"billing details.\\n    at Live.connect (" GENAI ":17412:19)\\n    "
	"at async handleStart (" SRV "/handlers/start-handler.ts:214:17)",
	"Error"
};
static const struct fault f_send = {
	"WebSocket is not open: readyState 2 (CLOSING)",
	"Error: WebSocket is not open: readyState 2 (CLOSING)\\n    at "
	"WebSocket.send (/srv/relay/node_modules/ws/lib/websocket.js:443:"
	"19)\\n    at Session.sendRealtimeInput (" GENAI ":16913:19)\\n    "
	"at handleRealtimeInput (" SRV "/handlers/realtime-input-handler.ts:"
	"150:35)",
	"Error"
};
static const struct fault f_send_audio = {
	"WebSocket is not open: readyState 2 (CLOSING)",
	"Error: WebSocket is not open: readyState 2 (CLOSING)\\n    at "
	"WebSocket.send (/srv/relay/node_modules/ws/lib/websocket.js:443:"
	"19)\\n    at Session.sendRealtimeInput (" GENAI ":16913:19)\\n    "
	"at handleUserMessage (" SRV "/handlers/audio-handler.ts:147:30)",
	"Error"
};
static const struct fault f_tool_send = {
	"WebSocket is not open: readyState 3 (CLOSED)",
	"Error: WebSocket is not open: readyState 3 (CLOSED)\\n    at "
	"WebSocket.send (/srv/relay/node_modules/ws/lib/websocket.js:443:"
	"19)\\n    at Session.sendToolResponse (" GENAI ":16958:19)\\n    "
	"at processToolCall (" SRV "/live-api/tool-processor.ts:184:26)",
	"Error"
};
static const struct fault f_forward = {
	"WebSocket is not open: readyState 2 (CLOSING)",
	"Error: WebSocket is not open: readyState 2 (CLOSING)\\n    at "
	"WebSocket.send (/srv/relay/node_modules/ws/lib/websocket.js:443:"
	"19)\\n    at Session.sendToolResponse (" GENAI ":16958:19)\\n    "
	"at handleToolResult (" SRV "/handlers/tool-result-handler.ts:57:"
	"26)",
	"Error"
};
static const struct fault f_tool_timeout = {
	"Tool search_web timed out after 25000ms",
	"Error: Tool search_web timed out after 25000ms\\n    at Timeout."
	"_onTimeout (/srv/relay/src/lib/code-quality.ts:48:14)\\n    at "
	"listOnTimeout (node:internal/timers:594:17)",
	"Error"
};
static const struct fault f_uncaught = {
	"Cannot read properties of undefined (reading 'sendRealtimeInput')",
	"TypeError: Cannot read properties of undefined (reading "
	"'sendRealtimeInput')\\n    at Timeout._onTimeout (" SRV "/context/"
	"injection.ts:97:38)\\n    at listOnTimeout (node:internal/timers:"
	"594:17)\\n    at process.processTimers (node:internal/timers:529:7)",
	"TypeError"
};
static const struct fault f_rejection = {
	"fetch failed",
	"TypeError: fetch failed\\n    at node:internal/deps/undici/undici:"
	"13502:13\\n    at async syncVoiceToOrchestrator (" SRV "/context/"
	"orchestrator-sync.ts:111:24)",
	"TypeError"
};
static const struct fault f_server = {
	"read ECONNRESET",
	"Error: read ECONNRESET\\n    at TCP.onStreamRead (node:internal/"
	"stream_base_commons:218:20)",
	"Error"
};
static const struct fault f_connstate = {
	"ConnectionState missing",
	"Error: ConnectionState missing\\n    at ensureConnectionState ("
	SRV "/utils/websocket-helpers.ts:104:83)\\n    at " SRV "/handlers/"
	"start-handler.ts:242:33",
	"Error"
};
static const struct fault f_archive = {
	"Connection is closed.",
	"Error: Connection is closed.\\n    at close (/srv/relay/node_modules/"
	"ioredis/built/redis/event_handler.js:189:25)\\n    at async "
	"handleClose (" SRV "/handlers/close-handler.ts:51:11)",
	"Error"
};
static const struct fault f_sync = {
	"Connection is closed.",
	"Error: Connection is closed.\\n    at close (/srv/relay/node_modules/"
	"ioredis/built/redis/event_handler.js:189:25)\\n    at async "
	"ContextStorage.get (/srv/relay/src/core/context/context-storage.ts:"
	"88:21)\\n    at async syncVoiceToOrchestrator (" SRV "/context/"
	"orchestrator-sync.ts:69:23)",
	"Error"
};
static const struct fault f_toolscfg = {
	"Cannot read properties of undefined (reading 'map')",
	"TypeError: Cannot read properties of undefined (reading 'map')\\n"
	"    at buildLiveConfig (" SRV "/live-api/config-builder.ts:297:61)",
	"TypeError"
};

/* A WARN line's error: the relay writes name, message, stack. */
#define WARN_HISTORY							\
    "\"error\":{\"name\":\"Error\",\"message\":\"Connection is closed.\","\
    "\"stack\":\"Error: Connection is closed.\\n    at close (/srv/relay/"\
    "node_modules/ioredis/built/redis/event_handler.js:189:25)\\n    at "\
    "async loadConversationHistory (" SRV "/context/conversation-"	\
    "history.ts:12:21)\"}"
#define WARN_TRACK							\
    "\"error\":{\"name\":\"Error\",\"message\":\"Connection is closed.\","\
    "\"stack\":\"Error: Connection is closed.\\n    at close (/srv/relay/"\
    "node_modules/ioredis/built/redis/event_handler.js:189:25)\\n    at "\
    "async MultimodalContextManager.addConversationTurn (/srv/relay/src/"\
    "core/context/multimodal-context.ts:214:7)\"}"

static char		 out_buf[OUT_SIZE];
static size_t		 out_len;
static uint64_t		 lines_left;
static int		 with_prefix;
static enum level	 min_level = LV_DEBUG;
static const char	*jsonl_dir;
static int		 modes;
static enum diag	 diag;
static int		 relay_down;	/* after a fault */

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
static void		 parse_modes(const char *);
static char		*put(char *, const char *, size_t);
static char		*put_u64(char *, uint64_t);
static void		 put2(char *, unsigned);
static void		 civil_from_days(int64_t, unsigned *, unsigned *,
			     unsigned *);
static void		 ts_update(int64_t);
static char		*line_begin(int64_t, enum level);
static void		 line_end(char *);
static void		 emit(int64_t, enum level, const char *,
			     const struct conn *, const char *, ...)
			     __attribute__((format(printf, 5, 6)));
static void		 jl(struct conn *, int64_t, const char *,
			     const char *, ...)
			     __attribute__((format(printf, 4, 5)));
static void		 jl_close(struct conn *);
static uint64_t		 rng_next(void);
static int64_t		 rng_range(int64_t, int64_t);
static int		 rng_percent(int);
static void		 sched(int64_t, enum event_kind, int, int);
static int		 event_before(const struct event *,
			     const struct event *);
static struct event	 heap_pop(void);
static enum outcome	 pick_outcome(void);
static void		 make_uuid(char *);
static void		 make_tag(struct conn *);
static const char	*conn_model(const struct conn *);
static void		 relay_start(int64_t);
static void		 relay_fault(int64_t);
static void		 origin_rejected(int64_t);
static void		 conn_arrive(int64_t);
static void		 close_line(int64_t, struct conn *, int,
			     const char *, int);
static void		 live_closed(int, int64_t, int, const char *, int);
static void		 start_failed(int, int64_t, const struct fault *,
			     const char *, const char *);
static void		 ws_close(int, int64_t, int);
static void		 handle_close(int, int64_t);
static void		 conn_step(int, int64_t, enum phase);
static void		 conn_open(int, int64_t);
static void		 conn_setup(int, int64_t);
static void		 conn_end(int, int64_t);
static void		 conn_live_closed(int, int64_t);
static void		 conn_frame(int, int64_t);
static void		 conn_turn(int, int64_t, enum turn_step);
static void		 run(void);

static void
usage(void)
{
	fprintf(stderr,
	    "usage: gen-relay-log [-p] [-n lines] [-s seed] [-l warn] "
	    "[-j dir]\n"
	    "                     [-m mode,...] [-d attribute]\n"
	    "  -p        prefix each line with \"[websocket] \"\n"
	    "  -l warn   only WARN and ERROR lines (NODE_ENV=production)\n"
	    "  -j dir    also write dir/<connectionId>.jsonl session logs\n"
	    "  -m modes  failure modes to mix in, or all: heartbeat, process,"
	    "\n            send, tools, text, config, origin, apikey, "
	    "liveerror,\n            timelimit, critical, buffer, early, "
	    "context\n"
	    "  -d attr   the 1007 sessions differ from the healthy ones by "
	    "one\n            attribute: tools, text, model, rate, setup, "
	    "or none\n");
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

/* -m: a comma-separated list of mode names, or "all". */
static void
parse_modes(const char *s)
{
	const char	*end;
	size_t		 n, i;

	for (;;) {
		end = strchr(s, ',');
		n = end != NULL ? (size_t)(end - s) : strlen(s);
		if (n == 3 && strncmp(s, "all", 3) == 0)
			modes = ~0;
		else {
			for (i = 0; i < NMODES; i++) {
				if (strlen(mode_names[i].name) == n &&
				    strncmp(s, mode_names[i].name, n) == 0)
					break;
			}
			if (i == NMODES) {
				fprintf(stderr, "gen-relay-log: unknown mode: "
				    "'%.*s'\n", (int)n, s);
				usage();
			}
			modes |= mode_names[i].bit;
		}
		if (end == NULL)
			break;
		s = end + 1;
	}
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
 * Write one line unless its level is below -l: the message, then, unless c
 * and fmt are both NULL, a JSON object holding c's connectionId (when c is
 * set) and the fields fmt makes.
 */
static void
emit(int64_t t, enum level lv, const char *msg, const struct conn *c,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*p;
	int	 n;

	if (lv < min_level)
		return;
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

/*
 * One record of c's JSONL session log, as SessionLogger.log writes it:
 * ts, event, connectionId, then data when fmt is set.  Nothing once the
 * relay has dropped c's record or closed its logger.
 */
static void
jl(struct conn *c, int64_t t, const char *event, const char *fmt, ...)
{
	char	 path[4096];
	va_list	 ap;
	int	 n;

	if (jsonl_dir == NULL || !c->rec || c->jdone)
		return;
	if (c->jf == NULL) {
		n = snprintf(path, sizeof path, "%s/%s.jsonl", jsonl_dir,
		    c->id);
		if (n < 0 || (size_t)n >= sizeof path) {
			fprintf(stderr, "gen-relay-log: %s: path too long\n",
			    jsonl_dir);
			exit(1);
		}
		c->jf = fopen(path, "w");
		if (c->jf == NULL) {
			fprintf(stderr, "gen-relay-log: %s: %s\n", path,
			    strerror(errno));
			exit(1);
		}
	}
	ts_update(t);
	fprintf(c->jf, "{\"ts\":\"%s\",\"event\":\"%s\",\"connectionId\":"
	    "\"%s\"", ts_text, event, c->id);
	if (fmt != NULL) {
		fputs(",\"data\":{", c->jf);
		va_start(ap, fmt);
		vfprintf(c->jf, fmt, ap);
		va_end(ap);
		fputc('}', c->jf);
	}
	fputs("}\n", c->jf);
}

/* The session logger is closed (or its record dropped): no more records. */
static void
jl_close(struct conn *c)
{
	c->jdone = 1;
	if (c->jf != NULL) {
		if (ferror(c->jf) || fclose(c->jf) != 0)
			die_io();
		c->jf = NULL;
	}
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


/* A line of c: msg, c's id, then tail (literals); skipped below -l. */
#define TAGLINE(t, lv, c, msg, tail) do {				\
	if ((lv) >= min_level) {					\
		char	*p_ = line_begin((t), (lv));		\
									\
		p_ = PUT(p_, msg " ");					\
		p_ = put(p_, (c)->tag, (c)->taglen);			\
		p_ = PUT(p_, tail "}");					\
		line_end(p_);						\
	}								\
} while (0)

/* An error{} object's fields, for a "%s%s%s" in ERR_FMT. */
#define ERR_FMT							\
    "\"error\":{\"message\":\"%s\",\"stack\":\"%s\",\"name\":\"%s\"}"
#define ERR_ARGS(f)	(f)->message, (f)->stack, (f)->name

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
	enum outcome	 oc = OC_STOP;

	for (i = 0; i < sizeof mix / sizeof mix[0]; i++) {
		if (r < mix[i].weight) {
			oc = mix[i].oc;
			break;
		}
		r -= mix[i].weight;
	}
	/* The extra modes take a few sessions from the common outcome. */
	if (oc == OC_STOP && (modes & (M_APIKEY | M_SEND | M_TIMELIMIT))) {
		r = rng_range(0, 99);
		if ((modes & M_APIKEY) && r < 3)
			oc = OC_NOKEY;
		else if ((modes & M_SEND) && r >= 3 && r < 9)
			oc = OC_SENDFAIL;
		else if ((modes & M_TIMELIMIT) && r >= 9 && r < 12)
			oc = OC_TIMELIMIT;
	}
	return oc;
}

/* A random version 4 UUID, 36 characters and a NUL. */
static void
make_uuid(char *p)
{
	static const char	 hex[] = "0123456789abcdef";
	uint64_t		 hi = rng_next(), lo = rng_next();
	int			 i;

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
	*p = '\0';
}

/* The connection id, and the start of its JSON object. */
static void
make_tag(struct conn *c)
{
	char	*p = c->tag;

	make_uuid(c->id);
	p = PUT(p, "{\"connectionId\":\"");
	p = put(p, c->id, 36);
	*p++ = '"';
	c->taglen = (size_t)(p - c->tag);
	memcpy(c->sid, "sess_", 5);
	make_uuid(c->sid + 5);
}

static const char *
conn_model(const struct conn *c)
{
	return c->alt_model ? MODEL_ALT : MODEL;
}

/* The relay's process starts: env-setup.ts, live-server.ts, server.ts. */
static void
relay_start(int64_t t)
{
	int	 prod = min_level >= LV_WARN;
	int	 fly = (modes & M_ORIGIN) != 0;

	emit(t, LV_INFO, "Gemini API key resolved and normalized for agents",
	    NULL, NULL);
	emit(t, LV_DEBUG, "Environment check", NULL,
	    "\"port\":\"8080\",\"using\":\"8080\"");
	emit(t, LV_DEBUG, "DEBUG: Starting live-server.ts script", NULL, NULL);
	emit(t, LV_DEBUG, "DEBUG: Inside startServer()", NULL, NULL);
	if (!prod && !fly)
		emit(t, LV_WARN, "SSL certificates not found", NULL,
		    "\"message\":\"Run: mkcert localhost\",\"fallback\":"
		    "\"Falling back to HTTP for local development\",\"error\":"
		    "{\"name\":\"Error\",\"message\":\"ENOENT: no such file or "
		    "directory, open '" SRV "/localhost-key.pem'\",\"stack\":"
		    "\"Error: ENOENT: no such file or directory, open '" SRV
		    "/localhost-key.pem'\\n    at Object.readFileSync (node:fs:"
		    "448:20)\\n    at loadSslOptions (" SRV "/websocket/"
		    "server.ts:188:17)\"}");
	emit(t, LV_DEBUG, "DEBUG: Calling createWebSocketServer...", NULL,
	    NULL);
	emit(t, LV_DEBUG, "DEBUG: createWebSocketServer returned", NULL, NULL);
	emit(t, LV_INFO, "Server setup complete - waiting for connections",
	    NULL, NULL);
	emit(t, LV_INFO, "WebSocket server listening", NULL,
	    "\"port\":8080,\"protocol\":\"HTTP/WS\",\"nodeEnv\":\"%s\"%s,"
	    "\"actualPort\":{\"address\":\"0.0.0.0\",\"family\":\"IPv4\","
	    "\"port\":8080}", prod ? "production" : "development",
	    fly ? ",\"flyAppName\":\"lingo-relay\"" : "");
	emit(t, LV_INFO,
	    "Health check available at http://0.0.0.0:8080/health", NULL, NULL);
	emit(t, LV_INFO, "WebSocket server is ready and listening", NULL,
	    "\"port\":8080,\"url\":\"ws://localhost:8080\",\"readyState\":"
	    "\"listening\",\"hasSSL\":false");
}

/*
 * -m process: the process logs a fault and dies; every open connection is
 * cut without a line, and the relay starts again a few seconds later.
 */
static void
relay_fault(int64_t t)
{
	const struct fault	*f;
	struct conn		*c;
	const char		*msg;
	int			 slot;

	switch (rng_range(0, 2)) {
	case 0:
		msg = "UNCAUGHT_EXCEPTION";
		f = &f_uncaught;
		break;
	case 1:
		msg = "UNHANDLED_REJECTION";
		f = &f_rejection;
		break;
	default:
		msg = "Server error";
		f = &f_server;
		break;
	}
	emit(t, LV_ERROR, msg, NULL, ERR_FMT, ERR_ARGS(f));
	for (slot = 0; slot < MAX_CONNS; slot++) {
		c = &conns[slot];
		if (!c->in_use || c->cut)
			continue;
		c->cut = 1;
		c->state = CS_GONE;
		jl_close(c);
		if (c->refs == 0)
			c->in_use = 0;
	}
	alive = 0;
	relay_down = 1;
	sched(t + rng_range(1500, 4000), EV_RESTART, -1, 0);
}

/* -m origin: verifyClient refuses a browser; no connection id. */
static void
origin_rejected(int64_t t)
{
	if (relay_down)
		return;
	if (rng_percent(70))
		emit(t, LV_WARN, "Rejected connection from unauthorized origin",
		    NULL, "\"origin\":\"https://preview.example.net\","
		    "\"isMissingOrigin\":false,\"reason\":\"Origin not in "
		    "allowed list\",\"allowedOrigins\":[\"https://lingo."
		    "example.app\",\"http://localhost:5173\"],"
		    "\"requestHeaders\":{\"user-agent\":\"Mozilla/5.0 (X11; "
		    "Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
		    "Chrome/131.0.0.0 Safari/537.36\",\"host\":"
		    "\"relay.example.app\"}");
	else
		emit(t, LV_WARN, "Rejected connection from unauthorized origin",
		    NULL, "\"origin\":\"empty/missing\",\"isMissingOrigin\":"
		    "true,\"reason\":\"Missing origin header (security "
		    "requirement)\",\"allowedOrigins\":[\"https://lingo."
		    "example.app\",\"http://localhost:5173\"],"
		    "\"requestHeaders\":{\"user-agent\":\"curl/8.5.0\","
		    "\"host\":\"relay.example.app\"}");
}

/* A browser connects, unless MAX_ALIVE are open already. */
static void
conn_arrive(int64_t t)
{
	struct conn	*c = NULL;
	int		 slot, is1007;

	if (alive >= MAX_ALIVE || relay_down)
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
	c->cfg_tools = 1;
	c->period = rng_percent(70) ? 256 : 128;
	c->ws_code = rng_percent(60) ? 1000 : 1001;
	c->early = rng_percent(10);
	c->burst_start = c->burst_end = -1;
	if ((modes & M_EARLY) && rng_percent(8)) {
		c->early = 1;
		c->user_audio = rng_percent(40);
	}
	if (c->outcome == OC_SENDFAIL)
		c->user_audio = rng_percent(40);
	if ((modes & M_TOOLS) && rng_percent(10)) {
		c->flaw |= M_TOOLS;
		c->tools = 1;
	}
	if ((modes & M_CONFIG) && rng_percent(4))
		c->flaw |= M_CONFIG;
	if ((modes & M_CRITICAL) && rng_percent(3))
		c->flaw |= M_CRITICAL;
	if ((modes & M_BUFFER) && rng_percent(4))
		c->flaw |= M_BUFFER;
	if ((modes & M_LIVEERROR) && rng_percent(4))
		c->flaw |= M_LIVEERROR;
	if ((modes & M_CONTEXT) && rng_percent(6))
		c->flaw |= M_CONTEXT;
	is1007 = c->outcome == OC_REJECTED;
	if ((modes & M_TEXT) && is1007 && rng_percent(50))
		c->text_close = 1;
	if (diag != D_OFF) {
		/* One attribute apart, or none: all else alike. */
		c->tools = 1;
		c->period = 256;
		c->early = 0;
		c->user_audio = 0;
		c->cfg_tools = diag == D_TOOLS ? is1007 : 1;
		c->alt_model = diag == D_MODEL && is1007;
		c->text_close = diag == D_TEXT && is1007;
	}
	c->arrive_t = c->last_ping = c->win_start = t;
	alive++;
	if ((modes & M_ORIGIN) || min_level >= LV_WARN)
		emit(t, LV_DEBUG, "Accepted connection", NULL,
		    "\"origin\":\"https://lingo.example.app\",\"isVercel\":"
		    "false,\"isAllowed\":true");
	else
		emit(t, LV_DEBUG, "Dev mode: Accepting connection", NULL,
		    "\"origin\":\"http://localhost:5173\"");
	emit(t, LV_INFO, "Client connected", c, NULL);
	emit(t, LV_INFO, "Sending connected event to client", c, NULL);
	c->rec = 1;
	jl(c, t, "connected", NULL);
	c->pinging = 1;
	sched(t + PING_MS + rng_range(5, 40), EV_PING, slot, 0);
	sched(t + rng_range(3, 40), EV_STEP, slot, PH_START);
}

/* The Live API close line; it carries its own copy of the time. */
static void
close_line(int64_t t, struct conn *c, int code, const char *reason,
    int clean)
{
	ts_update(t);
	emit(t, LV_ERROR, "Live API session closed", c,
	    ",\"code\":%d,\"reason\":\"%s\",\"wasClean\":%s,"
	    "\"timestamp\":\"%s\",\"hadError\":false", code, reason,
	    clean ? "true" : "false", ts_text);
	if (c->rec) {
		/* onclose logs it, closes the logger, drops the record. */
		jl(c, t, "session_closed", "\"source\":\"live_api\",\"code\":"
		    "%d,\"reason\":\"%s\",\"wasClean\":%s,\"timestamp\":\"%s\","
		    "\"hadError\":false", code, reason,
		    clean ? "true" : "false", ts_text);
		jl_close(c);
		c->rec = 0;
	}
}

/* The Live API socket closed (onclose). */
static void
live_closed(int slot, int64_t t, int code, const char *reason, int clean)
{
	struct conn	*c = &conns[slot];

	c->live = 0;
	c->warned = 0;
	close_line(t, c, code, reason, clean);
	/* session_closed to the browser */
	if (c->state == CS_GONE)
		emit(t, LV_WARN, "safeSend: socket not open, dropping message",
		    NULL, "\"readyState\":3");
	else
		c->state = CS_CLOSED;
}

/* handleStart's catch: the connect failed or timed out. */
static void
start_failed(int slot, int64_t t, const struct fault *f, const char *code,
    const char *friendly)
{
	struct conn	*c = &conns[slot];

	emit(t, LV_ERROR, "Live API connection failed", c,
	    ",\"model\":\"%s\",\"durationMs\":%d,\"errorMessage\":\"%s\","
	    "\"errorStack\":\"%s\"," ERR_FMT, conn_model(c),
	    (int)(t - c->call_t), f->message, f->stack, ERR_ARGS(f));
	emit(t, LV_ERROR, "Failed to start Live API session", c,
	    ",\"errorCode\":\"%s\",\"errorMessage\":\"%s\",\"originalError\":"
	    "\"%s\"," ERR_FMT, code, friendly, f->message, ERR_ARGS(f));
	emit(t, LV_INFO, "Error message sent to client", c,
	    ",\"errorCode\":\"%s\",\"message\":\"%s\"", code, friendly);
	jl(c, t, "error", "\"where\":\"handleStart\",\"message\":\"%s\","
	    "\"errorCode\":\"%s\"", friendly, code);
	c->ws_code = 1000;
	sched(t + rng_range(200, 3000), EV_STEP, slot, PH_WS_CLOSE);
}

/* The browser socket closed: cleanupConnection. */
static void
ws_close(int slot, int64_t t, int code)
{
	struct conn	*c = &conns[slot];

	if (c->state == CS_GONE)
		return;
	emit(t, LV_INFO, "WebSocket closed", c,
	    ",\"code\":%d,\"reason\":\"N/A\"", code);
	if (code != 1000 && code != 1001)
		emit(t, LV_WARN, "CLOSED early", c,
		    ",\"code\":%d,\"reason\":\"\"", code);
	alive--;
	c->state = CS_GONE;
	c->nostate = 1;
	c->pinging = 0;
	c->streaming = 0;
	if (c->rec) {
		jl(c, t, "session_closed", "\"source\":\"websocket\",\"code\":"
		    "%d,\"reason\":\"\"", code);
		jl_close(c);
		handle_close(slot, t);
	}
}

/*
 * handleClose: archive, the last orchestrator sync, close the Live API
 * session and drop the record ("Session removed", in PH_REMOVED).
 */
static void
handle_close(int slot, int64_t t)
{
	struct conn	*c = &conns[slot];

	if (!c->started) {
		/* the record seeded at connect: no sessionId, no session */
		c->rec = 0;
		jl_close(c);
		emit(t, LV_INFO, "Session removed", c, NULL);
		return;
	}
	if (c->turns >= 2) {
		emit(t, LV_INFO, "Archiving conversation for session", c,
		    ",\"sessionId\":\"%s\"", c->sid);
		if ((c->flaw & M_CONTEXT) && rng_percent(50))
			emit(t, LV_ERROR, "Failed to archive on disconnect", c,
			    "," ERR_FMT, ERR_ARGS(&f_archive));
		else
			emit(t, LV_INFO, "Conversation archived on disconnect",
			    c, NULL);
	}
	if (c->turns > 0) {
		emit(t, LV_DEBUG, "Voice sync - Loaded conversationFlow", c,
		    ",\"hasPersistedFlow\":false,\"coveredCount\":0");
		emit(t, LV_INFO, "Voice sync calling agent-stage API", NULL,
		    "\"url\":\"" SYNC_URL "\",\"messageCount\":%d",
		    2 * c->turns);
		sched(t + rng_range(120, 450), EV_STEP, slot, PH_REMOVED);
	} else
		sched(t + rng_range(1, 6), EV_STEP, slot, PH_REMOVED);
}

/* The config builder, inside "Building Live API config...". */
static void
config_lines(struct conn *c, int64_t t)
{
	if (c->flaw & M_CONFIG) {
		switch (rng_range(0, 3)) {
		case 0:
			emit(t, LV_WARN, "[config-builder] Invalid function "
			    "name format", NULL,
			    "\"name\":\"get lesson progress\"");
			break;
		case 1:
			emit(t, LV_WARN, "[config-builder] Function name too "
			    "long", NULL, "\"name\":\"generate_personalised_"
			    "vocabulary_review_schedule_for_the_current_"
			    "learner\",\"length\":71");
			break;
		case 2:
			emit(t, LV_WARN, "[config-builder] Invalid function "
			    "name format", NULL,
			    "\"name\":\"get lesson progress\"");
			emit(t, LV_WARN, "[config-builder] Invalid function "
			    "name format", NULL,
			    "\"name\":\"save vocabulary\"");
			emit(t, LV_WARN, "[config-builder] No valid function "
			    "declarations after validation, using googleSearch "
			    "only", NULL, NULL);
			return;
		default:
			emit(t, LV_ERROR, "[config-builder] Error building "
			    "tools config, falling back to googleSearch only",
			    NULL, ERR_FMT, ERR_ARGS(&f_toolscfg));
			return;
		}
	}
	if (c->cfg_tools)
		emit(t, LV_DEBUG, "[config-builder] Tools config built", NULL,
		    "\"googleSearch\":true,\"functionCount\":6,"
		    "\"functionNames\":" FUNCTION_NAMES);
}

/* -m critical: the line ensureConnectionState writes, every open id. */
static void
critical_line(struct conn *c, int64_t t)
{
	char	*p;
	int	 slot, n = 0;

	if (LV_ERROR < min_level)
		return;
	p = line_begin(t, LV_ERROR);
	p = PUT(p, "CRITICAL: ConnectionState missing - defensive "
	    "initialization ");
	p = put(p, c->tag, c->taglen);
	p = PUT(p, ",\"handler\":\"handleStart\",\"phase\":\"setup_complete\","
	    "\"availableConnections\":[");
	for (slot = 0; slot < MAX_CONNS && n < 48; slot++) {
		if (!conns[slot].in_use || conns[slot].nostate ||
		    conns[slot].state == CS_GONE || &conns[slot] == c)
			continue;
		if (n++ > 0)
			*p++ = ',';
		*p++ = '"';
		p = put(p, conns[slot].id, 36);
		*p++ = '"';
	}
	p = PUT(p, "],\"connectionCount\":");
	p = put_u64(p, (uint64_t)n);
	p = PUT(p, ",\"stackTrace\":\"Error\\n    at ensureConnectionState ("
	    SRV "/utils/websocket-helpers.ts:87:22)\\n    at " SRV
	    "/handlers/start-handler.ts:242:33\",\"sessionId\":\"");
	p = put(p, c->sid, strlen(c->sid));
	p = PUT(p, "\",\"hasActiveSession\":true,\"error\":{\"message\":\"");
	p = put(p, f_connstate.message, strlen(f_connstate.message));
	p = PUT(p, "\",\"stack\":\"");
	p = put(p, f_connstate.stack, strlen(f_connstate.stack));
	p = PUT(p, "\",\"name\":\"Error\"}}");
	line_end(p);
}

/* Advance a connection to phase ph. */
static void
conn_step(int slot, int64_t t, enum phase ph)
{
	struct conn	*c = &conns[slot];
	int64_t		 open_t;
	int		 i, n;

	switch (ph) {
	case PH_START:
		if (c->state == CS_GONE)
			break;
		emit(t, LV_INFO, "Handling start message", c, NULL);
		jl(c, t, "client_start", "\"payload\":{\"languageCode\":"
		    "\"en-US\",\"voiceName\":\"Puck\"}");
		emit(t, LV_INFO, "handleStart called", c,
		    ",\"payload\":" PAYLOAD, c->tools ? "true" : "false");
		if (c->outcome == OC_NOKEY) {
			emit(t, LV_ERROR, "FATAL: Gemini API key not "
			    "configured", c, NULL);
			c->ws_code = 1000;
			sched(t + rng_range(500, 4000), EV_STEP, slot,
			    PH_WS_CLOSE);
			break;
		}
		emit(t, LV_INFO, "Voice selection", c,
		    ",\"requestedLang\":\"en-US\",\"lang\":\"en-US\","
		    "\"requestedVoice\":\"Puck\",\"selectedVoice\":\"Puck\","
		    "\"defaultVoice\":\"Puck\",\"byLangFallback\":\"Puck\"");
		sched(t + rng_range(4, 12), EV_STEP, slot, PH_CONNECTING);
		break;
	case PH_CONNECTING:
		if ((c->flaw & M_CONTEXT) && rng_percent(50))
			emit(t, LV_WARN, "Failed to load conversation history "
			    "for voice session", c, "," WARN_HISTORY);
		emit(t, LV_INFO, "Using API key for Live API", c, NULL);
		emit(t, LV_INFO, "Connecting to Live API with model", c,
		    ",\"model\":\"%s\",\"hasApiKey\":true,"
		    "\"hasServiceAccount\":false,\"usingServiceAccount\":"
		    "false", conn_model(c));
		emit(t, LV_INFO, "Building Live API config...", c,
		    ",\"hasLocation\":false");
		emit(t, LV_DEBUG, "Building config for session", NULL,
		    "\"sessionId\":\"%s\",\"hasLocation\":false", c->sid);
		sched(t + rng_range(90, 220), EV_STEP, slot, PH_CALL);
		break;
	case PH_CALL:
		config_lines(c, t);
		emit(t, LV_INFO, "Live API config built", c,
		    ",\"hasConfig\":true,\"responseModalities\":[\"AUDIO\"]");
		c->call_t = t;
		emit(t, LV_INFO, "Calling ai.live.connect()...", c,
		    ",\"model\":\"%s\",\"configKeys\":" CONFIG_KEYS "%s]",
		    conn_model(c), c->cfg_tools ? ",\"tools\"" : "");
		sched(t + TIMEOUT_MS, EV_STALE, slot, 0);
		if (c->outcome == OC_FAILED)
			sched(t + rng_range(150, 900), EV_STEP, slot, PH_FAIL);
		else if (c->outcome != OC_TIMEOUT) {
			open_t = t + rng_range(250, 1400);
			if (c->early)
				sched(rng_range(t + 60, open_t - 20), EV_STEP,
				    slot, PH_EARLY);
			sched(open_t, EV_STEP, slot, PH_OPEN);
		}
		break;
	case PH_EARLY:
		/* a frame before "Session marked as ready" */
		if (c->state != CS_CONNECTING)
			break;
		if (c->user_audio)
			emit(t, LV_WARN, "USER_AUDIO received before session "
			    "ready", c, ",\"isReady\":false,\"hasClient\":true,"
			    "\"hasSession\":false");
		else {
			emit(t, LV_INFO, "Handling REALTIME_INPUT message", c,
			    NULL);
			emit(t, LV_WARN, "REALTIME_INPUT received before "
			    "session ready", c, NULL);
		}
		break;
	case PH_OPEN:
		if (c->state == CS_CONNECTING)
			conn_open(slot, t);
		break;
	case PH_SETUP:
		conn_setup(slot, t);
		break;
	case PH_END:
		if (c->state == CS_OPEN)
			conn_end(slot, t);
		break;
	case PH_TEXT:
		if (c->state != CS_OPEN)
			break;
		emit(t, LV_INFO, "Handling REALTIME_INPUT message", c, NULL);
		emit(t, LV_WARN, "REALTIME_INPUT: Rejecting text chunk - Live "
		    "API does not accept text via sendRealtimeInput (causes "
		    "1007 error)", c, ",\"mimeType\":\"text/plain\"");
		break;
	case PH_REMOVED:
		if (c->turns > 0)
			emit(t, LV_INFO, "Voice synced to orchestrator "
			    "(metadata only)", c, ",\"agent\":\"Discovery "
			    "Agent\",\"stage\":\"DISCOVERY\","
			    "\"processingTime\":%d", (int)rng_range(90, 400));
		if (c->live)
			sched(t + rng_range(2, 6), EV_STEP, slot,
			    PH_LIVE_CLOSED);
		c->rec = 0;
		jl_close(c);
		if (c->state == CS_OPEN)
			c->state = CS_CLOSED;
		emit(t, LV_INFO, "Session removed", c, NULL);
		break;
	case PH_LIVE_CLOSED:
		conn_live_closed(slot, t);
		break;
	case PH_FAIL:
		if (rng_percent(50))
			start_failed(slot, t, &f_quota, "QUOTA_EXCEEDED",
			    "API quota exceeded or rate limited. Please try "
			    "again later.");
		else
			start_failed(slot, t, &f_apikey, "API_KEY_INVALID",
			    "API key authentication failed. Please check your "
			    "Gemini API key configuration.");
		break;
	case PH_HEARTBEAT:
		emit(t, LV_WARN, "No heartbeat for 60s. Terminating socket", c,
		    NULL);
		c->nostate = 1;
		ws_close(slot, t, 1006);
		break;
	case PH_WS_CLOSE:
		ws_close(slot, t, c->ws_code);
		break;
	case PH_LIVE_ERROR:
		if (c->state != CS_OPEN)
			break;
		emit(t, LV_ERROR, "Live API error", c,
		    ",\"message\":\"Deadline expired before operation could "
		    "complete.\"");
		jl(c, t, "error", "\"where\":\"live_api\",\"message\":"
		    "\"Deadline expired before operation could complete.\"");
		break;
	case PH_BUFFER:
		if (c->state != CS_OPEN)
			break;
		n = (int)rng_range(2, 6);
		for (i = 0; i < n; i++)
			emit(t, LV_WARN, "safeSend: Buffer full, dropping "
			    "message", NULL, "\"bufferedAmount\":%d,"
			    "\"threshold\":500000",
			    500000 + (int)rng_range(1, 4) * 9600 * (i + 1));
		break;
	}
}

/* connect() resolved: the rest of handleStart, then plan the session. */
static void
conn_open(int slot, int64_t t)
{
	struct conn	*c = &conns[slot];
	int64_t		 len;

	c->live = 1;
	emit(t, LV_INFO, "Live API session opened", c, NULL);
	jl(c, t, "live_open", NULL);
	emit(t, LV_INFO, "Live API connect() completed", c,
	    ",\"durationMs\":%d,\"isOpen\":true", (int)(t - c->call_t));
	emit(t, LV_INFO, "Live API session established and ready", c, NULL);
	c->started = 1;
	emit(t, LV_INFO, "Live API session established for sessionId", c,
	    ",\"sessionId\":\"%s\"", c->sid);
	emit(t, LV_INFO, "Session marked as ready before session_started "
	    "event", c, NULL);
	emit(t, LV_DEBUG, "[SERVER] Sending session_started event", c,
	    ",\"languageCode\":\"en-US\",\"voiceName\":\"Puck\","
	    "\"wsReadyState\":1,\"isOpen\":true,\"isReady\":true,\"payload\":"
	    "\"{\\\"type\\\":\\\"session_started\\\",\\\"payload\\\":"
	    "{\\\"connectionId\\\":\\\"%s\\\",\\\"languageCode\\\":"
	    "\\\"en-US\\\",\\\"voiceName\\\":\\\"Puck\\\"}}\"", c->id);
	jl(c, t, "session_started", "\"languageCode\":\"en-US\","
	    "\"voiceName\":\"Puck\"");
	c->state = CS_OPEN;
	c->streaming = 1;

	len = rng_range(6000, 36000);
	if (rng_percent(33))
		len += rng_range(0, 90000);
	if (c->outcome == OC_TIMELIMIT)
		len = 900000 - (t - c->call_t);
	if (c->outcome == OC_REJECTED && ((diag == D_OFF && !c->text_close &&
	    rng_percent(40)) || diag == D_SETUP)) {
		c->setup_reject = 1;	/* no setup_complete */
		len = rng_range(20, 400);
	}
	if (diag == D_RATE && c->outcome == OC_REJECTED) {
		c->burst_end = t + len;
		c->burst_start = c->burst_end - rng_range(1500, 5500);
	} else if (diag != D_OFF)
		;	/* no flood: the rate stays alike */
	else if (c->outcome == OC_REJECTED && len > 5000 && rng_percent(60)) {
		c->burst_end = t + len;
		c->burst_start = c->burst_end - rng_range(500, 5500);
	} else if (len > 8000 && rng_percent(5)) {
		c->burst_start = t + rng_range(1000, len - 7000);
		c->burst_end = c->burst_start + rng_range(500, 6000);
	}
	sched(t + rng_range(60, 600), EV_FRAME, slot, 0);
	if (!c->setup_reject)
		sched(t + rng_range(40, 250), EV_STEP, slot, PH_SETUP);
	sched(t + rng_range(3000, 9000), EV_TURN, slot, TS_USER);
	if (c->text_close)
		sched(t + len - rng_range(30, 400), EV_STEP, slot, PH_TEXT);
	if ((c->flaw & M_LIVEERROR) && len > 3000)
		sched(t + rng_range(1000, len - 1000), EV_STEP, slot,
		    PH_LIVE_ERROR);
	if ((c->flaw & M_BUFFER) && len > 3000)
		sched(t + rng_range(1000, len - 1000), EV_STEP, slot,
		    PH_BUFFER);
	sched(t + len, EV_STEP, slot, PH_END);
}

/* The model's setupComplete message. */
static void
conn_setup(int slot, int64_t t)
{
	struct conn	*c = &conns[slot];

	if (c->state != CS_OPEN)
		return;
	jl(c, t, "setup_complete", NULL);
	if (c->flaw & M_CRITICAL) {
		/* the state was lost: isReady false, so it is set here */
		critical_line(c, t);
		emit(t, LV_INFO, "Marked session as ready during "
		    "setup_complete", c, NULL);
	}
	emit(t, LV_INFO, "Sending session_ready event after setup completion",
	    c, ",\"sessionId\":\"%s\",\"isReady\":true", c->sid);
	jl(c, t, "session_ready", NULL);
}

/* The planned end of a session, by outcome. */
static void
conn_end(int slot, int64_t t)
{
	struct conn	*c = &conns[slot];
	int64_t		 k;

	switch (c->outcome) {
	case OC_STOP:
		emit(t, LV_INFO, "Handling stop message", c, NULL);
		c->streaming = 0;
		c->late_frame = rng_percent(25);
		handle_close(slot, t);
		sched(t + rng_range(600, 25000), EV_STEP, slot, PH_WS_CLOSE);
		break;
	case OC_GOAWAY:
	case OC_TIMELIMIT:
		live_closed(slot, t, 1000, "", 1);
		c->streaming = 0;
		c->late_frame = rng_percent(25);
		sched(t + rng_range(100, 600), EV_STEP, slot, PH_WS_CLOSE);
		break;
	case OC_TAB_GONE:
	case OC_SOCKET_LOST:
		ws_close(slot, t, c->outcome == OC_TAB_GONE ? 1001 : 1006);
		break;
	case OC_HEARTBEAT:
		/* The tab froze: no frames, no pings; checked every 25 s. */
		c->streaming = 0;
		c->pinging = 0;
		k = (c->last_ping + 60000 - c->arrive_t) / CHECK_MS + 1;
		if (c->arrive_t + k * CHECK_MS <= t)
			k = (t - c->arrive_t) / CHECK_MS + 1;
		sched(c->arrive_t + k * CHECK_MS + rng_range(0, 2), EV_STEP,
		    slot, PH_HEARTBEAT);
		break;
	case OC_REJECTED:
		live_closed(slot, t, 1007, "Request contains an invalid "
		    "argument.", 1);
		c->race_end = t + rng_range(2000, 20000);
		if (rng_percent(30))
			c->ws_code = 1006;
		sched(c->race_end + rng_range(500, 10000), EV_STEP, slot,
		    PH_WS_CLOSE);
		break;
	case OC_INTERNAL:
		emit(t, LV_ERROR, "Live API error", c,
		    ",\"message\":\"Internal error encountered.\"");
		jl(c, t, "error", "\"where\":\"live_api\",\"message\":"
		    "\"Internal error encountered.\"");
		sched(t + rng_range(1, 3), EV_STEP, slot, PH_LIVE_CLOSED);
		break;
	case OC_ABNORMAL:
		live_closed(slot, t, 1006, "", 0);
		c->streaming = 0;
		sched(t + rng_range(500, 5000), EV_STEP, slot, PH_WS_CLOSE);
		break;
	case OC_SENDFAIL:
		/* The Live API socket is closing: the next send fails. */
		c->send_armed = 1;
		break;
	case OC_TIMEOUT:
	case OC_FAILED:
	case OC_NOKEY:
		break;
	}
}

/* The Live API session's close event, by outcome. */
static void
conn_live_closed(int slot, int64_t t)
{
	struct conn	*c = &conns[slot];

	if (!c->live)
		return;
	switch (c->outcome) {
	case OC_INTERNAL:
		live_closed(slot, t, 1011, "Internal error encountered.", 1);
		c->race_end = t + rng_range(2000, 15000);
		sched(c->race_end + rng_range(500, 8000), EV_STEP, slot,
		    PH_WS_CLOSE);
		break;
	case OC_SENDFAIL:
		live_closed(slot, t, 1006, "", 0);
		c->race_end = t + rng_range(1000, 8000);
		sched(c->race_end + rng_range(300, 3000), EV_STEP, slot,
		    PH_WS_CLOSE);
		break;
	default:
		/* handleClose closed it: no status code */
		live_closed(slot, t, 1005, "", 1);
		break;
	}
}

/* -m send: the send of this frame fails, the socket being closing. */
static void
send_failed(int slot, int64_t t)
{
	struct conn	*c = &conns[slot];

	c->send_armed = 0;
	if (c->user_audio) {
		emit(t, LV_ERROR, "Failed to send audio to Live API", c,
		    ",\"error\":{\"message\":\"%s\",\"stack\":\"%s\",\"name\":"
		    "\"%s\"},\"stack\":\"%s\",\"hasRealtimeMethod\":true",
		    ERR_ARGS(&f_send_audio), f_send_audio.stack);
	} else {
		TAGLINE(t, LV_INFO, c, "Handling REALTIME_INPUT message", "");
		emit(t, LV_ERROR, "Failed to send realtime input", c,
		    ",\"isSessionClosed\":true,\"errorMessage\":\"%s\","
		    ERR_FMT, f_send.message, ERR_ARGS(&f_send));
		/* record and ConnectionState dropped; the logger kept */
		c->rec = 1;
		jl(c, t, "error", "\"where\":\"realtime_input\",\"message\":"
		    "\"%s\"", f_send.message);
		jl_close(c);
		c->rec = 0;
		c->nostate = 1;
		c->state = CS_CLOSED;
		c->race_end = t + rng_range(2000, 9000);
	}
	sched(t + rng_range(1, 5), EV_STEP, slot, PH_LIVE_CLOSED);
}

/* One audio frame from the browser, as the relay sees it. */
static void
conn_frame(int slot, int64_t t)
{
	struct conn	*c = &conns[slot];
	int64_t		 gap;
	int		 limited;

	if (c->state == CS_GONE)
		return;
	if (!c->streaming) {
		if (c->state == CS_CLOSED && c->late_frame && !c->nostate) {
			c->late_frame = 0;
			TAGLINE(t, LV_INFO, c,
			    "Handling REALTIME_INPUT message", "");
			TAGLINE(t, LV_DEBUG, c, "REALTIME_INPUT: Session ready "
			    "but not in activeSessions yet - waiting", "");
			sched(t + rng_range(501, 510), EV_RACE_WARN, slot, 0);
		}
		return;
	}
	if (c->state == CS_OPEN && c->send_armed) {
		send_failed(slot, t);
	} else if (c->state == CS_OPEN) {
		if (t - c->win_start >= 1000) {
			c->win_start = t;
			c->win_count = 0;
		}
		limited = c->win_count >= AUDIO_LIMIT;
		if (!limited)
			c->win_count++;
		if (c->user_audio) {
			if (limited)
				emit(t, LV_WARN, "Rate limit exceeded for "
				    "USER_AUDIO", c, ",\"remaining\":1,"
				    "\"audioCount\":%d,\"audioLastAt\":%lld",
				    c->win_count, (long long)c->win_start);
			else {
				c->chunks++;
				jl(c, t, "audio_chunk", "\"direction\":"
				    "\"client_to_server\",\"bytes\":%d,"
				    "\"mimeType\":\"" AUDIO "\"",
				    32 * c->period);
				if (c->chunks % 50 == 0)
					emit(t, LV_INFO, "Audio chunks "
					    "processed", c, ",\"chunkCount\":"
					    "%llu,\"audioDataLength\":%d,"
					    "\"mimeType\":\"" AUDIO "\"",
					    (unsigned long long)c->chunks,
					    (32 * c->period + 2) / 3 * 4);
			}
		} else {
			TAGLINE(t, LV_INFO, c,
			    "Handling REALTIME_INPUT message", "");
			if (limited)
				TAGLINE(t, LV_WARN, c, "Rate limit exceeded "
				    "for REALTIME_INPUT", ",\"isAudioChunk\":"
				    "true,\"mimeType\":\"" AUDIO "\"");
			else {
				TAGLINE(t, LV_INFO, c, "REALTIME_INPUT (Audio) "
				    "sent to Live API",
				    ",\"mimeType\":\"" AUDIO "\"");
				jl(c, t, "realtime_input_sent", "\"chunks\":1,"
				    "\"mimeType\":\"" AUDIO "\"");
			}
		}
	} else if (c->user_audio) {
		/* after the close: noSessionWarned, once */
		if (!c->warned)
			emit(t, LV_WARN, "No active session to send audio to "
			    "- session may not be initialized yet", c, NULL);
		c->warned = 1;
	} else if (c->nostate) {
		TAGLINE(t, LV_INFO, c, "Handling REALTIME_INPUT message", "");
		TAGLINE(t, LV_WARN, c, "REALTIME_INPUT received but no active "
		    "session", ",\"isSessionReady\":false,"
		    "\"isSessionStarting\":false,\"hasConnectionState\":false");
	} else {
		/* The browser still believes the session is ready. */
		TAGLINE(t, LV_INFO, c, "Handling REALTIME_INPUT message", "");
		TAGLINE(t, LV_DEBUG, c, "REALTIME_INPUT: Session ready but not "
		    "in activeSessions yet - waiting", "");
		sched(t + rng_range(501, 510), EV_RACE_WARN, slot, 0);
	}
	if (t >= c->burst_start && t < c->burst_end)
		gap = diag == D_RATE ? 4 : rng_range(2, 4);
	else
		gap = c->period + rng_range(-5, 5);
	if (c->state == CS_CLOSED && t + gap >= c->race_end) {
		c->streaming = 0;
		return;
	}
	sched(t + gap, EV_FRAME, slot, 0);
}

static const char *const user_said[] = {
	"How do I say good morning to my boss?",
	"Can you explain the present perfect?",
	"What is the difference between make and do?",
	"Let's practise ordering food."
};

/* One step of the conversation: transcripts, model audio, tools. */
static void
conn_turn(int slot, int64_t t, enum turn_step step)
{
	struct conn	*c = &conns[slot];
	const char	*tool;
	char		 msg[64];
	int		 open = c->state == CS_OPEN && c->streaming, n;

	tool = c->tool_calls % 3 == 0 ? "analyze_website_tech_stack" :
	    "search_web";
	switch (step) {
	case TS_USER:
		if (!open)
			break;
		c->turns++;
		jl(c, t, "input_transcript", "\"text\":\"%s\",\"isFinal\":true",
		    user_said[c->turns % 4]);
		if ((c->flaw & M_CONTEXT) && rng_percent(20))
			emit(t, LV_WARN, "Failed to track user voice turn", c,
			    "," WARN_TRACK);
		emit(t, LV_DEBUG, "Voice sync - Loaded conversationFlow", c,
		    ",\"hasPersistedFlow\":false,\"coveredCount\":0");
		emit(t, LV_INFO, "Voice sync calling agent-stage API", NULL,
		    "\"url\":\"" SYNC_URL "\",\"messageCount\":%d",
		    2 * c->turns - 1);
		sched(t + rng_range(120, 450), EV_TURN, slot, TS_SYNCED);
		c->turn_left = (int)rng_range(3, 12);
		sched(t + rng_range(300, 900), EV_TURN, slot, TS_MODEL);
		break;
	case TS_SYNCED:
		n = (c->flaw & M_CONTEXT) ? (int)rng_range(0, 9) : 9;
		if (n < 2)	/* the agent-stage call failed */
			emit(t, LV_WARN, "Voice orchestrator sync failed "
			    "(non-fatal)", c, ",\"error\":\"fetch failed\"");
		else if (n < 3)	/* reading the stored context failed */
			emit(t, LV_ERROR, "Voice orchestrator sync failed", c,
			    "," ERR_FMT, ERR_ARGS(&f_sync));
		else
			emit(t, LV_INFO, "Voice synced to orchestrator "
			    "(metadata only)", c, ",\"agent\":\"Discovery "
			    "Agent\",\"stage\":\"DISCOVERY\","
			    "\"processingTime\":%d", (int)rng_range(90, 400));
		break;
	case TS_MODEL:
		if (!open)
			break;
		jl(c, t, "output_transcript", "\"text\":\"Sure, \",\"isFinal\":"
		    "false");
		jl(c, t, "audio_chunk", "\"direction\":\"server_to_client\","
		    "\"bytes\":%d,\"mimeType\":\"audio/pcm;rate=24000\"",
		    (int)rng_range(4, 12) * 960);
		if (--c->turn_left > 0)
			sched(t + rng_range(80, 250), EV_TURN, slot, TS_MODEL);
		else if (c->tools && rng_percent(20))
			sched(t + rng_range(300, 1500), EV_TURN, slot, TS_TOOL);
		else
			sched(t + rng_range(600, 2200), EV_TURN, slot, TS_DONE);
		break;
	case TS_DONE:
		if (!open)
			break;
		jl(c, t, "turn_complete", NULL);
		if ((c->flaw & M_CONTEXT) && rng_percent(15))
			emit(t, LV_WARN, "Failed to persist final input "
			    "transcript", c, "," WARN_TRACK);
		sched(t + rng_range(3000, 10000), EV_TURN, slot, TS_USER);
		break;
	case TS_TOOL:
		if (!open)
			break;
		c->tool_calls++;
		tool = c->tool_calls % 3 == 0 ? "analyze_website_tech_stack" :
		    "search_web";
		c->tool_fail = (c->flaw & M_TOOLS) && rng_percent(50) ?
		    (int)rng_range(1, 4) : 0;	/* the failure, if any */
		if (c->tool_fail == 1 && tool[0] != 's')
			c->tool_fail = 2;	/* only search_web times out */
		emit(t, LV_INFO, "Processing tool call", c,
		    ",\"toolCallId\":\"function-call-%llu\",\"tools\":[\"%s\"]",
		    (unsigned long long)(rng_next() >> 12), tool);
		snprintf(msg, sizeof msg, "Executing tool: %s", tool);
		if (tool[0] == 's')
			emit(t, LV_INFO, msg, c, ",\"args\":{\"query\":"
			    "\"irregular verbs list\"}");
		else
			emit(t, LV_INFO, msg, c, ",\"args\":{\"url\":\"https://"
			    "example.com\",\"focus\":\"performance\"}");
		if (c->tool_fail == 2) {
			snprintf(msg, sizeof msg, "Tool validation failed: %s",
			    tool);
			emit(t, LV_WARN, msg, c, ",\"error\":\"%s\"", tool[0] ==
			    's' ? "Missing required parameter: query" :
			    "Missing required parameter: url");
			sched(t, EV_TURN, slot, TS_TOOL_DONE);
			break;
		}
		if (tool[0] == 's')
			emit(t, LV_INFO, "Executing search_web", NULL,
			    "\"query\":\"irregular verbs list\"");
		else
			emit(t, LV_INFO, "Executing analyze_website_tech_stack",
			    NULL, "\"url\":\"https://example.com\",\"focus\":"
			    "\"performance\"");
		sched(t + (c->tool_fail == 1 ? 25000 : rng_range(300, 2500)),
		    EV_TURN, slot, TS_TOOL_DONE);
		break;
	case TS_TOOL_DONE:
		if (c->state == CS_GONE && !c->live)
			break;
		if (c->tool_fail == 1) {
			snprintf(msg, sizeof msg, "Tool execution failed: %s",
			    tool);
			emit(t, LV_ERROR, msg, c, "," ERR_FMT,
			    ERR_ARGS(&f_tool_timeout));
		} else {
			snprintf(msg, sizeof msg, "Tool executed: %s", tool);
			emit(t, LV_INFO, msg, c,
			    ",\"success\":%s,\"hasData\":%s",
			    c->tool_fail == 2 ? "false" : "true",
			    c->tool_fail == 2 ? "false" : "true");
		}
		/* after a close, ws drops the send without an error */
		if (c->tool_fail == 3) {
			emit(t, LV_ERROR, "Failed to send tool results", c,
			    "," ERR_FMT, ERR_ARGS(&f_tool_send));
		} else {
			emit(t, LV_INFO, "Tool results sent to Gemini", c,
			    ",\"tools\":\"%s:%s\"", tool,
			    c->tool_fail == 1 || c->tool_fail == 2 ? "fail" :
			    "ok");
			jl(c, t, "tool_results_sent", "\"tools\":[\"%s\"],"
			    "\"successCount\":%d", tool,
			    c->tool_fail == 1 || c->tool_fail == 2 ? 0 : 1);
		}
		if (c->state != CS_OPEN || !c->streaming)
			break;
		if (c->tool_fail == 4)
			sched(t + rng_range(50, 300), EV_TURN, slot,
			    TS_TOOL_RESULT);
		else
			sched(t + rng_range(600, 2200), EV_TURN, slot, TS_DONE);
		c->tool_fail = 0;
		break;
	case TS_TOOL_RESULT:
		if (!open)
			break;
		/* a client-side tool's result that cannot be forwarded */
		jl(c, t, "tool_result_client", "\"responsesCount\":1");
		emit(t, LV_ERROR,
		    "Failed to forward tool responses to Live API", c,
		    "," ERR_FMT, ERR_ARGS(&f_forward));
		jl(c, t, "error", "\"where\":\"tool_result_forward\","
		    "\"message\":\"%s\"", f_forward.message);
		sched(t + rng_range(600, 2200), EV_TURN, slot, TS_DONE);
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
	int		 slot;

	relay_start(START_MS);
	sched(START_MS + 250, EV_ARRIVAL, -1, 0);
	if (modes & M_ORIGIN)
		sched(START_MS + rng_range(20000, 120000), EV_RARE, -1, 0);
	if (modes & M_PROCESS)
		sched(START_MS + rng_range(120000, 400000), EV_RARE, -1, 1);
	while (lines_left > 0 && heap_len > 0) {
		ev = heap_pop();
		if (ev.slot >= 0 && conns[ev.slot].cut) {
			/* the relay died under it: its timers are gone */
		} else switch (ev.kind) {
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
		case EV_RARE:
			if (ev.arg == 0) {
				origin_rejected(ev.t);
				sched(ev.t + rng_range(60000, 300000), EV_RARE,
				    -1, 0);
			} else {
				relay_fault(ev.t);
				sched(ev.t + rng_range(600000, 1800000),
				    EV_RARE, -1, 1);
			}
			break;
		case EV_RESTART:
			relay_down = 0;
			relay_start(ev.t);
			break;
		case EV_STEP:
			conn_step(ev.slot, ev.t, (enum phase)ev.arg);
			break;
		case EV_FRAME:
			conn_frame(ev.slot, ev.t);
			break;
		case EV_RACE_WARN:
			c = &conns[ev.slot];
			TAGLINE(ev.t, LV_WARN, c, "REALTIME_INPUT: Session "
			    "ready but still not in activeSessions after "
			    "retries", "");
			TAGLINE(ev.t, LV_WARN, c, "REALTIME_INPUT received but "
			    "no active session", ",\"isSessionReady\":true,"
			    "\"isSessionStarting\":false,"
			    "\"hasConnectionState\":true");
			break;
		case EV_TURN:
			conn_turn(ev.slot, ev.t, (enum turn_step)ev.arg);
			break;
		case EV_PING:
			c = &conns[ev.slot];
			if (!c->pinging || c->state == CS_GONE)
				break;
			emit(ev.t, LV_INFO,
			    "Responded to client ping with pong", c,
			    ",\"sent\":true,\"bufferedAmount\":0,"
			    "\"readyState\":1");
			c->last_ping = ev.t;
			sched(ev.t + PING_MS + rng_range(0, 3), EV_PING,
			    ev.slot, 0);
			break;
		case EV_STALE:
			c = &conns[ev.slot];
			emit(ev.t, LV_ERROR,
			    "Live API connection timeout after 30s", c,
			    ",\"model\":\"%s\"", conn_model(c));
			if (c->outcome == OC_TIMEOUT &&
			    c->state == CS_CONNECTING)
				start_failed(ev.slot, ev.t, &f_timeout,
				    "CONNECTION_TIMEOUT", "Connection to "
				    "Gemini API timed out. The service may be "
				    "slow or unavailable.");
			break;
		}
		if (ev.slot >= 0) {
			c = &conns[ev.slot];
			if (--c->refs == 0 && c->state == CS_GONE)
				c->in_use = 0;
		}
	}
	for (slot = 0; slot < MAX_CONNS; slot++)
		jl_close(&conns[slot]);
}

/* The value of option opt: the rest of argv[*i], or the next argument. */
static const char *
opt_value(int argc, char **argv, int *i, const char *opt)
{
	const char	*arg = argv[*i];
	size_t		 n = strlen(opt);

	if (strncmp(arg, opt, n) != 0)
		return NULL;
	if (arg[n] != '\0')
		return arg + n;
	if (*i + 1 >= argc)
		usage();
	return argv[++*i];
}

int
main(int argc, char **argv)
{
	long		 lines = 1000000, seed = 1;
	uint64_t	 z;
	const char	*v;
	size_t		 k;
	int		 i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-p") == 0)
			with_prefix = 1;
		else if ((v = opt_value(argc, argv, &i, "-n")) != NULL)
			lines = parse_number("line count", v, LONG_MAX);
		else if ((v = opt_value(argc, argv, &i, "-s")) != NULL)
			seed = parse_number("seed", v, LONG_MAX);
		else if ((v = opt_value(argc, argv, &i, "-l")) != NULL) {
			if (strcmp(v, "warn") == 0)
				min_level = LV_WARN;
			else if (strcmp(v, "debug") == 0)
				min_level = LV_DEBUG;
			else {
				fprintf(stderr, "gen-relay-log: bad level: "
				    "'%s'\n", v);
				usage();
			}
		} else if ((v = opt_value(argc, argv, &i, "-j")) != NULL)
			jsonl_dir = v;
		else if ((v = opt_value(argc, argv, &i, "-m")) != NULL)
			parse_modes(v);
		else if ((v = opt_value(argc, argv, &i, "-d")) != NULL) {
			for (k = 1; k < NDIAGS; k++)
				if (strcmp(v, diag_names[k]) == 0)
					break;
			if (k == NDIAGS) {
				fprintf(stderr, "gen-relay-log: bad attribute: "
				    "'%s'\n", v);
				usage();
			}
			diag = (enum diag)k;
		} else
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
