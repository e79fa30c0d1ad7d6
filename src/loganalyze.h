/* SPDX-License-Identifier: MIT */
/*
 * loganalyze: shared types and prototypes.  One section per source file;
 * structs used by a single file are defined there and stay opaque here.
 * Times are milliseconds since the Unix epoch (UTC) in an int64_t, with
 * TS_NONE for "unknown"; line numbers are 1-based.
 */
#ifndef LOGANALYZE_H
#define LOGANALYZE_H

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define TS_NONE INT64_MIN

struct buf;
struct input;
struct formats;
struct parser;
struct store;
struct ruleset;
struct sqlite3;
struct sqlite3_stmt;

/* log.c */
extern int log_verbose;
void	log_set_progname(const char *);
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));

/* fault.c */
enum fault_kind {
	FAULT_ALLOC,
	FAULT_SQLITE,
	FAULT_READ,
	FAULT_WRITE,
	FAULT_SQLITE_WRITE
};
#ifdef FAULT_INJECTION
int	 fault_hit(int);
void	 fault_init(void);
#else
#define fault_hit(kind)	0
#define fault_init()	do { } while (0)
#endif

/* xmalloc.c */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
char	*xvasprintf(const char *, va_list) __attribute__((format(printf, 1, 0)));
void	 xprefix(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/* buf.c */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};
void	 buf_init(struct buf *);
void	 buf_free(struct buf *);
void	 buf_reset(struct buf *);
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_adds(struct buf *, const char *);
void	 buf_addc(struct buf *, int);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
const char *buf_cstr(struct buf *);

/* text.c */
void	 text_sanitize(struct buf *, const char *, size_t);
void	 text_strip_ansi(struct buf *, const char *, size_t);

/* timeutil.c */
/* The times the parsers give: 0000-01-01 to 9999-12-31T23:59:59.999Z. */
#define TIME_MIN	(-62167219200000LL)
#define TIME_MAX	253402300799999LL
/* What the formatters print for TS_NONE. */
#define TIME_UNKNOWN	"time unknown"
/* The minute of the last ISO time parsed, and its value: see timeutil.c. */
struct time_cache {
	int		 valid;
	char		 key[16];	/* YYYY-MM-DDTHH:MM */
	int64_t		 base;		/* key in milliseconds since the epoch */
};
int	 time_parse_iso(const char *, size_t, int64_t *);
int	 time_parse_iso_cached(struct time_cache *, const char *, size_t,
	    int64_t *);
int	 time_parse_clock(const char *, size_t, int64_t *);
int	 time_parse_arg(const char *, int64_t, int64_t *);
int	 time_is_clock_only(int64_t);
int	 time_is_valid(int64_t);
int	 time_same_day(int64_t, int64_t);
int64_t	 time_diff(int64_t, int64_t);
void	 time_format_iso(int64_t, char *, size_t);
void	 time_format_clock(int64_t, char *, size_t);
void	 time_format_delta(int64_t, char *, size_t);
double	 time_elapsed(void);

/* digest.c */
#define DIGEST_HEX_LEN	33
struct digest {
	uint64_t	 v[4];
	unsigned char	 tail[8];
	size_t		 ntail;
	uint64_t	 len;		/* bytes added */
};
void	 digest_init(struct digest *);
void	 digest_update(struct digest *, const void *, size_t);
void	 digest_final(const struct digest *, unsigned char[16]);
void	 digest_hex(const struct digest *, char[DIGEST_HEX_LEN]);

/* input.c */
enum input_status {
	INPUT_LINE,
	INPUT_EOF,
	INPUT_ERROR
};
struct input_scan {
	uint64_t	  bytes;		/* the whole input */
	char		  hash[DIGEST_HEX_LEN];
	size_t		  n;			/* prefixes reached */
	char		(*prefix)[DIGEST_HEX_LEN];
	unsigned char	 *prefix_nl;		/* prefix ends a line */
};
struct input *input_open(const char *, char **);
int	 input_scan(struct input *, const uint64_t *, size_t,
	    struct input_scan *, char **);
void	 input_scan_free(struct input_scan *);
int	 input_skip(struct input *, uint64_t, uint64_t, char **);
void	 input_set_limit(struct input *, uint64_t);
void	 input_digest_start(struct input *);
void	 input_digest_hex(const struct input *, char[DIGEST_HEX_LEN]);
uint64_t input_raw_bytes(const struct input *);
enum input_status input_getline(struct input *, const char **, size_t *,
	    size_t *, char **);
int	 input_is_stream(const struct input *);
const char *input_name(const struct input *);
uint64_t input_lineno(const struct input *);
uint64_t input_bytes(const struct input *);
void	 input_close(struct input *);

/* inputset.c */
struct inputset {
	char		**paths;	/* NULL-terminated */
	size_t		  n;
	char		**errors;	/* directories that could not be read */
	size_t		  nerrors;
};
void	 inputset_expand(struct inputset *, const char *const *, size_t);
void	 inputset_free(struct inputset *);
int	 inputset_cmp_rotation(const char *, const char *);

/* order.c */
int	 order_note_input(struct sqlite3 *, int64_t, char **);
int	 order_events(struct sqlite3 *, int64_t *, char **);

/* formats.c */
enum envelope_kind {
	ENV_AUTO,
	ENV_PLAIN,
	ENV_DOCKER,
	ENV_JOURNAL_JSON,
	ENV_JOURNAL_SHORT,
	ENV_KUBECTL,
	ENV_JOURNAL_EXPORT,
	ENV_JSON,		/* any JSON object with the line in a field */
	ENV_JSON_PRETTY,	/* indented objects, or an array of them */
	ENV_FLY,
	ENV_HEROKU,
	ENV_CLOUDWATCH,
	ENV_CRI,
	ENV_COMPOSE,
	ENV_PM2,
	ENV_SYSLOG,
	ENV_SESSION_LOG,	/* the relay's JSONL session logs */
	ENV_WATCH		/* their records as logs:watch prints them */
};
enum formats_status {
	FORMATS_NOFIT = -1,	/* a forced envelope does not fit */
	FORMATS_TEXT,		/* *env holds a line to parse */
	FORMATS_PENDING,	/* part of an entry later lines complete */
	FORMATS_AGAIN		/* *env holds an entry that the line ended
				   without being part of it: read the line
				   again */
};
struct envelope {
	const char	*text;		/* the wrapped line, borrowed */
	size_t		 len;
	int64_t		 ts;		/* the envelope's own time, or TS_NONE */
	int		 year_inferred;	/* ts had no year (journalctl short) */
	const char	*host;		/* NUL-terminated or NULL */
	const char	*unit;
	int		 kind;		/* enum envelope_kind that matched */
	uint64_t	 back;		/* lines back to the entry's message */
	int		 cut;		/* its JSON was cut short, in part read */
};
struct formats *formats_create(int, char **);
int	 formats_unwrap(struct formats *, const char *, size_t,
	    struct envelope *);
int	 formats_pending(const struct formats *);
void	 formats_note_time(struct formats *, int64_t);
void	 formats_reset(struct formats *);
int	 formats_kind_from_name(const char *);
void	 formats_free(struct formats *);

/* sessionlog.c */
int	 sessionlog_unwrap(const char *, size_t, struct buf *);
int	 sessionlog_watch_entry(struct buf *, const char *, const char *,
	    const char *, size_t, int *);

/* classify.c */
/*
 * What a kind of line is to a session.  A milestone marks its progress, a
 * failure is something that went wrong there, a consequence follows from
 * a failure (frames rejected after the close), noise is neither.
 */
enum kind_role {
	ROLE_NOISE,
	ROLE_MILESTONE,
	ROLE_FAILURE,
	ROLE_CONSEQUENCE
};
/* The column of the connections table that a kind's lines set, if any. */
enum kind_fact {
	FACT_NONE,
	FACT_CONNECTED,		/* connected_ts */
	FACT_START,		/* start_ts */
	FACT_CONNECTING,	/* connect_call_ts, with FACT_CONNECT_CALL */
	FACT_CONNECT_CALL,	/* the call that starts the 30 s timer */
	FACT_OPENED,		/* opened_ts */
	FACT_READY,		/* ready_ts */
	FACT_CLOSED,		/* a Live API close: close_id and the rest */
	FACT_TIMEOUT,		/* timeout_ts */
	FACT_CONNECT_FAILED,	/* failed_error */
	FACT_DISCONNECT,	/* disconnect_ts */
	FACT_REJECTED,		/* a frame rejected for want of a session */
	FACT_FRAME		/* frames, frames_first_ts, frames_last_ts */
};
/* Whether a line proves that its session's Live API socket was open. */
enum kind_live {
	LIVE_NO,
	LIVE_YES,
	LIVE_IF_READY,		/* when its JSON says "isSessionReady":true */
	LIVE_SENDING		/* the browser was sending, so it believed
				   the session ready: no proof for the timer */
};
/* How runs.c and the attribution of id-less lines treat a kind. */
#define KF_FOLD		0x01	/* repeated lines may share a row */
#define KF_RUN_JSON	0x02	/* ... only with identical JSON */
#define KF_BURST	0x04	/* ... and never across a burst's gap */
#define KF_INTERLEAVED	0x08	/* comes between frames, ends no run */
#define KF_RELAY	0x10	/* the relay's own: never a connection's */
#define KF_PAIRED	0x20	/* two messages per occurrence: show one */
#define KF_STRONG	0x40	/* in bold on the timeline */
#define KF_CODE		0x80	/* the timeline shows its close code */
#define KF_DIAG		0x100	/* the diagnosis reads its first line's JSON
				   (session_lines) */

/*
 * Every kind, once: its name in events.kind and the kinds table, its role,
 * fact, sign of life and flags, its timeline label (NULL: not on the
 * timeline) and the JSON keys, in order of preference, whose first present
 * value the timeline shows after the label.  The messages that give each
 * kind are the rows of classify.c's table.
 */
#define KIND_LIST(X) \
	X(K_OTHER, "other", ROLE_NOISE, FACT_NONE, LIVE_NO, KF_FOLD, \
	    NULL, NULL) \
	X(K_CLIENT_CONNECTED, "client_connected", ROLE_MILESTONE, \
	    FACT_CONNECTED, LIVE_NO, 0, "browser connected", NULL) \
	X(K_START, "start", ROLE_MILESTONE, FACT_START, LIVE_NO, KF_PAIRED, \
	    "start requested", NULL) \
	X(K_START_PAYLOAD, "start_payload", ROLE_MILESTONE, FACT_START, \
	    LIVE_NO, KF_DIAG, NULL, NULL) \
	X(K_CONNECT_MODEL, "connect_model", ROLE_MILESTONE, FACT_CONNECTING, \
	    LIVE_NO, KF_DIAG, "connecting to the Live API", NULL) \
	X(K_CONNECT_CALL, "connect_call", ROLE_MILESTONE, FACT_CONNECT_CALL, \
	    LIVE_NO, KF_DIAG, "connect call (the 30 s timer starts)", NULL) \
	X(K_OPENED, "opened", ROLE_MILESTONE, FACT_OPENED, LIVE_YES, 0, \
	    "Live API socket opened", NULL) \
	X(K_CONNECT_DONE, "connect_done", ROLE_MILESTONE, FACT_OPENED, \
	    LIVE_YES, 0, "connect completed", NULL) \
	X(K_READY, "ready", ROLE_MILESTONE, FACT_READY, LIVE_YES, KF_PAIRED, \
	    "session ready", NULL) \
	X(K_FRAME, "frame", ROLE_NOISE, FACT_FRAME, LIVE_NO, KF_FOLD, \
	    NULL, NULL) \
	X(K_AUDIO_CHUNKS, "audio_chunks", ROLE_NOISE, FACT_NONE, LIVE_NO, \
	    KF_FOLD | KF_DIAG, NULL, NULL) \
	X(K_API_ERROR, "api_error", ROLE_FAILURE, FACT_NONE, LIVE_NO, \
	    KF_INTERLEAVED, "Live API error", "message") \
	X(K_CLOSED, "closed", ROLE_MILESTONE, FACT_CLOSED, LIVE_YES, \
	    KF_STRONG | KF_CODE, "Live API session closed", "reason") \
	X(K_TIMEOUT, "timeout", ROLE_CONSEQUENCE, FACT_TIMEOUT, LIVE_NO, 0, \
	    "30 s connect timeout line", NULL) \
	X(K_CONNECT_FAILED, "connect_failed", ROLE_FAILURE, \
	    FACT_CONNECT_FAILED, LIVE_NO, KF_STRONG, "connect failed", \
	    "errorCode errorMessage") \
	X(K_RATE_LIMIT, "rate_limit", ROLE_FAILURE, FACT_NONE, LIVE_SENDING, \
	    KF_FOLD | KF_RUN_JSON | KF_BURST | KF_DIAG, NULL, NULL) \
	X(K_RETRIES, "retries", ROLE_CONSEQUENCE, FACT_REJECTED, \
	    LIVE_IF_READY, KF_FOLD | KF_RUN_JSON, NULL, NULL) \
	X(K_NO_SESSION, "no_session", ROLE_CONSEQUENCE, FACT_REJECTED, \
	    LIVE_IF_READY, KF_FOLD | KF_RUN_JSON, NULL, NULL) \
	X(K_WAITING, "waiting", ROLE_NOISE, FACT_NONE, LIVE_NO, KF_FOLD, \
	    NULL, NULL) \
	X(K_TOO_EARLY, "too_early", ROLE_FAILURE, FACT_NONE, LIVE_NO, \
	    KF_INTERLEAVED, NULL, NULL) \
	X(K_HEARTBEAT_LOST, "heartbeat_lost", ROLE_FAILURE, FACT_DISCONNECT, \
	    LIVE_NO, 0, "heartbeat lost, socket terminated", NULL) \
	X(K_WS_CLOSED, "ws_closed", ROLE_MILESTONE, FACT_DISCONNECT, \
	    LIVE_NO, KF_CODE, "browser socket closed", NULL) \
	X(K_SESSION_REMOVED, "session_removed", ROLE_MILESTONE, \
	    FACT_DISCONNECT, LIVE_NO, 0, "session removed", NULL) \
	X(K_SAFE_SEND, "safe_send", ROLE_NOISE, FACT_NONE, LIVE_NO, \
	    KF_RELAY, NULL, NULL) \
	X(K_UNCAUGHT, "uncaught", ROLE_FAILURE, FACT_NONE, LIVE_NO, \
	    KF_RELAY, NULL, NULL) \
	X(K_STOP, "stop", ROLE_MILESTONE, FACT_NONE, LIVE_NO, 0, \
	    "browser asked to stop", NULL) \
	X(K_SERVER_START, "server_start", ROLE_MILESTONE, FACT_NONE, LIVE_NO, \
	    KF_RELAY, "relay started", NULL) \
	X(K_SERVER_ERROR, "server_error", ROLE_FAILURE, FACT_NONE, LIVE_NO, \
	    KF_RELAY, NULL, NULL) \
	X(K_HANDLER_ERROR, "handler_error", ROLE_FAILURE, FACT_NONE, \
	    LIVE_NO, KF_STRONG, "relay exception in the Live API message " \
	    "handler", NULL) \
	X(K_API_KEY_MISSING, "api_key_missing", ROLE_FAILURE, FACT_NONE, \
	    LIVE_NO, KF_RELAY | KF_STRONG, "no Gemini API key", NULL) \
	X(K_SEND_FAILED, "send_failed", ROLE_FAILURE, FACT_NONE, LIVE_NO, \
	    KF_FOLD | KF_RUN_JSON, NULL, NULL) \
	X(K_INPUT_REJECTED, "input_rejected", ROLE_FAILURE, FACT_NONE, \
	    LIVE_NO, KF_FOLD | KF_RUN_JSON | KF_DIAG, NULL, NULL) \
	X(K_CLIENT_MESSAGE_ERROR, "client_message_error", ROLE_FAILURE, \
	    FACT_NONE, LIVE_NO, KF_FOLD | KF_RUN_JSON, NULL, NULL) \
	X(K_TOOL_CALL, "tool_call", ROLE_MILESTONE, FACT_NONE, LIVE_NO, 0, \
	    "tool call", "tools") \
	X(K_TOOL_FAILED, "tool_failed", ROLE_FAILURE, FACT_NONE, LIVE_NO, \
	    KF_STRONG, "tool failed", NULL) \
	X(K_CONFIG_WARNING, "config_warning", ROLE_FAILURE, FACT_NONE, \
	    LIVE_NO, KF_RELAY, NULL, NULL) \
	X(K_STATE_MISSING, "state_missing", ROLE_FAILURE, FACT_NONE, LIVE_NO, \
	    KF_STRONG, "ConnectionState missing (a relay bug)", NULL) \
	X(K_SIDE_FAILURE, "side_failure", ROLE_FAILURE, FACT_NONE, LIVE_NO, \
	    0, NULL, NULL) \
	X(K_CLIENT_LEFT, "client_left", ROLE_FAILURE, FACT_NONE, LIVE_NO, 0, \
	    "browser gone before the session was ready", NULL) \
	X(K_ERROR_UNDELIVERED, "error_undelivered", ROLE_CONSEQUENCE, \
	    FACT_NONE, LIVE_NO, 0, NULL, NULL) \
	X(K_WS_ERROR, "ws_error", ROLE_FAILURE, FACT_NONE, LIVE_NO, 0, \
	    "browser socket error", NULL) \
	X(K_SEND_DROPPED, "send_dropped", ROLE_FAILURE, FACT_NONE, LIVE_NO, \
	    KF_RELAY | KF_FOLD | KF_RUN_JSON, NULL, NULL) \
	X(K_ORIGIN_REJECTED, "origin_rejected", ROLE_FAILURE, FACT_NONE, \
	    LIVE_NO, KF_RELAY | KF_FOLD | KF_RUN_JSON, NULL, NULL) \
	X(K_STARTUP_WARNING, "startup_warning", ROLE_FAILURE, FACT_NONE, \
	    LIVE_NO, KF_RELAY, NULL, NULL) \
	X(K_RELAY_NOTE, "relay_note", ROLE_NOISE, FACT_NONE, LIVE_NO, \
	    KF_RELAY, NULL, NULL) \
	X(K_SETUP_COMPLETE, "setup_complete", ROLE_MILESTONE, FACT_NONE, \
	    LIVE_YES, KF_PAIRED, "Live API setup complete", NULL) \
	X(K_AUDIO_SENT, "audio_sent", ROLE_NOISE, FACT_NONE, LIVE_NO, \
	    KF_FOLD | KF_RUN_JSON | KF_DIAG, NULL, NULL) \
	X(K_IMAGE_SENT, "image_sent", ROLE_NOISE, FACT_NONE, LIVE_NO, \
	    KF_FOLD | KF_RUN_JSON | KF_DIAG, NULL, NULL) \
	X(K_SESSION_LOG_TWIN, "session_log_twin", ROLE_NOISE, FACT_NONE, \
	    LIVE_NO, KF_RELAY, NULL, NULL)

#define KIND_ENUM(k, name, role, fact, live, flags, label, fields) k,
enum event_kind {
	KIND_LIST(KIND_ENUM)
	K__COUNT
};
#undef KIND_ENUM

struct kind_info {
	const char	*name;
	enum kind_role	 role;
	enum kind_fact	 fact;
	enum kind_live	 live;
	unsigned	 flags;
	const char	*label;
	const char	*fields;	/* space-separated JSON keys, or NULL */
};
extern const struct kind_info classify_kinds[K__COUNT];
int	 classify_message(const char *, size_t);
int	 classify_row(size_t, const char **, int *, int *);

/*
 * What kind means; an out-of-range kind is K_OTHER.  Inline: runs.c and
 * connsum.c ask for every line.
 */
static inline const struct kind_info *
classify_kind(int kind)
{
	return &classify_kinds[kind >= 0 && kind < K__COUNT ? kind : K_OTHER];
}
const char *classify_kind_name(int);
int	 classify_kind_attributable(int);
int	 classify_store_kinds(struct sqlite3 *, char **);

/* parser.c */
enum parse_status {
	PARSE_EVENT,
	PARSE_CONTINUATION,
	PARSE_NOMATCH,
	PARSE_BLANK
};
enum level {
	LEVEL_NONE,
	LEVEL_DEBUG,
	LEVEL_INFO,
	LEVEL_WARN,
	LEVEL_ERROR
};
enum ts_source {
	TSSRC_NONE,
	TSSRC_LINE,
	TSSRC_CLOCK,
	TSSRC_ENVELOPE,
	TSSRC_JSON,
	TSSRC_ENVELOPE_NOYEAR	/* envelope time with an inferred year */
};
struct log_record {
	int64_t		 ts;
	int		 ts_src;	/* enum ts_source */
	int		 level;		/* enum level */
	int		 kind;		/* enum event_kind */
	const char	*proc;		/* process-runner name, or NULL */
	size_t		 proc_len;
	const char	*msg;
	size_t		 msg_len;
	const char	*json;		/* JSON tail, or NULL */
	size_t		 json_len;
	int		 json_ok;	/* 1 valid, 0 invalid, -1 none */
	const char	*json_error;	/* when json_ok == 0 */
	const char	*conn;		/* connection id, or NULL */
	size_t		 conn_len;
	int64_t		 close_code;	/* -1 when absent */
	const char	*text;		/* the line without ANSI escapes */
	size_t		 text_len;
};
struct parser *parser_create(char **);
int	 parser_parse(struct parser *, const char *, size_t,
	    struct log_record *);
const char *parser_level_name(int);
void	 parser_set_day(struct parser *, int64_t);
void	 parser_free(struct parser *);

/* jsonlog.c */
struct json_fields {
	const char	*conn;		/* borrowed from the jsonlog */
	size_t		 conn_len;
	int64_t		 ts;
	int64_t		 code;
	char		 error[200];
};
/* A member of a JSON object (jsonlog_members): spans into its text. */
struct json_member {
	const char	*raw;		/* "key": value, as written */
	size_t		 raw_len;
	const char	*key;		/* between the quotes */
	size_t		 key_len;
	int		 key_plain;	/* no escapes in it */
	const char	*value;		/* the value's text */
	size_t		 value_len;
	int		 is_string;
	const char	*str;		/* a string's contents */
	size_t		 str_len;
	int		 str_plain;
};
struct jsonlog;
struct jsonlog *jsonlog_create(void);
int	 jsonlog_scan(struct jsonlog *, const char *, size_t,
	    struct json_fields *);
void	 jsonlog_free(struct jsonlog *);
int	 jsonlog_members(const char *, size_t, struct json_member *, size_t,
	    size_t *);
const char *jsonlog_walk(const char *, const char *, int *, const char **,
	    int *);

/* sandbox.c */
#define SANDBOX_DEFAULT_TIMEOUT_MS	60000	/* --sql-timeout */
enum sandbox_why {
	SANDBOX_OK,		/* not the sandbox: SQLite's own error */
	SANDBOX_INTERRUPTED,	/* SIGINT or SIGTERM */
	SANDBOX_TIMED_OUT,	/* --sql-timeout */
	SANDBOX_DENIED,		/* refused by the authorizer */
	SANDBOX_WRITE		/* refused: it writes */
};
struct sqlite3;
struct sandbox;
struct sandbox *sandbox_create(struct sqlite3 *);
void	 sandbox_free(struct sandbox *);
void	 sandbox_set_timeout(struct sandbox *, int64_t);
int64_t	 sandbox_timeout(const struct sandbox *);
void	 sandbox_start(struct sandbox *, int);
void	 sandbox_stop(struct sandbox *);
int	 sandbox_why(const struct sandbox *, const char **);
char	*sandbox_message(const struct sandbox *);
int	 sandbox_failed_outside(const struct sandbox *);

/* store.c */
enum ingest_disposition {
	INGEST_READ,		/* a new input */
	INGEST_SKIPPED,		/* its content is in the database */
	INGEST_RESUMED		/* it grew: only the rest was read */
};
struct input_stats {
	int		disposition;	/* enum ingest_disposition */
	int		partial;	/* reading stopped by a signal */
	uint64_t	lines;
	uint64_t	events;
	uint64_t	continuations;
	uint64_t	unparsed;
	uint64_t	blank;
	uint64_t	json_errors;
	uint64_t	bytes;
	uint64_t	looks_relay;	/* unparsed lines that look like the
					   relay's ([WARN], [ERROR], an id) */
	char		first[64];	/* its first unparsed line, cut */
};
struct store_known {		/* an input already in the database */
	int64_t		 id;
	char		*path;
	uint64_t	 lines;
	uint64_t	 bytes;
};
struct store *store_open(const char *, char **);
int	 store_is_persistent(const struct store *);
int	 store_is_readonly(const struct store *);
int	 store_begin(struct store *, char **);
int	 store_add_input(struct store *, const char *, int64_t *, char **);
int	 store_begin_input(struct store *, const char *, int64_t *, char **);
int	 store_known_lengths(struct store *, uint64_t **, size_t *, char **);
int	 store_find_input(struct store *, uint64_t, const char *,
	    struct store_known *, char **);
struct event_totals {		/* a run's row (runs.c) */
	uint64_t	 count;		/* lines */
	uint64_t	 last_line;
	int64_t		 last_ts;
	const char	*list;		/* the line numbers: "12,15,19" */
	size_t		 list_len;
	uint64_t	 continuations;
};
int64_t	 store_next_event(struct store *);
int	 store_insert_event(struct store *, int64_t, int64_t, uint64_t,
	    const struct log_record *, const struct envelope *,
	    const struct event_totals *, char **);
int	 store_insert_sample(struct store *, int64_t, uint64_t, const char *,
	    const char *, size_t, char **);
int	 store_end_input(struct store *, int64_t, const struct input_stats *,
	    const char *, char **);
int	 store_add_continuations(struct store *, int64_t, uint64_t, char **);
void	 store_note_input(struct store *, const char *, const char *,
	    int64_t);
int	 store_abort_input(struct store *);
int	 store_order(struct store *, char **);
const char *store_column_text(struct sqlite3_stmt *, int);
int	 store_columns_failed(void);
int	 store_finish_load(struct store *, int64_t, int64_t, char **);
int	 store_window_notes(const struct store *, int64_t *, int64_t *,
	    int64_t *);
void	 store_note_unread(struct store *, uint64_t);
uint64_t store_unread(const struct store *);
int	 store_exec(struct store *, const char *, char **);
void	*store_db(struct store *);
struct sandbox *store_sandbox(struct store *);
struct sqlite3_stmt;
struct sqlite3_stmt *store_query(struct sqlite3 *, const char *, int *,
	    char **);
void	 store_query_bind_text(struct sqlite3 *, struct sqlite3_stmt *, int,
	    const char *, int *, char **);
int	 store_query_step(struct sqlite3 *, struct sqlite3_stmt *, int *,
	    char **);
extern const char store_evidence_sql[];
int	 store_next_id(const char **, int64_t *);
void	 store_bind_ts(struct sqlite3_stmt *, int, int64_t);
void	 store_bind_text(struct sqlite3_stmt *, int, const char *, size_t);
void	 store_close(struct store *);

/* connsum.c */
struct connsum;
struct connsum *connsum_create(void);
void	 connsum_event(struct connsum *, int64_t, const struct log_record *,
	    const char *, uint64_t, int64_t);
void	 connsum_drop(struct connsum *, const char *);
const char *connsum_dropped(const struct connsum *);
int	 connsum_store(struct connsum *, struct sqlite3 *, char **);
void	 connsum_free(struct connsum *);

/* record.c */
size_t	 record_size(const struct log_record *, const struct envelope *);
void	 record_copy(char *, const struct log_record *,
	    const struct envelope *, struct log_record *, struct envelope *);

/* hash.c */
uint32_t hash_bytes(const char *, size_t);

/* runs.c */
/*
 * Rate-limit runs never span a gap longer than this, so it is the shortest
 * gap that can end a burst (--burst-gap).
 */
#define RUNS_BURST_SPLIT_MS	100
struct runs;
struct runs *runs_create(void);
int	 runs_store(struct runs *, struct store *, int64_t, uint64_t,
	    const struct log_record *, const struct envelope *, int64_t *,
	    char **);
int	 runs_continuations(struct runs *, struct store *, int64_t, uint64_t,
	    char **);
int	 runs_flush(struct runs *, struct store *, char **);
void	 runs_free(struct runs *);

/* handoff.c */
enum handoff_type {
	HANDOFF_EVENT,
	HANDOFF_SAMPLE,
	HANDOFF_CONTINUATIONS
};
struct handoff_item {
	int			 type;		/* enum handoff_type */
	uint64_t		 line;
	struct log_record	 rec;		/* HANDOFF_EVENT */
	struct envelope		 env;		/* HANDOFF_EVENT: no text */
	const char		*reason;	/* HANDOFF_SAMPLE */
	const char		*text;
	size_t			 len;
	uint64_t		 n;		/* HANDOFF_CONTINUATIONS */
};
typedef int (*handoff_fn)(void *, const struct handoff_item *, size_t,
    char **);
struct handoff;
struct handoff *handoff_create(handoff_fn, void *, int);
int	 handoff_event(struct handoff *, uint64_t, const struct log_record *,
	    const struct envelope *);
int	 handoff_sample(struct handoff *, uint64_t, const char *,
	    const char *, size_t);
int	 handoff_continuations(struct handoff *, uint64_t, uint64_t);
int	 handoff_finish(struct handoff *, char **);

/* ingest.c */
extern volatile sig_atomic_t ingest_stop;	/* set by SIGINT, SIGTERM */
struct ingest_options {
	int		 envelope;	/* enum envelope_kind */
	unsigned	 max_samples;	/* per input and kind of problem */
	int		 progress;	/* report progress on stderr */
	int		 quiet;		/* no notices on stderr */
	int		 threads;	/* 2: parse and store on two threads */
};
struct ingest;
struct ingest *ingest_create(const struct ingest_options *, char **);
int	 ingest_file(struct ingest *, struct store *, const char *,
	    struct input_stats *, char **);
void	 ingest_free(struct ingest *);

/* rules.c */
enum severity {
	SEV_INFO,
	SEV_WARNING,
	SEV_ERROR
};
struct ruleset *rules_create(void);
int	 rules_load_builtin(struct ruleset *, char **);
int	 rules_load_dir(struct ruleset *, const char *, char **);
void	 rules_set_param(struct ruleset *, const char *, int64_t);
int	 rules_run(struct ruleset *, struct store *, char **);
size_t	 rules_count(const struct ruleset *);
int	 rules_has(const struct ruleset *, const char *);
int	 severity_from_name(const char *);
const char *severity_name(int);
void	 rules_free(struct ruleset *);

/* output.c */
struct output;
struct output *output_open(const char *, char **);
int	 output_is_same_file(const char *, const char *);
void	 output_unlink_temporary(void);
int	 output_write(struct output *, struct buf *, char **);
int	 output_flush(struct output *, struct buf *, char **);
struct json_t;
void	 output_json(struct buf *, struct json_t *, int);
int	 output_close(struct output *, char **);
void	 output_abort(struct output *);

/* report.c */
enum report_size {
	REPORT_BOUNDED,		/* the default: under REPORT_BUDGET bytes */
	REPORT_BRIEF,		/* an issue comment: under REPORT_BUDGET_BRIEF */
	REPORT_ALL		/* every section */
};
#define REPORT_BUDGET		(240 * 1024)
#define REPORT_BUDGET_BRIEF	56000
/* What the reports show, and how: from the command line. */
struct report_options {
	enum report_size size;
	int		 color;		/* text: colour escapes */
	int		 width;		/* text: the terminal's columns */
	const char	**conns;	/* --conn prefixes */
	size_t		 nconns;
	const char	**rules;	/* --rule ids */
	size_t		 nrules;
	int64_t		 focus_total;	/* connections before the focus */
};
int	 report_markdown(struct store *, const struct report_options *,
	    struct buf *, struct output *, char **);
void	 md_escape_cell(struct buf *, const char *, size_t);
const char *report_path_short(const char *, size_t);
void	 report_format_span(struct buf *, int64_t, int64_t);
size_t	 report_common_dir(struct sqlite3 *, int *, char **);
int	 report_select_sections(struct store *, const struct report_options *,
	    char **);
/*
 * The findings that no connection's section shows, f being findings: those
 * of no connection, and those whose id is none of the report's connections
 * (a --rules rule's own id).  They are shown with the relay's.
 */
#define REPORT_NO_SECTION \
	" (f.conn IS NULL OR NOT EXISTS (SELECT 1 FROM connections AS k" \
	" WHERE k.conn = f.conn))"
extern const char report_milestones_sql[];
extern const char report_evidence_sql[];
extern const char report_fields_sql[];
extern const char report_verdicts_sql[];
extern const char report_others_sql[];
extern const char report_healthy_sql[];
struct sqlite3_stmt;
int64_t	 report_col_ts(struct sqlite3_stmt *, int);
int64_t	 report_query_int(struct sqlite3 *, const char *, int *, char **);
extern const char report_timeline_sql[];
extern const char report_roots_sql[];
extern const char report_consequences_sql[];
void	 report_focus_note(struct buf *, const struct report_options *);

/* report_focus.c */
int	 report_focus(struct store *, struct ruleset *,
	    struct report_options *, char **);

/* report_chart.c */
void	 chart_mermaid_label(struct buf *, const char *, size_t);
int	 chart_sessions(struct sqlite3 *, struct buf *, char **);
int	 chart_rate(struct sqlite3 *, struct buf *, const char *, char **);

/* report_text.c */
int	 report_text(struct store *, const struct report_options *,
	    struct buf *, struct output *, char **);

/* report_compare.c */
extern const char report_compare_sql[];
extern const char report_compare_attrs_sql[];
int	 report_compare_prepare(struct store *, struct ruleset *, int64_t,
	    int64_t, char **);
int	 report_compare(struct store *, struct buf *, char **);

/* report_diagnosis.c */
struct diagnosis;
struct json_t;
struct diagnosis *diagnosis_build(struct store *, char **);
void	 diagnosis_free(struct diagnosis *);
double	 diagnosis_fisher(int64_t, int64_t, int64_t, int64_t);
int	 diagnosis_summary_markdown(const struct diagnosis *, struct store *,
	    struct buf *, char **);
int	 diagnosis_markdown(const struct diagnosis *, struct store *,
	    struct buf *, char **);
struct json_t *diagnosis_json_summary(const struct diagnosis *);
struct json_t *diagnosis_json(const struct diagnosis *);

/* report_json.c */
int	 report_json(struct store *, const struct report_options *,
	    struct buf *, struct output *, char **);

/* query.c */
int	 query_run(struct store *, const char *, int, struct buf *,
	    struct output *, char **);

#endif
