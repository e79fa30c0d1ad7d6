/* SPDX-License-Identifier: MIT */
/*
 * Line envelopes: what wraps the relay's own line in a capture (nothing,
 * a journalctl prefix or record, a container runtime's JSON or time, a
 * hosting platform's prefix, a log shipper's JSON).  Each envelope is one
 * row of formats_table; ENV_AUTO tries, per line, the rows its first byte
 * allows, in table order with plain last, so a stream that mixes
 * envelopes still reads.  Every row rejects a line on its first bytes
 * before doing any work, JSON records are read by a small scanner rather
 * than a JSON library, and nothing is allocated per line: decoded text
 * goes to buffers that are reused.  The text, host and unit an envelope
 * gives are borrowed from the line or from those buffers until the next
 * call.  A prefix no row knows is left to parser.c, which finds the
 * relay's line after any text.
 *
 * Four envelopes spread one entry over several lines: journalctl -o export
 * (fields, then a blank line), Docker and CRI files, which split a long
 * line into records or parts to be joined, and indented JSON (fly logs
 * --json, gcloud).  Their lines come back as FORMATS_PENDING until the
 * entry is complete; the line that completes it gives the text, and
 * env->back says how many lines earlier the entry's message began.
 * Times are UTC: a journalctl time without a zone (short, short-precise
 * without --utc) is read as UTC, and one without a year gets the year that
 * puts it nearest the last full time seen.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loganalyze.h"

#define FORMATS_DAY		86400000LL
#define FORMATS_HALF_YEAR	(183 * FORMATS_DAY)
#define FORMATS_MAX_FIELD	(1024 * 1024)	/* binary field, joined line */
#define FORMATS_ROWS		17	/* formats_table's rows, at most */
#define FORMATS_JKEY_LEN	20	/* longest formats_json_keys name */
#define FORMATS_WATCH_DATA	4096	/* logs:watch cuts data at 200 bytes */

/* The journal fields an envelope keeps. */
enum formats_field {
	FIELD_NONE,
	FIELD_MESSAGE,
	FIELD_REALTIME,
	FIELD_HOSTNAME,
	FIELD_UNIT,
	FIELD_IDENT,
	FIELD_COMM
};

static const struct {
	const char	*name;
	size_t		 len;
	int		 field;
} formats_fields[] = {
	{ "MESSAGE", 7, FIELD_MESSAGE },
	{ "__REALTIME_TIMESTAMP", 20, FIELD_REALTIME },
	{ "_HOSTNAME", 9, FIELD_HOSTNAME },
	{ "_SYSTEMD_UNIT", 13, FIELD_UNIT },
	{ "SYSLOG_IDENTIFIER", 17, FIELD_IDENT },
	{ "_COMM", 5, FIELD_COMM },
};

/* An entry that spans lines: a journal export entry or a split line. */
struct formats_entry {
	int		 open;		/* 0, or the ENV_ reading it */
	uint64_t	 lines;		/* lines taken in so far */
	uint64_t	 msg_line;	/* of those, the one with MESSAGE */
	int64_t		 ts;
	int		 broken;	/* skip to the blank line */
	int		 binary;	/* reading a binary value's lines */
	int		 bin_field;	/* of this field (or FIELD_NONE) */
	int		 bin_started;
	int		 array;		/* indented JSON: inside [ ] */
	int		 collecting;	/* indented JSON: inside { } */
	int		 depth;
	int		 in_data;	/* logs:watch: the data lines began */
};

/* What the member functions found in one JSON record. */
struct formats_json {
	int		 text_rank;	/* of the key the line came from */
	const char	*text_at;	/* where its value began */
	int		 time_rank;
	int64_t		 ts;
	int		 host_rank;
	int		 unit_rank;
	int		 error;
};

struct formats {
	int			 forced;	/* enum envelope_kind */
	int64_t			 now;
	int64_t			 hint;		/* last full time, or TS_NONE */
	int			 year;		/* of hint, cached */
	int64_t			 year_start;
	int64_t			 year_end;
	int			 day_key;	/* yyyymmdd of day_start */
	int64_t			 day_start;
	unsigned		 seen;		/* 1 << enum formats_field */
	struct buf		 text;
	struct buf		 host;
	struct buf		 unit;
	struct buf		 ident;
	struct buf		 comm;
	struct buf		 field;		/* a value being decoded */
	struct buf		 jtext;		/* a JSON record's line */
	struct buf		 pretty;	/* an indented JSON object */
	struct buf		 plain;		/* a line without escapes */
	struct buf		 wline;		/* logs:watch: the same */
	struct buf		 wevent;	/* logs:watch: its event */
	struct buf		 wid;		/* ... and its connection */
	struct formats_json	 json;
	struct formats_entry	 entry;
	const char		*iso_at;	/* formats_iso_token's last */
	const char		*iso_end;
	int64_t			 iso_ts;
	struct time_cache	 minute;
	unsigned char		 jkeys[FORMATS_JKEY_LEN + 1][8]; /* by length:
						    formats_json_keys, 0xff */
	unsigned char		 rows[256][FORMATS_ROWS + 1]; /* by first
						    byte: rows, then 0xff */
	unsigned char		 rows_plain[2];
};

typedef int (*unwrap_fn)(struct formats *, const char *, size_t,
    struct envelope *);

static int formats_unix_time(const char *, const char *, int64_t *);
static int formats_is_name(int);

static const char formats_months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
static const char formats_wdays[] = "MonTueWedThuFriSatSun";

/* Midnight UTC of a date, cached for the day lines keep repeating. */
static int64_t
formats_midnight(struct formats *f, int y, int m, int d)
{
	char	 date[11];
	int	 key = y * 10000 + m * 100 + d, i, v;
	int64_t	 t;

	if (key == f->day_key)
		return f->day_start;
	v = y;
	for (i = 3; i >= 0; i--, v /= 10)
		date[i] = (char)('0' + v % 10);
	date[4] = date[7] = '-';
	date[5] = (char)('0' + m / 10);
	date[6] = (char)('0' + m % 10);
	date[8] = (char)('0' + d / 10);
	date[9] = (char)('0' + d % 10);
	if (time_parse_iso(date, 10, &t) != 0)
		return TS_NONE;
	f->day_key = key;
	f->day_start = t;
	return t;
}

/* Remember a full time of the stream, to give yearless times a year. */
void
formats_note_time(struct formats *f, int64_t ts)
{
	char	iso[40];
	int	y;

	if (ts == TS_NONE)
		return;
	f->hint = ts;
	if (ts >= f->year_start && ts < f->year_end)
		return;
	time_format_iso(ts, iso, sizeof iso);
	if (iso[0] < '0' || iso[0] > '9' || iso[4] != '-')
		return;
	y = (iso[0] - '0') * 1000 + (iso[1] - '0') * 100 +
	    (iso[2] - '0') * 10 + (iso[3] - '0');
	if (y < 1971 || y > 9998)
		return;
	f->year = y;
	f->year_start = formats_midnight(f, y, 1, 1);
	f->year_end = formats_midnight(f, y + 1, 1, 1);
}

/*
 * A time without a year (journalctl short): the year that puts it within
 * half a year of the last full time seen, or of now when there is none.
 */
static int64_t
formats_add_year(struct formats *f, int m, int d, int64_t tod)
{
	int64_t	hint, t;
	int	y;

	hint = f->hint;
	if (hint == TS_NONE) {
		formats_note_time(f, f->now);	/* for its year */
		f->hint = TS_NONE;
		hint = f->now;
	}
	y = f->year;
	if ((t = formats_midnight(f, y, m, d)) == TS_NONE)
		return TS_NONE;
	t += tod;
	if (f->hint == TS_NONE) {
		/* Against the clock: logs are not from the future. */
		if (t - hint <= FORMATS_DAY)
			return t;
		t = formats_midnight(f, y - 1, m, d);
	} else if (t - hint > FORMATS_HALF_YEAR)
		t = formats_midnight(f, y - 1, m, d);
	else if (hint - t > FORMATS_HALF_YEAR)
		t = formats_midnight(f, y + 1, m, d);
	else
		return t;
	return t == TS_NONE ? TS_NONE : t + tod;
}

static int
formats_is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* A run of decimal digits into *v; -1 when empty, not digits or too big. */
static int
formats_number(const char *s, size_t len, int64_t *v)
{
	int64_t	n = 0;
	size_t	i;

	if (len == 0 || len > 18)
		return -1;
	for (i = 0; i < len; i++) {
		if (!formats_is_digit(s[i]))
			return -1;
		n = n * 10 + (s[i] - '0');
	}
	*v = n;
	return 0;
}

/* Forget the fields of the last entry. */
static void
formats_clear_fields(struct formats *f)
{
	f->seen = 0;
	f->entry.ts = TS_NONE;
	buf_reset(&f->text);
}

static int
formats_field(const char *key, size_t len)
{
	size_t	i;

	for (i = 0; i < sizeof formats_fields / sizeof formats_fields[0];
	    i++) {
		if (formats_fields[i].len == len &&
		    memcmp(formats_fields[i].name, key, len) == 0)
			return formats_fields[i].field;
	}
	return FIELD_NONE;
}

/* Keep one journal field's value (the first, when a field repeats). */
static void
formats_set_field(struct formats *f, int field, const char *v, size_t len)
{
	struct buf	*b = NULL;
	int64_t		 us;

	if (field == FIELD_NONE || (f->seen & (1u << field)))
		return;
	switch (field) {
	case FIELD_MESSAGE:
		b = &f->text;
		break;
	case FIELD_REALTIME:
		if (formats_number(v, len, &us) != 0 ||
		    !time_is_valid(us / 1000))
			return;
		f->entry.ts = us / 1000;
		break;
	case FIELD_HOSTNAME:
		b = &f->host;
		break;
	case FIELD_UNIT:
		b = &f->unit;
		break;
	case FIELD_IDENT:
		b = &f->ident;
		break;
	case FIELD_COMM:
		b = &f->comm;
		break;
	}
	if (b != NULL) {
		buf_reset(b);
		buf_add(b, v, len);
	}
	f->seen |= 1u << field;
}

static const char *
formats_seen(struct formats *f, int field, struct buf *b)
{
	if (!(f->seen & (1u << field)) || b->len == 0)
		return NULL;
	return buf_cstr(b);
}

/*
 * The envelope of a journal entry read field by field: the message, the
 * entry's time, the host, and the unit (_SYSTEMD_UNIT, else the syslog
 * identifier journalctl's short modes print, else the command name).
 */
static void
formats_journal_env(struct formats *f, struct envelope *env)
{
	env->text = f->seen & (1u << FIELD_MESSAGE) ? buf_cstr(&f->text) : "";
	env->len = f->seen & (1u << FIELD_MESSAGE) ? f->text.len : 0;
	env->ts = f->entry.ts;
	env->host = formats_seen(f, FIELD_HOSTNAME, &f->host);
	env->unit = formats_seen(f, FIELD_UNIT, &f->unit);
	if (env->unit == NULL)
		env->unit = formats_seen(f, FIELD_IDENT, &f->ident);
	if (env->unit == NULL)
		env->unit = formats_seen(f, FIELD_COMM, &f->comm);
	if (env->ts != TS_NONE)
		formats_note_time(f, env->ts);
}

static int
unwrap_plain(struct formats *f, const char *line, size_t len,
    struct envelope *env)
{
	(void)f;
	env->text = line;
	env->len = len;
	return FORMATS_TEXT;
}

/*
 * A record of the relay's JSONL session logs (sessionlog.c), read as the
 * terminal line the relay prints for it.  Its unit says where it came
 * from: connections.sql keeps one of what both logs record.
 */
static int
unwrap_session_log(struct formats *f, const char *line, size_t len,
    struct envelope *env)
{
	if (!sessionlog_unwrap(line, len, &f->text))
		return FORMATS_NOFIT;
	env->text = buf_cstr(&f->text);
	env->len = f->text.len;
	env->unit = "session-log";
	return FORMATS_TEXT;
}

/*
 * The relay's logs:watch script (scripts/watch-logs.js, `npm run
 * logs:watch`) tails the session logs and prints each record as a header,
 * "[HH:MM:SS.mmm] event (id)", the viewer's local time of day and the
 * first 8 characters of the connection id ("unknown" without one), then,
 * when the record has data, JSON.stringify(data, null, 2) cut at 200
 * characters with "..." after the cut, in ANSI colour; a line it could not
 * read as "[PARSE ERROR] line".  An entry is read as the session-log
 * record it prints: its time a time of day without a date (as a pasted
 * "[12:05:50.308]" line's), its connection the short id (connections.sql
 * gives it the full one when that can be told), its data what can be read
 * of it.  The entry's line number is its header's.
 */
static int
formats_watch_header(struct formats *f, const char *line, size_t len)
{
	const char	*end = line + len, *ev, *eend, *id, *iend;
	char		 clock[12];
	int64_t		 tod = TS_NONE;

	while (end > line && (end[-1] == '\r' || end[-1] == ' '))
		end--;
	if (end - line < 20 || line[0] != '[' || line[13] != ']' ||
	    line[14] != ' ' || end[-1] != ')')
		return 0;
	if (memcmp(line + 1, "Invalid Date", 12) != 0) {
		/* hour12: false gives "24" for midnight in some ICU versions */
		memcpy(clock, line + 1, sizeof clock);
		if (clock[0] == '2' && clock[1] == '4')
			clock[0] = clock[1] = '0';
		if (time_parse_clock(clock, sizeof clock, &tod) != 0)
			return 0;
	}
	for (ev = eend = line + 15; eend < end && (formats_is_name(*eend) ||
	    *eend == ':'); eend++)
		;
	if (eend == ev || end - eend < 4 || eend[0] != ' ' || eend[1] != '(')
		return 0;
	id = eend + 2;
	iend = end - 1;
	if (iend - id < 1 || iend - id > 8 ||
	    memchr(id, ' ', (size_t)(iend - id)) != NULL ||
	    memchr(id, '(', (size_t)(iend - id)) != NULL)
		return 0;
	memset(&f->entry, 0, sizeof f->entry);
	f->entry.open = ENV_WATCH;
	f->entry.ts = tod;
	f->entry.lines = 1;
	buf_reset(&f->wevent);
	buf_add(&f->wevent, ev, (size_t)(eend - ev));
	buf_reset(&f->wid);
	if (!(iend - id == 7 && memcmp(id, "unknown", 7) == 0))
		buf_add(&f->wid, id, (size_t)(iend - id));
	buf_reset(&f->pretty);
	return 1;
}

/* The open logs:watch entry as its record's terminal line, into *env. */
static void
formats_watch_env(struct formats *f, struct envelope *env, uint64_t back)
{
	struct formats_entry	*e = &f->entry;

	if (sessionlog_watch_entry(&f->text, buf_cstr(&f->wevent),
	    f->wid.len > 0 ? buf_cstr(&f->wid) : NULL,
	    e->in_data ? f->pretty.data : NULL, f->pretty.len, &env->cut) != 0)
		buf_reset(&f->text);
	env->text = buf_cstr(&f->text);
	env->len = f->text.len;
	env->ts = e->ts;
	env->unit = "logs-watch";
	env->kind = ENV_WATCH;
	env->back = back;
	e->open = 0;
}

/*
 * A line after an entry's header (NULL at the end of input): a data line,
 * PENDING; the one that closes the JSON or ends in the cut's "...", the
 * entry; any other line ends the entry before it (FORMATS_AGAIN).
 */
static int
formats_watch_line(struct formats *f, const char *line, size_t len,
    struct envelope *env)
{
	struct formats_entry	*e = &f->entry;
	const char		*end;
	int			 in_str;

	if (line == NULL) {
		formats_watch_env(f, env, e->lines - 1);
		return FORMATS_TEXT;
	}
	if (memchr(line, '\033', len) != NULL) {
		buf_reset(&f->wline);
		text_strip_ansi(&f->wline, line, len);
		line = buf_cstr(&f->wline);
		len = f->wline.len;
	}
	while (len > 0 && line[len - 1] == '\r')
		len--;
	end = line + len;
	/*
	 * The data, an object, opens with "{" right after the header;
	 * JSON.stringify
	 * indents all its other lines but the last, "}".  Another line is
	 * not the entry's: the entry had no data, or was cut off.
	 */
	if (len == 0 || f->pretty.len > FORMATS_WATCH_DATA ||
	    (!e->in_data && line[0] != '{') ||
	    (e->in_data && line[0] != ' ' && line[0] != '}' &&
	    line[0] != ']')) {
		formats_watch_env(f, env, e->lines);
		return FORMATS_AGAIN;
	}
	if (e->in_data)
		buf_addc(&f->pretty, '\n');
	e->in_data = 1;
	buf_add(&f->pretty, line, len);
	(void)jsonlog_walk(line, end, &e->depth, NULL, &in_str);
	if (e->depth <= 0 || (len >= 3 && memcmp(end - 3, "...", 3) == 0)) {
		formats_watch_env(f, env, e->lines);
		return FORMATS_TEXT;
	}
	e->lines++;
	return FORMATS_PENDING;
}

/* Whether a line that opens with '[' may be logs:watch's: a cheap look. */
static int
formats_watch_like(const char *line, size_t len)
{
	if (len > 15 && line[13] == ']' && line[14] == ' ' && line[15] != '[')
		return (line[3] == ':' && line[6] == ':') ||
		    memcmp(line, "[Invalid Date]", 14) == 0;
	return len > 14 && line[1] == 'P' &&
	    memcmp(line, "[PARSE ERROR] ", 14) == 0;
}

static int
unwrap_watch(struct formats *f, const char *line, size_t len,
    struct envelope *env)
{
	if (len > 14 && memcmp(line, "[PARSE ERROR] ", 14) == 0) {
		/* the script's own failure: a record it read half-written */
		if (!sessionlog_unwrap(line + 14, len - 14, &f->text))
			return FORMATS_NOFIT;
		env->text = buf_cstr(&f->text);
		env->len = f->text.len;
		env->unit = "session-log";
		return FORMATS_TEXT;
	}
	if (!formats_watch_header(f, line, len))
		return FORMATS_NOFIT;
	return FORMATS_PENDING;
}

/*
 * journalctl -o export: KEY=value lines, or for a value that is not
 * printable text KEY, a newline, its length as 64-bit little-endian, the
 * bytes and a newline; a blank line ends the entry.  The length and the
 * bytes may hold newlines, so a binary value can take several lines.
 */
static int
formats_export_key(const char *s, size_t len)
{
	size_t	i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		if (!((s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_' ||
		    formats_is_digit(s[i])))
			return 0;
	}
	return 1;
}

/* Take in a line of a binary field's length and bytes. */
static void
formats_export_binary(struct formats *f, const char *line, size_t len)
{
	struct formats_entry	*e = &f->entry;
	const unsigned char	*p;
	uint64_t		 need = 0;
	int			 i;

	if (e->bin_started)
		buf_addc(&f->field, '\n');
	e->bin_started = 1;
	buf_add(&f->field, line, len);
	if (f->field.len > FORMATS_MAX_FIELD + 8) {
		e->broken = 1;
		e->binary = 0;
		return;
	}
	if (f->field.len < 8)
		return;
	p = (const unsigned char *)f->field.data;
	for (i = 7; i >= 0; i--)
		need = need << 8 | p[i];
	if (need > FORMATS_MAX_FIELD || f->field.len - 8 > need) {
		e->broken = 1;
		e->binary = 0;
		return;
	}
	if (f->field.len - 8 == need) {
		formats_set_field(f, e->bin_field, f->field.data + 8, need);
		e->binary = 0;
	}
}

/*
 * One line of an open export entry (NULL at the end of input): pending,
 * the whole entry, or FORMATS_NOFIT for a line that is no field, which
 * closes the entry unread.
 */
static int
formats_export_line(struct formats *f, const char *line, size_t len,
    struct envelope *env)
{
	struct formats_entry	*e = &f->entry;
	const char		*eq;
	uint64_t		 at;
	int			 field;

	if (e->binary && line != NULL) {
		formats_export_binary(f, line, len);
		e->lines++;
		return FORMATS_PENDING;
	}
	if (line == NULL || len == 0) {
		/* The line that ends the entry carries its message. */
		at = line == NULL ? e->lines - 1 : e->lines;
		formats_journal_env(f, env);
		env->back = f->seen & (1u << FIELD_MESSAGE) ?
		    at - e->msg_line : 0;
		e->open = 0;
		return FORMATS_TEXT;
	}
	if (e->broken) {
		e->lines++;
		return FORMATS_PENDING;
	}
	eq = memchr(line, '=', len);
	if (!formats_export_key(line, eq != NULL ? (size_t)(eq - line) : len)) {
		e->open = 0;
		return FORMATS_NOFIT;
	}
	if (eq == NULL) {
		field = formats_field(line, len);
		e->binary = 1;
		e->bin_field = field;
		e->bin_started = 0;
		buf_reset(&f->field);
	} else {
		field = formats_field(line, (size_t)(eq - line));
		formats_set_field(f, field, eq + 1,
		    len - (size_t)(eq - line) - 1);
	}
	if (field == FIELD_MESSAGE && e->msg_line == UINT64_MAX)
		e->msg_line = e->lines;
	e->lines++;
	return FORMATS_PENDING;
}

static int
unwrap_journal_export(struct formats *f, const char *line, size_t len,
    struct envelope *env)
{
	/*
	 * Detected by the field journalctl writes first (or, lacking a
	 * cursor, the time); forced, any field line opens an entry.
	 */
	if (len < 2 || line[0] != '_' || line[1] != '_') {
		if (f->forced != ENV_JOURNAL_EXPORT)
			return FORMATS_NOFIT;
	} else if (f->forced != ENV_JOURNAL_EXPORT &&
	    !(len > 9 && memcmp(line, "__CURSOR=", 9) == 0) &&
	    !(len > 21 && memcmp(line, "__REALTIME_TIMESTAMP=", 21) == 0))
		return FORMATS_NOFIT;
	if (len == 0)
		return FORMATS_NOFIT;
	memset(&f->entry, 0, sizeof f->entry);
	f->entry.open = ENV_JOURNAL_EXPORT;
	f->entry.msg_line = UINT64_MAX;
	formats_clear_fields(f);
	return formats_export_line(f, line, len, env);
}

/*
 * A small reader for the flat JSON objects of journalctl -o json and of
 * Docker's json-file driver.  It checks the object's structure and leaves
 * values it does not need undecoded.
 */
static const char *
formats_json_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' ||
	    *p == '\n'))
		p++;
	return p;
}

/* Past the closing quote of the string that opens at p, or NULL. */
static const char *
formats_json_string_end(const char *p, const char *end)
{
	const char	*q = p + 1, *b;
	size_t		 n;

	for (;;) {
		q = memchr(q, '"', (size_t)(end - q));
		if (q == NULL)
			return NULL;
		for (n = 0, b = q - 1; b > p && *b == '\\'; b--)
			n++;
		if (n % 2 == 0)
			return q + 1;
		q++;
	}
}

/* Past the value at p, or NULL when it is not one. */
static const char *
formats_json_skip(const char *p, const char *end)
{
	const char	*start = p;
	int		 depth = 0;

	if (p >= end)
		return NULL;
	if (*p == '"')
		return formats_json_string_end(p, end);
	if (*p == '{' || *p == '[') {
		while (p < end) {
			if (*p == '"') {
				p = formats_json_string_end(p, end);
				if (p == NULL)
					return NULL;
				continue;
			}
			if (*p == '{' || *p == '[')
				depth++;
			else if ((*p == '}' || *p == ']') && --depth == 0)
				return p + 1;
			p++;
		}
		return NULL;
	}
	while (p < end && ((*p >= 'a' && *p <= 'z') || formats_is_digit(*p) ||
	    *p == '-' || *p == '+' || *p == '.' || *p == 'E'))
		p++;
	return p > start ? p : NULL;
}

static int
formats_json_hex4(const char *s, uint32_t *v)
{
	int	i, c;

	*v = 0;
	for (i = 0; i < 4; i++) {
		c = s[i];
		if (formats_is_digit(c))
			c -= '0';
		else if (c >= 'a' && c <= 'f')
			c -= 'a' - 10;
		else if (c >= 'A' && c <= 'F')
			c -= 'A' - 10;
		else
			return -1;
		*v = *v << 4 | (uint32_t)c;
	}
	return 0;
}

static void
formats_utf8(struct buf *b, uint32_t cp)
{
	char	u[4];

	if (cp < 0x80)
		buf_addc(b, (int)cp);
	else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, u, 4);
	}
}

/* Append the string between the quotes s and end, unescaped. */
static int
formats_json_unescape(struct buf *b, const char *s, const char *end)
{
	const char	*bs;
	uint32_t	 cp, lo;

	while (s < end) {
		bs = memchr(s, '\\', (size_t)(end - s));
		if (bs == NULL) {
			buf_add(b, s, (size_t)(end - s));
			break;
		}
		buf_add(b, s, (size_t)(bs - s));
		s = bs + 1;
		if (s >= end)
			return -1;
		switch (*s++) {
		case '"':
			buf_addc(b, '"');
			break;
		case '\\':
			buf_addc(b, '\\');
			break;
		case '/':
			buf_addc(b, '/');
			break;
		case 'b':
			buf_addc(b, '\b');
			break;
		case 'f':
			buf_addc(b, '\f');
			break;
		case 'n':
			buf_addc(b, '\n');
			break;
		case 'r':
			buf_addc(b, '\r');
			break;
		case 't':
			buf_addc(b, '\t');
			break;
		case 'u':
			if (end - s < 4 || formats_json_hex4(s, &cp) != 0)
				return -1;
			s += 4;
			if (cp >= 0xd800 && cp <= 0xdbff && end - s >= 6 &&
			    s[0] == '\\' && s[1] == 'u' &&
			    formats_json_hex4(s + 2, &lo) == 0 &&
			    lo >= 0xdc00 && lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				s += 6;
			} else if (cp >= 0xd800 && cp <= 0xdfff)
				cp = 0xfffd;
			formats_utf8(b, cp);
			break;
		default:
			return -1;
		}
	}
	return 0;
}

/*
 * Decode the value from p to end into b: a string; an array of byte values
 * (journalctl's form for a value that is not UTF-8); or, for a field the
 * entry holds more than once, an array of those, of which the first is
 * kept.  Returns 0, 1 for null, or -1.
 */
static int
formats_json_value(struct buf *b, const char *p, const char *end)
{
	const char	*q;
	int64_t		 v;

	buf_reset(b);
	if (*p == '"')
		return formats_json_unescape(b, p + 1, end - 1);
	if (end - p == 4 && memcmp(p, "null", 4) == 0)
		return 1;
	if (*p != '[')
		return -1;
	p = formats_json_ws(p + 1, end);
	if (p < end && (*p == '"' || *p == '[')) {
		q = formats_json_skip(p, end);
		return q == NULL ? -1 : formats_json_value(b, p, q);
	}
	while (p < end && *p != ']') {
		for (q = p; q < end && formats_is_digit(*q); q++)
			;
		if (formats_number(p, (size_t)(q - p), &v) != 0 || v > 255)
			return -1;
		buf_addc(b, (int)v);
		p = formats_json_ws(q, end);
		if (p < end && *p == ',')
			p = formats_json_ws(p + 1, end);
	}
	return 0;
}

typedef int (*formats_member_fn)(struct formats *, const char *, size_t,
    const char *, const char *);

/*
 * Walk the object in line, calling fn with each key (undecoded) and the
 * span of its value.  -1 when the line is not one JSON object or fn fails.
 */
static int
formats_json_walk(struct formats *f, const char *line, size_t len,
    formats_member_fn fn)
{
	const char	*p = line, *end = line + len, *key, *kend, *v;

	if (p < end && *p == '\036')	/* json-seq record separator */
		p++;
	p = formats_json_ws(p, end);
	if (p >= end || *p != '{')
		return -1;
	p = formats_json_ws(p + 1, end);
	if (p < end && *p == '}')
		return formats_json_ws(p + 1, end) == end ? 0 : -1;
	for (;;) {
		if (p >= end || *p != '"' ||
		    (kend = formats_json_string_end(p, end)) == NULL)
			return -1;
		key = p + 1;
		p = formats_json_ws(kend, end);
		if (p >= end || *p != ':')
			return -1;
		v = formats_json_ws(p + 1, end);
		if ((p = formats_json_skip(v, end)) == NULL)
			return -1;
		if (fn(f, key, (size_t)(kend - 1 - key), v, p) != 0)
			return -1;
		p = formats_json_ws(p, end);
		if (p < end && *p == ',') {
			p = formats_json_ws(p + 1, end);
			continue;
		}
		if (p < end && *p == '}')
			break;
		return -1;
	}
	return formats_json_ws(p + 1, end) == end ? 0 : -1;
}

static int
formats_journal_member(struct formats *f, const char *key, size_t klen,
    const char *v, const char *vend)
{
	static const char	 omitted[] = "[MESSAGE of more than 4096 "
	    "bytes left out by journalctl; run it with --all]";
	int			 field, rc;

	if ((field = formats_field(key, klen)) == FIELD_NONE)
		return 0;
	rc = formats_json_value(&f->field, v, vend);
	if (rc < 0)
		return -1;
	if (rc == 1 && field == FIELD_MESSAGE)
		formats_set_field(f, field, omitted, sizeof omitted - 1);
	else if (rc == 0)
		formats_set_field(f, field, f->field.data, f->field.len);
	return 0;
}

/* journalctl -o json (and json-seq): one object per entry, any key order. */
static int
unwrap_journal_json(struct formats *f, const char *line, size_t len,
    struct envelope *env)
{
	size_t	i = len > 0 && line[0] == '\036';

	/* Journal field names are upper case; Docker's are not. */
	if (len < i + 4 || line[i] != '{' || line[i + 1] != '"' ||
	    !((line[i + 2] >= 'A' && line[i + 2] <= 'Z') ||
	    line[i + 2] == '_'))
		return FORMATS_NOFIT;
	formats_clear_fields(f);
	if (formats_json_walk(f, line, len, formats_journal_member) != 0 ||
	    !(f->seen & (1u << FIELD_MESSAGE | 1u << FIELD_REALTIME)))
		return FORMATS_NOFIT;
	formats_journal_env(f, env);
	return FORMATS_TEXT;
}

/*
 * The members of a JSON envelope that loganalyze reads, by rank: a record
 * with several takes the first listed.  The line: Docker's and Fluent
 * Bit's "log", Vector's (the Fly.io log shipper's) and pm2's "message",
 * "msg", journald's "MESSAGE", Google Cloud's "textPayload" (or
 * "jsonPayload": {"message"}), Loki's "line".  The time: any of the usual
 * names, as RFC 3339 text or a number of seconds, milliseconds,
 * microseconds or nanoseconds since the epoch.
 */
enum formats_jclass {
	JKEY_TEXT,
	JKEY_TIME,
	JKEY_HOST,
	JKEY_UNIT,
	JKEY_NESTED
};

static const struct {
	const char	*name;
	size_t		 len;
	int		 class;		/* enum formats_jclass */
	int		 rank;		/* within its class, 1 first */
} formats_json_keys[] = {
	{ "log", 3, JKEY_TEXT, 1 },
	{ "message", 7, JKEY_TEXT, 2 },
	{ "msg", 3, JKEY_TEXT, 3 },
	{ "MESSAGE", 7, JKEY_TEXT, 4 },
	{ "textPayload", 11, JKEY_TEXT, 5 },
	{ "line", 4, JKEY_TEXT, 6 },
	{ "text", 4, JKEY_TEXT, 7 },
	{ "time", 4, JKEY_TIME, 1 },
	{ "timestamp", 9, JKEY_TIME, 2 },
	{ "@timestamp", 10, JKEY_TIME, 3 },
	{ "date", 4, JKEY_TIME, 4 },
	{ "ts", 2, JKEY_TIME, 5 },
	{ "__REALTIME_TIMESTAMP", 20, JKEY_TIME, 6 },
	{ "receiveTimestamp", 16, JKEY_TIME, 7 },
	{ "host", 4, JKEY_HOST, 2 },
	{ "hostname", 8, JKEY_HOST, 3 },
	{ "_HOSTNAME", 9, JKEY_HOST, 4 },
	{ "instance", 8, JKEY_HOST, 5 },
	{ "app_name", 8, JKEY_UNIT, 2 },
	{ "_SYSTEMD_UNIT", 13, JKEY_UNIT, 3 },
	{ "SYSLOG_IDENTIFIER", 17, JKEY_UNIT, 4 },
	{ "container_name", 14, JKEY_UNIT, 5 },
	{ "stream", 6, JKEY_UNIT, 6 },
	{ "jsonPayload", 11, JKEY_NESTED, 1 },
	{ "fly", 3, JKEY_NESTED, 2 },
};

#define FORMATS_JKEYS (sizeof formats_json_keys / sizeof formats_json_keys[0])

/* The entries of formats_json_keys by the length of their names. */
static void
formats_set_jkeys(struct formats *f)
{
	size_t	i, n[FORMATS_JKEY_LEN + 1] = { 0 };

	memset(f->jkeys, 0xff, sizeof f->jkeys);
	for (i = 0; i < FORMATS_JKEYS; i++) {
		if (formats_json_keys[i].len > FORMATS_JKEY_LEN ||
		    n[formats_json_keys[i].len] + 1 >= sizeof f->jkeys[0])
			fatalx("formats_json_keys: %s does not fit",
			    formats_json_keys[i].name);
		f->jkeys[formats_json_keys[i].len]
		    [n[formats_json_keys[i].len]++] = (unsigned char)i;
	}
}

/* The entry of formats_json_keys for key, or -1. */
static int
formats_json_key(struct formats *f, const char *key, size_t klen)
{
	const unsigned char	*k;
	const char		*name;
	size_t			 i;

	if (klen > FORMATS_JKEY_LEN)
		return -1;
	for (k = f->jkeys[klen]; *k != 0xff; k++) {
		/* by hand: a call to memcmp costs more than these names */
		name = formats_json_keys[*k].name;
		for (i = 0; i < klen && name[i] == key[i]; i++)
			;
		if (i == klen)
			return *k;
	}
	return -1;
}

/* A time value: RFC 3339 text, or a number in any unit since the epoch. */
static int
formats_json_time(const char *v, const char *vend, int64_t *ts)
{
	const char	*p, *dot;
	int64_t		 n;
	size_t		 len;

	if (*v == '"') {
		v++;
		vend--;
		if (vend - v >= 10 && v[4] == '-')
			return time_parse_iso(v, (size_t)(vend - v), ts);
	}
	len = (size_t)(vend - v);
	dot = memchr(v, '.', len);
	p = dot != NULL ? dot : vend;
	if (p - v == 19 && dot == NULL) {
		/* nanoseconds: more digits than formats_number takes */
		if (formats_number(v, 13, ts) != 0 || !formats_is_digit(v[13]))
			return -1;
		return formats_number(v + 13, 6, &n) != 0 ||
		    !time_is_valid(*ts) ? -1 : 0;
	}
	if (formats_number(v, (size_t)(p - v), &n) != 0)
		return -1;
	if (dot != NULL && n < 100000000000LL)
		return formats_unix_time(v, vend, ts);
	if (n < 100000000000LL)			/* seconds */
		*ts = n * 1000;
	else if (n < 100000000000000LL)		/* milliseconds */
		*ts = n;
	else if (n < 100000000000000000LL)	/* microseconds */
		*ts = n / 1000;
	else					/* nanoseconds */
		*ts = n / 1000000;
	return time_is_valid(*ts) ? 0 : -1;
}

/* Keep a string value in b when its key outranks the one kept. */
static void
formats_json_keep(struct buf *b, int *have, int rank, const char *v,
    const char *vend)
{
	const char	*p;

	if (rank == 0 || (*have != 0 && *have <= rank) || *v != '"')
		return;
	buf_reset(b);
	/* host names and streams are short and rarely escaped */
	for (p = v + 1; p < vend - 1 && *p != '\\'; p++)
		;
	if (p == vend - 1) {
		buf_add(b, v + 1, (size_t)(vend - v - 2));
		*have = rank;
	} else if (formats_json_unescape(b, v + 1, vend - 1) == 0)
		*have = rank;
	else
		buf_reset(b);
}

static int formats_json_member(struct formats *, const char *, size_t,
    const char *, const char *);

/* Inside "jsonPayload", "fly" and "fly"."app": the same, under other names. */
static int
formats_json_nested(struct formats *f, const char *key, size_t klen,
    const char *v, const char *vend)
{
	struct formats_json	*j = &f->json;

	if (klen == 3 && memcmp(key, "app", 3) == 0 && *v == '{')
		return formats_json_walk(f, v, (size_t)(vend - v),
		    formats_json_nested) != 0 ? -1 : 0;
	if (klen == 8 && memcmp(key, "instance", 8) == 0)
		formats_json_keep(&f->host, &j->host_rank, 1, v, vend);
	else if (klen == 4 && memcmp(key, "name", 4) == 0)
		formats_json_keep(&f->unit, &j->unit_rank, 1, v, vend);
	else if (((klen == 7 && memcmp(key, "message", 7) == 0) ||
	    (klen == 3 && memcmp(key, "msg", 3) == 0)) && *v == '"' &&
	    (j->text_rank == 0 || j->text_rank > 5)) {
		/* jsonPayload's message ranks as textPayload */
		buf_reset(&f->jtext);
		if (formats_json_unescape(&f->jtext, v + 1, vend - 1) != 0)
			return -1;
		j->text_rank = 5;
		j->text_at = v;
	}
	return 0;
}

static int
formats_json_member(struct formats *f, const char *key, size_t klen,
    const char *v, const char *vend)
{
	struct formats_json	*j = &f->json;
	int			 k, rank;
	int64_t			 t;

	if (klen == 0 || (k = formats_json_key(f, key, klen)) < 0)
		return 0;
	rank = formats_json_keys[k].rank;
	switch (formats_json_keys[k].class) {
	case JKEY_TEXT:
		if (*v != '"' || (j->text_rank != 0 && j->text_rank <= rank))
			return 0;
		buf_reset(&f->jtext);
		if (formats_json_unescape(&f->jtext, v + 1, vend - 1) != 0)
			return -1;
		j->text_rank = rank;
		j->text_at = v;
		break;
	case JKEY_TIME:
		if ((j->time_rank == 0 || j->time_rank > rank) &&
		    formats_json_time(v, vend, &t) == 0) {
			j->ts = t;
			j->time_rank = rank;
		}
		break;
	case JKEY_HOST:
		formats_json_keep(&f->host, &j->host_rank, rank, v, vend);
		break;
	case JKEY_UNIT:
		formats_json_keep(&f->unit, &j->unit_rank, rank, v, vend);
		break;
	case JKEY_NESTED:
		if (*v == '{')
			return formats_json_walk(f, v, (size_t)(vend - v),
			    formats_json_nested) != 0 ? -1 : 0;
		break;
	}
	return 0;
}

/*
 * Read one JSON record from s: 0 with f->jtext holding its line, f->json
 * what else it said, f->host and f->unit set or empty; -1 when it is not
 * a JSON object or holds no line.
 */
static int
formats_json_record(struct formats *f, const char *s, size_t len)
{
	memset(&f->json, 0, sizeof f->json);
	f->json.ts = TS_NONE;
	buf_reset(&f->jtext);
	buf_reset(&f->host);
	buf_reset(&f->unit);
	if (formats_json_walk(f, s, len, formats_json_member) != 0 ||
	    f->json.text_rank == 0)
		return -1;
	return 0;
}

static void
formats_json_env(struct formats *f, struct envelope *env, struct buf *text,
    int64_t ts)
{
	if (text->len > 0 && text->data[text->len - 1] == '\n')
		text->len--;
	env->text = buf_cstr(text);
	env->len = text->len;
	env->ts = ts;
	env->host = f->host.len > 0 ? buf_cstr(&f->host) : NULL;
	env->unit = f->unit.len > 0 ? buf_cstr(&f->unit) : NULL;
	if (ts != TS_NONE)
		formats_note_time(f, ts);
}

/*
 * One JSON object per line, the line in one of formats_json_keys, any
 * whitespace and key order.  Docker's json-file driver splits a line
 * longer than 16 KiB into records whose "log" lacks the final newline:
 * those are joined with the records after them, up to FORMATS_MAX_FIELD
 * bytes, and the entry's time is its first record's.
 */
static int
unwrap_json(struct formats *f, const char *line, size_t len,
    struct envelope *env)
{
	struct formats_entry	*e = &f->entry;
	int			 docker, more;

	if (formats_json_record(f, line, len) != 0) {
		if (e->open == ENV_DOCKER)
			e->open = 0;
		return FORMATS_NOFIT;
	}
	/* Docker writes "log" and "time"; Fluent Bit "log" and "date" */
	docker = f->json.text_rank == 1 && f->json.time_rank == 1;
	env->kind = docker ? ENV_DOCKER : ENV_JSON;
	more = docker && (f->jtext.len == 0 ||
	    f->jtext.data[f->jtext.len - 1] != '\n');
	if (e->open == ENV_DOCKER && docker) {
		buf_add(&f->text, f->jtext.data, f->jtext.len);
		if (more && f->text.len <= FORMATS_MAX_FIELD) {
			e->lines++;
			return FORMATS_PENDING;
		}
		env->back = e->lines;
		e->open = 0;
		formats_json_env(f, env, &f->text, e->ts);
		return FORMATS_TEXT;
	}
	if (more && f->jtext.len <= FORMATS_MAX_FIELD) {
		memset(e, 0, sizeof *e);
		e->open = ENV_DOCKER;
		e->lines = 1;
		e->ts = f->json.ts;
		buf_reset(&f->text);
		buf_add(&f->text, f->jtext.data, f->jtext.len);
		return FORMATS_PENDING;
	}
	formats_json_env(f, env, &f->jtext, f->json.ts);
	return FORMATS_TEXT;
}

/* The first byte of a line that is not a blank, or end. */
static const char *
formats_skip_blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	return p;
}

/* Whether a line is one byte c between blanks. */
static int
formats_only(const char *line, size_t len, int c)
{
	const char	*end = line + len, *p;

	if (len == 1)
		return *line == c;
	p = formats_skip_blanks(line, end);
	return p < end && *p == c && formats_skip_blanks(p + 1, end) == end;
}

/*
 * One line of an indented JSON entry (NULL at the end of input): fly logs
 * --json writes objects one after another, `{` and `}` alone at the start
 * of their lines; gcloud logging read --format=json an array of them, `[`
 * and `]` alone.  Lines are taken in until the object closes; inside it
 * every line is indented, so a line that is not (a relay line between two
 * objects) ends the entry unread and is read as itself.  The object's
 * line number is that of the member holding its line.
 */
static int
formats_pretty_line(struct formats *f, const char *line, size_t len,
    struct envelope *env)
{
	struct formats_entry	*e = &f->entry;
	const char		*p, *end, *q, *start, *close;
	int			 in_str;
	uint64_t		 back = 0;

	if (line == NULL) {
		e->open = 0;
		return FORMATS_NOFIT;
	}
	end = line + len;
	q = formats_skip_blanks(line, end);
	if (!e->collecting) {
		/* in the array, between objects */
		if (q == end || *q == ',') {
			e->lines++;
			return FORMATS_PENDING;
		}
		if (*q == ']' && q == line) {
			e->open = 0;
			return FORMATS_PENDING;
		}
		if (*q != '{') {
			e->open = 0;
			return FORMATS_NOFIT;
		}
		e->collecting = 1;
		e->depth = 0;
		buf_reset(&f->pretty);
		start = q;
	} else {
		if (q == line && !(q < end && (*q == '}' || *q == ']'))) {
			e->open = 0;
			return FORMATS_NOFIT;
		}
		buf_addc(&f->pretty, '\n');
		start = line;
	}
	close = jsonlog_walk(start, end, &e->depth, NULL, &in_str);
	buf_add(&f->pretty, start, (size_t)((close != NULL ? close : end) -
	    start));
	if (in_str || e->depth < 0 || f->pretty.len > FORMATS_MAX_FIELD) {
		e->open = 0;
		return FORMATS_NOFIT;
	}
	if (close == NULL) {
		e->lines++;
		return FORMATS_PENDING;
	}
	e->collecting = 0;
	if (!e->array)
		e->open = 0;
	if (formats_json_record(f, f->pretty.data, f->pretty.len) != 0) {
		/* an object without a line: read its last line as it is */
		env->text = line;
		env->len = len;
		return FORMATS_TEXT;
	}
	for (p = f->json.text_at; p < f->pretty.data + f->pretty.len; p++)
		back += *p == '\n';
	env->back = back;
	formats_json_env(f, env, &f->jtext, f->json.ts);
	return FORMATS_TEXT;
}

static int
unwrap_json_pretty(struct formats *f, const char *line, size_t len,
    struct envelope *env)
{
	struct formats_entry	*e = &f->entry;

	/* cheap: a relay line opens with '[' and a digit or a letter */
	if (len == 0 || (line[0] != '{' && line[0] != '[') ||
	    (len > 1 && line[1] != ' ' && line[1] != '\t' && line[1] != '\r'))
		return FORMATS_NOFIT;
	if (formats_only(line, len, '[')) {
		memset(e, 0, sizeof *e);
		e->open = ENV_JSON_PRETTY;
		e->array = 1;
		e->ts = TS_NONE;
		return FORMATS_PENDING;
	}
	if (!formats_only(line, len, '{'))
		return FORMATS_NOFIT;
	memset(e, 0, sizeof *e);
	e->open = ENV_JSON_PRETTY;
	e->ts = TS_NONE;
	return formats_pretty_line(f, line, len, env);
}

/* The token at p up to a space: its end, or NULL past max bytes. */
static const char *
formats_token(const char *p, const char *end, size_t max)
{
	const char	*sp;

	if ((size_t)(end - p) < max)
		max = (size_t)(end - p);
	sp = memchr(p, ' ', max);
	return sp != NULL && sp > p ? sp : NULL;
}

/* Seconds and a fraction, as short-unix prints them. */
static int
formats_unix_time(const char *s, const char *end, int64_t *ts)
{
	const char	*dot;
	int64_t		 sec, frac = 0, scale = 100;

	dot = memchr(s, '.', (size_t)(end - s));
	if (dot == NULL || formats_number(s, (size_t)(dot - s), &sec) != 0 ||
	    sec > INT64_MAX / 1000 - 1000)
		return -1;
	for (s = dot + 1; s < end; s++) {
		if (!formats_is_digit(*s))
			return -1;
		frac += (*s - '0') * scale;
		scale /= 10;
	}
	*ts = sec * 1000 + frac;
	return time_is_valid(*ts) ? 0 : -1;
}

/*
 * The time of a journalctl short line, up to the space after it:
 *   short, short-precise    Dec 10 11:08:10[.720000]   (no year)
 *   short-iso(-precise)     2025-12-10T11:08:10[.720000]+0000
 *   short-full, with-unit   Wed 2025-12-10 11:08:10 UTC
 *   short-unix              1765364890.720000
 * Zone names other than UTC and GMT are read as UTC.
 */
static const char *
formats_short_time(struct formats *f, const char *p, const char *end,
    int64_t *ts, int *noyear)
{
	const char	*m, *t;
	int64_t		 tod, day;

	*noyear = 0;
	if (p[0] >= 'A' && p[0] <= 'Z') {
		if (end - p < 16 || p[3] != ' ')
			return NULL;
		for (m = formats_months; *m != '\0'; m += 3) {
			if (memcmp(m, p, 3) == 0)
				break;
		}
		if (*m != '\0') {
			if ((!formats_is_digit(p[4]) && p[4] != ' ') ||
			    !formats_is_digit(p[5]) || p[6] != ' ' ||
			    (t = formats_token(p + 7, end, 20)) == NULL ||
			    time_parse_clock(p + 7, (size_t)(t - p - 7),
			    &tod) != 0)
				return NULL;
			day = (p[4] == ' ' ? 0 : p[4] - '0') * 10 + p[5] - '0';
			*ts = formats_add_year(f, (int)(m - formats_months) /
			    3 + 1, (int)day, tod);
			*noyear = 1;
			return *ts == TS_NONE ? NULL : t;
		}
		for (m = formats_wdays; *m != '\0'; m += 3) {
			if (memcmp(m, p, 3) == 0)
				break;
		}
		if (*m == '\0' || end - p < 25 || p[14] != ' ' ||
		    (t = formats_token(p + 15, end, 20)) == NULL ||
		    time_parse_iso(p + 4, (size_t)(t - p - 4), ts) != 0)
			return NULL;
		/* The zone name. */
		return formats_token(t + 1, end, 10);
	}
	if ((t = formats_token(p, end, 40)) == NULL)
		return NULL;
	if (t - p >= 10 && p[4] == '-') {
		if (time_parse_iso(p, (size_t)(t - p), ts) != 0)
			return NULL;
	} else if (formats_unix_time(p, t, ts) != 0)
		return NULL;
	return t;
}

/*
 * journalctl's short modes: a time, the host, the syslog identifier with
 * the pid in brackets and a colon, then the message.  With --no-hostname
 * the host is left out.
 */
static int
unwrap_journal_short(struct formats *f, const char *line, size_t len,
    struct envelope *env)
{
	const char	*end = line + len, *p, *host, *hend, *id, *idend;
	int64_t		 ts;
	int		 noyear;

	if (len < 16 || !((line[0] >= 'A' && line[0] <= 'Z') ||
	    formats_is_digit(line[0])))
		return FORMATS_NOFIT;
	if ((p = formats_short_time(f, line, end, &ts, &noyear)) == NULL)
		return FORMATS_NOFIT;
	host = p + 1;
	if ((hend = formats_token(host, end, 256)) == NULL)
		return FORMATS_NOFIT;
	if (hend[-1] == ':') {
		id = host;
		idend = hend;
		host = NULL;
	} else {
		id = hend + 1;
		idend = memchr(id, ' ', (size_t)(end - id));
		if (idend == NULL)
			idend = end;
		if (idend == id || idend[-1] != ':')
			return FORMATS_NOFIT;
	}
	p = idend < end ? idend + 1 : end;
	idend--;
	if (idend > id && idend[-1] == ']') {
		/* ident[pid] */
		while (idend > id && idend[-1] != '[')
			idend--;
		if (idend == id)
			return FORMATS_NOFIT;
		idend--;
	}
	buf_reset(&f->host);
	if (host != NULL)
		buf_add(&f->host, host, (size_t)(hend - host));
	buf_reset(&f->unit);
	buf_add(&f->unit, id, (size_t)(idend - id));
	env->text = p;
	env->len = (size_t)(end - p);
	env->ts = ts;
	env->year_inferred = noyear;
	env->host = f->host.len > 0 ? buf_cstr(&f->host) : NULL;
	env->unit = f->unit.len > 0 ? buf_cstr(&f->unit) : NULL;
	if (!noyear)
		formats_note_time(f, ts);
	return FORMATS_TEXT;
}

/*
 * An RFC 3339 time at p up to a space (zone optional): its end, or NULL.
 * The rows a digit opens try the same time one after another: the last
 * answer is kept for the line.
 */
static const char *
formats_iso_token(struct formats *f, const char *p, const char *end,
    int64_t *ts)
{
	const char	*t;

	if (p == f->iso_at) {
		*ts = f->iso_ts;
		return f->iso_end;
	}
	f->iso_at = p;
	f->iso_end = NULL;
	if (end - p < 20 || !formats_is_digit(p[0]) || p[4] != '-' ||
	    p[10] != 'T')
		return NULL;
	if ((t = formats_token(p, end, 40)) == NULL ||
	    time_parse_iso_cached(&f->minute, p, (size_t)(t - p), ts) != 0)
		return NULL;
	f->iso_ts = *ts;
	f->iso_end = t;
	return t;
}

static void
formats_set_meta(struct formats *f, struct envelope *env, const char *host,
    size_t hlen, const char *unit, size_t ulen)
{
	buf_reset(&f->host);
	buf_reset(&f->unit);
	if (host != NULL && hlen > 0) {
		buf_add(&f->host, host, hlen);
		env->host = buf_cstr(&f->host);
	}
	if (unit != NULL && ulen > 0) {
		buf_add(&f->unit, unit, ulen);
		env->unit = buf_cstr(&f->unit);
	}
}

static int
formats_text(struct formats *f, struct envelope *env, const char *p,
    const char *end, int64_t ts)
{
	env->text = p;
	env->len = (size_t)(end - p);
	env->ts = ts;
	if (ts != TS_NONE)
		formats_note_time(f, ts);
	return FORMATS_TEXT;
}

/*
 * kubectl logs --timestamps (and docker logs -t): an RFC 3339 time, a
 * space, the line; with --prefix, "[pod/NAME/CONTAINER] " before them.
 */
static int
unwrap_kubectl(struct formats *f, const char *line, size_t len,
    struct envelope *env)
{
	const char	*end = line + len, *p = line, *pod = NULL, *c = NULL;
	const char	*t, *close;
	int64_t		 ts = TS_NONE;

	if (line[0] == '[') {
		if (len <= 5 || memcmp(line, "[pod/", 5) != 0)
			return FORMATS_NOFIT;
		close = memchr(line, ']', len < 300 ? len : 300);
		if (close == NULL || close + 1 >= end || close[1] != ' ')
			return FORMATS_NOFIT;
		pod = line + 5;
		c = memchr(pod, '/', (size_t)(close - pod));
		p = close + 2;
	}
	if ((t = formats_iso_token(f, p, end, &ts)) != NULL)
		p = t + 1;
	else if (pod == NULL)
		return FORMATS_NOFIT;
	if (pod != NULL)
		formats_set_meta(f, env, pod, (size_t)((c ? c : close) - pod),
		    c ? c + 1 : NULL, c ? (size_t)(close - c - 1) : 0);
	return formats_text(f, env, p, end, ts);
}

/*
 * fly logs (flyctl's LogPresenter): "TIME app[INSTANCE] REGION [level] "
 * with a time without a zone, or older "TIME INSTANCE REGION [level] ".
 * The level in brackets is the platform's, in lower case.
 */
static int
unwrap_fly(struct formats *f, const char *line, size_t len,
    struct envelope *env)
{
	const char	*end = line + len, *t, *inst, *iend, *reg, *rend, *l;
	int64_t		 ts;

	if ((t = formats_iso_token(f, line, end, &ts)) == NULL ||
	    (iend = formats_token(inst = t + 1, end, 128)) == NULL ||
	    (rend = formats_token(reg = iend + 1, end, 16)) == NULL)
		return FORMATS_NOFIT;
	l = rend + 1;
	if (l >= end || *l != '[' || l + 1 >= end || l[1] < 'a' || l[1] > 'z')
		return FORMATS_NOFIT;
	for (l++; l < end && *l >= 'a' && *l <= 'z'; l++)
		;
	if (l + 1 >= end || l[0] != ']' || l[1] != ' ')
		return FORMATS_NOFIT;
	if (iend[-1] == ']' &&
	    (t = memchr(inst, '[', (size_t)(iend - inst))) != NULL) {
		/* app[INSTANCE]: the provider, then the instance */
		inst = t + 1;
		iend--;
	}
	formats_set_meta(f, env, inst, (size_t)(iend - inst), reg,
	    (size_t)(rend - reg));
	return formats_text(f, env, l + 2, end, ts);
}

/* heroku logs: "TIME SOURCE[DYNO]: " (app[web.1], heroku[router]). */
static int
unwrap_heroku(struct formats *f, const char *line, size_t len,
    struct envelope *env)
{
	const char	*end = line + len, *t, *src, *send, *b, *d;
	int64_t		 ts;

	if ((t = formats_iso_token(f, line, end, &ts)) == NULL)
		return FORMATS_NOFIT;
	src = t + 1;
	if ((send = formats_token(src, end, 128)) == NULL)
		send = end;
	if (send - src < 4 || send[-1] != ':' || send[-2] != ']' ||
	    (b = memchr(src, '[', (size_t)(send - src))) == NULL || b == src)
		return FORMATS_NOFIT;
	/* a pid in the brackets: journalctl -o short-iso --no-hostname */
	for (d = b + 1; d < send - 2 && formats_is_digit(*d); d++)
		;
	if (d == send - 2)
		return FORMATS_NOFIT;
	formats_set_meta(f, env, b + 1, (size_t)(send - 2 - b - 1), src,
	    (size_t)(b - src));
	return formats_text(f, env, send < end ? send + 1 : end, end, ts);
}

/*
 * Kubernetes CRI container log files: "TIME STREAM TAG line", STREAM
 * stdout or stderr, TAG F for a full line or P for a part of one that the
 * next records continue (joined, the entry's time its first part's).
 */
static int
unwrap_cri(struct formats *f, const char *line, size_t len,
    struct envelope *env)
{
	struct formats_entry	*e = &f->entry;
	const char		*end = line + len, *t, *p;
	int64_t			 ts;

	if ((t = formats_iso_token(f, line, end, &ts)) == NULL || end - t < 9 ||
	    (memcmp(t, " stdout ", 8) != 0 && memcmp(t, " stderr ", 8) != 0) ||
	    (t[8] != 'F' && t[8] != 'P') || (t + 9 < end && t[9] != ' '))
		return FORMATS_NOFIT;
	p = t + 9 < end ? t + 10 : end;
	formats_set_meta(f, env, NULL, 0, t + 1, 6);
	if (e->open != ENV_CRI) {
		memset(e, 0, sizeof *e);
		e->ts = ts;
		buf_reset(&f->text);
	}
	if (t[8] == 'P' && f->text.len <= FORMATS_MAX_FIELD) {
		buf_add(&f->text, p, (size_t)(end - p));
		e->open = ENV_CRI;
		e->lines++;
		return FORMATS_PENDING;
	}
	if (e->open != ENV_CRI)
		return formats_text(f, env, p, end, ts);
	buf_add(&f->text, p, (size_t)(end - p));
	env->back = e->lines;
	e->open = 0;
	return formats_text(f, env, buf_cstr(&f->text),
	    f->text.data + f->text.len, e->ts);
}

/*
 * aws logs tail (the default --format detailed): "TIME STREAM line", the
 * time with a numeric offset as Python writes it (+00:00).
 */
static int
unwrap_cloudwatch(struct formats *f, const char *line, size_t len,
    struct envelope *env)
{
	const char	*end = line + len, *t, *st, *send;
	int64_t		 ts;

	if ((t = formats_iso_token(f, line, end, &ts)) == NULL ||
	    t - line < 25 || (t[-6] != '+' && t[-6] != '-') || t[-3] != ':')
		return FORMATS_NOFIT;
	st = t + 1;
	if (st >= end || *st == '[' ||
	    (send = formats_token(st, end, 512)) == NULL)
		return FORMATS_NOFIT;
	formats_set_meta(f, env, NULL, 0, st, (size_t)(send - st));
	return formats_text(f, env, send + 1, end, ts);
}

static int
formats_is_name(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    formats_is_digit(c) || c == '-' || c == '_' || c == '.';
}

/*
 * "NAME   | " as docker compose logs and pm2 logs pad it: the name, blanks
 * and a bar; returns past the bar's space, or NULL.
 */
static const char *
formats_bar(const char *p, const char *end, const char **nend)
{
	const char	*q = p;

	while (q < end && q - p < 128 && *q != ' ' && *q != '|')
		q++;
	if (q == p || q >= end)
		return NULL;
	*nend = q;
	while (q < end && *q == ' ')
		q++;
	if (q >= end || *q != '|' || (q + 1 < end && q[1] != ' '))
		return NULL;
	return q + 1 < end ? q + 2 : end;
}

/* An optional time after a runner's bar: "TIME " or pm2's "TIME: ". */
static const char *
formats_runner_time(const char *p, const char *end, int64_t *ts)
{
	const char	*t;

	*ts = TS_NONE;
	if (end - p < 20 || !formats_is_digit(*p) || p[4] != '-')
		return p;
	if ((t = formats_token(p, end, 40)) == NULL)
		return p;
	if (t[-1] == ':' && time_parse_iso(p, (size_t)(t - 1 - p), ts) == 0)
		return t + 1;
	if (time_parse_iso(p, (size_t)(t - p), ts) == 0)
		return t + 1;
	*ts = TS_NONE;
	return p;
}

/* docker compose logs: "SERVICE-N  | line", with -t a time after the bar. */
static int
unwrap_compose(struct formats *f, const char *line, size_t len,
    struct envelope *env)
{
	const char	*end = line + len, *p, *nend, *q;
	int64_t		 ts;

	for (q = line; q < end && q - line < 128 && formats_is_name(*q); q++)
		;
	if (q == line || q >= end || *q != ' ' ||
	    (p = formats_bar(line, end, &nend)) == NULL || nend != q)
		return FORMATS_NOFIT;
	formats_set_meta(f, env, NULL, 0, line, (size_t)(nend - line));
	p = formats_runner_time(p, end, &ts);
	return formats_text(f, env, p, end, ts);
}

/* pm2 logs: "ID|NAME  | line", with --time "TIME: " before the line. */
static int
unwrap_pm2(struct formats *f, const char *line, size_t len,
    struct envelope *env)
{
	const char	*end = line + len, *p, *name, *nend;
	int64_t		 ts;

	for (p = line; p < end && formats_is_digit(*p); p++)
		;
	if (p == line || p >= end || *p != '|')
		return FORMATS_NOFIT;
	name = p + 1;
	if ((p = formats_bar(name, end, &nend)) == NULL)
		return FORMATS_NOFIT;
	formats_set_meta(f, env, NULL, 0, name, (size_t)(nend - name));
	p = formats_runner_time(p, end, &ts);
	return formats_text(f, env, p, end, ts);
}

/* Past one RFC 5424 header field (not "-"): *s and *slen, or NULL. */
static const char *
formats_syslog_field(const char *p, const char *end, const char **s,
    size_t *slen)
{
	const char	*t;

	if ((t = formats_token(p, end, 256)) == NULL)
		return NULL;
	*s = p;
	*slen = t - p == 1 && *p == '-' ? 0 : (size_t)(t - p);
	return t + 1;
}

/*
 * syslog: RFC 5424 "<PRI>1 TIME HOST APP PROCID MSGID SD MSG" (SD "-" or
 * bracketed elements, MSG perhaps after a UTF-8 BOM), or RFC 3164
 * "<PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG", read as journalctl's short.
 */
static int
unwrap_syslog(struct formats *f, const char *line, size_t len,
    struct envelope *env)
{
	const char	*end = line + len, *p, *host, *app, *skip;
	size_t		 hlen, alen, slen;
	int64_t		 ts = TS_NONE;
	int		 in_str;

	if (len > 0 && line[0] != '<' && f->forced == ENV_SYSLOG)
		/* as /var/log/syslog holds it: RFC 3164 without the PRI */
		return unwrap_journal_short(f, line, len, env);
	if (len < 4 || line[0] != '<')
		return FORMATS_NOFIT;
	for (p = line + 1; p < end && p - line < 5 && formats_is_digit(*p); p++)
		;
	if (p == line + 1 || p >= end || *p != '>')
		return FORMATS_NOFIT;
	p++;
	if (end - p < 2 || p[0] != '1' || p[1] != ' ')
		return unwrap_journal_short(f, p, (size_t)(end - p), env);
	p += 2;
	if (p >= end)
		return FORMATS_NOFIT;
	if (*p == '-' && p + 1 < end && p[1] == ' ')
		p += 2;
	else {
		if ((skip = formats_token(p, end, 40)) == NULL ||
		    time_parse_iso(p, (size_t)(skip - p), &ts) != 0)
			return FORMATS_NOFIT;
		p = skip + 1;
	}
	if ((p = formats_syslog_field(p, end, &host, &hlen)) == NULL ||
	    (p = formats_syslog_field(p, end, &app, &alen)) == NULL ||
	    (p = formats_syslog_field(p, end, &skip, &slen)) == NULL ||
	    (p = formats_syslog_field(p, end, &skip, &slen)) == NULL ||
	    p >= end)
		return FORMATS_NOFIT;
	if (*p == '-')
		p++;
	else {
		/* structured data: [id k="v"...]..., ']' escaped in values */
		while (p < end && *p == '[') {
			for (in_str = 0, p++; p < end; p++) {
				if (in_str && *p == '\\' && p + 1 < end)
					p++;
				else if (*p == '"')
					in_str = !in_str;
				else if (!in_str && *p == ']')
					break;
			}
			if (p >= end)
				return FORMATS_NOFIT;
			p++;
		}
	}
	if (p < end && *p != ' ')
		return FORMATS_NOFIT;
	if (p < end)
		p++;
	if (end - p >= 3 && memcmp(p, "\357\273\277", 3) == 0)
		p += 3;
	formats_set_meta(f, env, host, hlen, app, alen);
	return formats_text(f, env, p, end, ts);
}

#define FORMATS_UPPER	"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define FORMATS_LOWER	"abcdefghijklmnopqrstuvwxyz"
#define FORMATS_DIGITS	"0123456789"

/*
 * opens: every byte a line can begin with for the row to take it when the
 * envelope is detected (NULL: any).  It may hold more than the unwrapper
 * accepts, never less: ENV_AUTO does not try a row on other lines, so a
 * relay line, which begins with '[', goes straight to plain.
 */
static const struct {
	const char	*name;
	int		 kind;
	unwrap_fn	 unwrap;
	const char	*opens;
} formats_table[] = {
	{ "journal-export", ENV_JOURNAL_EXPORT, unwrap_journal_export, "_" },
	{ "journal-json", ENV_JOURNAL_JSON, unwrap_journal_json, "{\036" },
	{ "session-log", ENV_SESSION_LOG, unwrap_session_log, "{" },
	{ "jsonl", ENV_JSON, unwrap_json, "{\036" },
	{ "docker", ENV_DOCKER, unwrap_json, "" },
	{ "json-pretty", ENV_JSON_PRETTY, unwrap_json_pretty, "{[" },
	{ "fly", ENV_FLY, unwrap_fly, FORMATS_DIGITS },
	{ "heroku", ENV_HEROKU, unwrap_heroku, FORMATS_DIGITS },
	{ "cri", ENV_CRI, unwrap_cri, FORMATS_DIGITS },
	{ "journal-short", ENV_JOURNAL_SHORT, unwrap_journal_short,
	    FORMATS_UPPER FORMATS_DIGITS },
	{ "cloudwatch", ENV_CLOUDWATCH, unwrap_cloudwatch, FORMATS_DIGITS },
	{ "kubectl", ENV_KUBECTL, unwrap_kubectl, "[" FORMATS_DIGITS },
	{ "pm2", ENV_PM2, unwrap_pm2, FORMATS_DIGITS },
	{ "compose", ENV_COMPOSE, unwrap_compose,
	    FORMATS_UPPER FORMATS_LOWER "_" },
	{ "syslog", ENV_SYSLOG, unwrap_syslog, "<" },
	{ "logs-watch", ENV_WATCH, unwrap_watch, "[" },
	{ "plain", ENV_PLAIN, unwrap_plain, NULL },
};

#define FORMATS_COUNT (sizeof formats_table / sizeof formats_table[0])

_Static_assert(sizeof formats_table / sizeof formats_table[0] <= FORMATS_ROWS,
    "formats_table has more rows than FORMATS_ROWS");
_Static_assert(sizeof formats_table / sizeof formats_table[0] < 0xff,
    "a row index must not read as the end of a list");

/* journalctl's names for its output modes. */
static const struct {
	const char	*name;
	int		 kind;
} formats_aliases[] = {
	{ "cat", ENV_PLAIN },
	{ "short", ENV_JOURNAL_SHORT },
	{ "short-precise", ENV_JOURNAL_SHORT },
	{ "short-iso", ENV_JOURNAL_SHORT },
	{ "short-iso-precise", ENV_JOURNAL_SHORT },
	{ "short-full", ENV_JOURNAL_SHORT },
	{ "short-unix", ENV_JOURNAL_SHORT },
	{ "with-unit", ENV_JOURNAL_SHORT },
	{ "json", ENV_JOURNAL_JSON },
	{ "json-seq", ENV_JOURNAL_JSON },
	{ "export", ENV_JOURNAL_EXPORT },
	/* other tools' names */
	{ "docker-timestamps", ENV_KUBECTL },
	{ "docker-compose", ENV_COMPOSE },
	{ "kubernetes", ENV_CRI },
	{ "aws", ENV_CLOUDWATCH },
	{ "rfc5424", ENV_SYSLOG },
	{ "rfc3164", ENV_SYSLOG },
	{ "ndjson", ENV_JSON },
	{ "vector", ENV_JSON },
	{ "loki", ENV_JSON },
	{ "fluent-bit", ENV_JSON },
	{ "fly-json", ENV_JSON_PRETTY },
	{ "gcloud", ENV_JSON_PRETTY },
	{ "watch-logs", ENV_WATCH },
	{ "logs:watch", ENV_WATCH },
};

/* The envelope named on the command line, or -1. */
int
formats_kind_from_name(const char *name)
{
	size_t	i;

	if (strcmp(name, "auto") == 0)
		return ENV_AUTO;
	for (i = 0; i < FORMATS_COUNT; i++) {
		if (strcmp(formats_table[i].name, name) == 0)
			return formats_table[i].kind;
	}
	for (i = 0; i < sizeof formats_aliases / sizeof formats_aliases[0];
	    i++) {
		if (strcmp(formats_aliases[i].name, name) == 0)
			return formats_aliases[i].kind;
	}
	return -1;
}

/* The row name of an envelope kind. */
static const char *
formats_kind_name(int kind)
{
	size_t	i;

	for (i = 0; i < FORMATS_COUNT; i++) {
		if (formats_table[i].kind == kind)
			return formats_table[i].name;
	}
	return "auto";
}

/*
 * The rows to try on a line by its first byte: those that may take it when
 * the envelope is detected, else the forced envelope's row on every line.
 */
static void
formats_set_rows(struct formats *f)
{
	const char	*opens;
	size_t		 i, n;
	int		 c, fits;

	for (c = 0; c < 256; c++) {
		for (i = n = 0; i < FORMATS_COUNT; i++) {
			opens = formats_table[i].opens;
			if (f->forced != ENV_AUTO)
				fits = f->forced == formats_table[i].kind;
			else
				fits = opens == NULL ||
				    (c != 0 && strchr(opens, c) != NULL);
			if (fits)
				f->rows[c][n++] = (unsigned char)i;
		}
		f->rows[c][n] = 0xff;
	}
	f->rows_plain[0] = FORMATS_COUNT - 1;
	f->rows_plain[1] = 0xff;
}

struct formats *
formats_create(int kind, char **cause)
{
	struct formats	*f;

	if (kind != ENV_AUTO && strcmp(formats_kind_name(kind), "auto") == 0) {
		*cause = xasprintf("unknown input format %d", kind);
		return NULL;
	}
	f = xcalloc(1, sizeof *f);
	f->forced = kind;
	formats_set_rows(f);
	formats_set_jkeys(f);
	f->now = (int64_t)time(NULL) * 1000;
	f->hint = TS_NONE;
	f->day_key = -1;
	buf_init(&f->text);
	buf_init(&f->host);
	buf_init(&f->unit);
	buf_init(&f->ident);
	buf_init(&f->comm);
	buf_init(&f->field);
	buf_init(&f->plain);
	buf_init(&f->pretty);
	buf_init(&f->jtext);
	buf_init(&f->wline);
	buf_init(&f->wevent);
	buf_init(&f->wid);
	formats_reset(f);
	return f;
}

void
formats_free(struct formats *f)
{
	if (f == NULL)
		return;
	buf_free(&f->text);
	buf_free(&f->host);
	buf_free(&f->unit);
	buf_free(&f->ident);
	buf_free(&f->comm);
	buf_free(&f->field);
	buf_free(&f->plain);
	buf_free(&f->pretty);
	buf_free(&f->jtext);
	buf_free(&f->wline);
	buf_free(&f->wevent);
	buf_free(&f->wid);
	free(f);
}

/* Drop an entry left open, before reading another input. */
void
formats_reset(struct formats *f)
{
	memset(&f->entry, 0, sizeof f->entry);
	f->entry.ts = TS_NONE;
}

/* Whether an entry is open, to be completed by formats_unwrap(NULL). */
int
formats_pending(const struct formats *f)
{
	return f->entry.open != 0;
}

/*
 * Take the relay line out of its envelope.  Returns FORMATS_TEXT with *env
 * filled, FORMATS_PENDING when the line belongs to an entry that later
 * lines complete, or FORMATS_NOFIT when a forced envelope does not fit the
 * line.  A NULL line means the end of the input: an open entry is then
 * returned as it is, its last line carrying it.
 */
int
formats_unwrap(struct formats *f, const char *line, size_t len,
    struct envelope *env)
{
	const unsigned char	*rows;
	size_t			 i;
	int			 rc, split;

	memset(env, 0, sizeof *env);
	env->ts = TS_NONE;
	if (f->entry.open == ENV_WATCH)
		return formats_watch_line(f, line, len, env);
	if (f->entry.open == ENV_JOURNAL_EXPORT ||
	    f->entry.open == ENV_JSON_PRETTY) {
		env->kind = f->entry.open;
		rc = f->entry.open == ENV_JOURNAL_EXPORT ?
		    formats_export_line(f, line, len, env) :
		    formats_pretty_line(f, line, len, env);
		if (rc != FORMATS_NOFIT)
			return rc;
		/* Not part of the entry: it was cut short; read the line. */
		memset(env, 0, sizeof *env);
		env->ts = TS_NONE;
	}
	split = f->entry.open == ENV_DOCKER || f->entry.open == ENV_CRI;
	if (line == NULL) {
		if (!split)
			return FORMATS_NOFIT;
		env->text = buf_cstr(&f->text);
		env->len = f->text.len;
		env->ts = f->entry.ts;
		env->back = f->entry.lines - 1;
		env->kind = f->entry.open;
		f->entry.open = 0;
		return FORMATS_TEXT;
	}
	f->iso_at = NULL;
	if (len > 0 && (line[0] == '\033' || (line[0] != '[' &&
	    memchr(line, '\033', len < 128 ? len : 128) != NULL))) {
		/*
		 * A coloured prefix (fly logs, compose, pm2, heroku on a
		 * terminal).  A relay line opens with '[' or ESC.
		 */
		buf_reset(&f->plain);
		text_strip_ansi(&f->plain, line, len);
		buf_cstr(&f->plain);
		line = f->plain.data;
		len = f->plain.len;
	}
	/*
	 * An empty line gets the rows of byte 0: no envelope opens with it.
	 * The relay's own line opens with '[' and a digit or a process
	 * name; of the rows that take a '[' only kubectl --prefix ("[pod/")
	 * and indented JSON ("[" alone) may, and logs:watch's header
	 * ("[HH:MM:SS.mmm] " then no level) and "[PARSE ERROR] ", so the
	 * relay's goes to plain.
	 */
	if (len > 1 && line[0] == '[' && f->forced == ENV_AUTO &&
	    line[1] != 'p' && line[1] != ' ' && line[1] != '\t' &&
	    line[1] != '\r' && !formats_watch_like(line, len))
		rows = f->rows_plain;
	else
		rows = f->rows[len > 0 ? (unsigned char)line[0] : 0];
	for (; *rows != 0xff; rows++) {
		i = *rows;
		rc = formats_table[i].unwrap(f, line, len, env);
		if (rc != FORMATS_NOFIT) {
			if (env->kind == ENV_AUTO)
				env->kind = formats_table[i].kind;
			/* A split line whose rest never came is dropped. */
			if (split && f->entry.open != 0 &&
			    f->entry.open != env->kind)
				f->entry.open = 0;
			return rc;
		}
		env->kind = ENV_AUTO;
		env->host = env->unit = NULL;
	}
	if (split)
		f->entry.open = 0;
	return FORMATS_NOFIT;
}
