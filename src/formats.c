/* SPDX-License-Identifier: MIT */
/*
 * Line envelopes: what wraps the relay's own line in a capture (nothing,
 * a journalctl prefix or record, a container runtime's JSON or time).  Each
 * envelope is one row of formats_table; ENV_AUTO tries them per line, in
 * table order with plain last, so a stream that mixes envelopes still
 * reads.  Every row rejects a line on its first bytes before doing any
 * work, JSON records are read by a small scanner rather than a JSON
 * library, and nothing is allocated per line: decoded text goes to buffers
 * that are reused.  The text, host and unit an envelope gives are borrowed
 * from the line or from those buffers until the next call.
 *
 * Two envelopes spread one entry over several lines: journalctl -o export
 * (fields, then a blank line) and Docker, which splits a long line into
 * records whose "log" lacks the final newline.  Their lines come back as
 * FORMATS_PENDING until the entry is complete; the line that completes it
 * gives the text, and env->back says how many lines earlier the entry's
 * message began.  Times are UTC: a journalctl time without a zone (short,
 * short-precise without --utc) is read as UTC, and one without a year gets
 * the year that puts it nearest the last full time seen.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loganalyze.h"

#define FORMATS_DAY		86400000LL
#define FORMATS_HALF_YEAR	(183 * FORMATS_DAY)
#define FORMATS_MAX_FIELD	(1024 * 1024)	/* binary field, joined line */

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
	struct formats_entry	 entry;
	unsigned		 rows[256];	/* by first byte, 1 << row */
};

typedef int (*unwrap_fn)(struct formats *, const char *, size_t,
    struct envelope *);

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
		if (formats_number(v, len, &us) != 0)
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

static int
formats_docker_member(struct formats *f, const char *key, size_t klen,
    const char *v, const char *vend)
{
	int64_t	t;

	if (klen == 3 && memcmp(key, "log", 3) == 0) {
		if (*v != '"')
			return -1;
		return formats_json_unescape(&f->text, v + 1, vend - 1);
	}
	if (klen == 4 && memcmp(key, "time", 4) == 0 && *v == '"' &&
	    time_parse_iso(v + 1, (size_t)(vend - v - 2), &t) == 0 &&
	    f->entry.ts == TS_NONE)
		f->entry.ts = t;
	return 0;
}

/*
 * Docker's json-file driver: {"log":"line\n","stream":...,"time":...}.  A
 * line longer than 16 KiB comes in records without the final newline, to
 * be joined with the records after them, up to FORMATS_MAX_FIELD bytes.
 */
static int
unwrap_docker(struct formats *f, const char *line, size_t len,
    struct envelope *env)
{
	size_t	mark;

	if (len < 8 || memcmp(line, "{\"log\":\"", 8) != 0)
		return FORMATS_NOFIT;
	if (f->entry.open != ENV_DOCKER) {
		memset(&f->entry, 0, sizeof f->entry);
		formats_clear_fields(f);
	}
	mark = f->text.len;
	if (formats_json_walk(f, line, len, formats_docker_member) != 0) {
		f->text.len = mark;
		if (f->entry.open == ENV_DOCKER)
			f->entry.open = 0;
		return FORMATS_NOFIT;
	}
	if ((f->text.len == mark || f->text.data[f->text.len - 1] != '\n') &&
	    f->text.len <= FORMATS_MAX_FIELD) {
		f->entry.open = ENV_DOCKER;
		f->entry.lines++;
		return FORMATS_PENDING;
	}
	if (f->text.len > 0 && f->text.data[f->text.len - 1] == '\n')
		f->text.len--;
	env->text = buf_cstr(&f->text);
	env->len = f->text.len;
	env->ts = f->entry.ts;
	env->back = f->entry.lines;
	f->entry.open = 0;
	if (env->ts != TS_NONE)
		formats_note_time(f, env->ts);
	return FORMATS_TEXT;
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
	return 0;
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

/* kubectl logs --timestamps: an RFC 3339 time, a space, the line. */
static int
unwrap_kubectl(struct formats *f, const char *line, size_t len,
    struct envelope *env)
{
	const char	*t;
	int64_t		 ts;

	if (len < 21 || !formats_is_digit(line[0]) || line[4] != '-' ||
	    line[10] != 'T')
		return FORMATS_NOFIT;
	if ((t = formats_token(line, line + len, 40)) == NULL ||
	    time_parse_iso(line, (size_t)(t - line), &ts) != 0)
		return FORMATS_NOFIT;
	env->text = t + 1;
	env->len = len - (size_t)(t + 1 - line);
	env->ts = ts;
	formats_note_time(f, ts);
	return FORMATS_TEXT;
}

#define FORMATS_UPPER	"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
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
	{ "docker", ENV_DOCKER, unwrap_docker, "{" },
	{ "journal-json", ENV_JOURNAL_JSON, unwrap_journal_json, "{\036" },
	{ "journal-short", ENV_JOURNAL_SHORT, unwrap_journal_short,
	    FORMATS_UPPER FORMATS_DIGITS },
	{ "kubectl", ENV_KUBECTL, unwrap_kubectl, FORMATS_DIGITS },
	{ "plain", ENV_PLAIN, unwrap_plain, NULL },
};

#define FORMATS_COUNT (sizeof formats_table / sizeof formats_table[0])

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
	size_t		 i;
	int		 c, fits;

	for (i = 0; i < FORMATS_COUNT; i++) {
		opens = formats_table[i].opens;
		for (c = 0; c < 256; c++) {
			if (f->forced != ENV_AUTO)
				fits = f->forced == formats_table[i].kind;
			else
				fits = opens == NULL ||
				    (c != 0 && strchr(opens, c) != NULL);
			if (fits)
				f->rows[c] |= 1u << i;
		}
	}
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
	f->now = (int64_t)time(NULL) * 1000;
	f->hint = TS_NONE;
	f->day_key = -1;
	buf_init(&f->text);
	buf_init(&f->host);
	buf_init(&f->unit);
	buf_init(&f->ident);
	buf_init(&f->comm);
	buf_init(&f->field);
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
	size_t		i;
	unsigned	rows;
	int		rc;

	memset(env, 0, sizeof *env);
	env->ts = TS_NONE;
	if (f->entry.open == ENV_JOURNAL_EXPORT) {
		env->kind = ENV_JOURNAL_EXPORT;
		rc = formats_export_line(f, line, len, env);
		if (rc != FORMATS_NOFIT)
			return rc;
		/* Not a field: the entry was cut short; read the line. */
		memset(env, 0, sizeof *env);
		env->ts = TS_NONE;
	}
	if (line == NULL) {
		if (f->entry.open != ENV_DOCKER)
			return FORMATS_NOFIT;
		env->text = buf_cstr(&f->text);
		env->len = f->text.len;
		env->ts = f->entry.ts;
		env->back = f->entry.lines - 1;
		env->kind = ENV_DOCKER;
		f->entry.open = 0;
		return FORMATS_TEXT;
	}
	/* An empty line gets the rows of byte 0: no envelope opens with it. */
	rows = f->rows[len > 0 ? (unsigned char)line[0] : 0];
	for (i = 0; i < FORMATS_COUNT; i++) {
		if (!(rows & 1u << i))
			continue;
		rc = formats_table[i].unwrap(f, line, len, env);
		if (rc != FORMATS_NOFIT) {
			/* A split line whose rest never came is dropped. */
			if (f->entry.open == ENV_DOCKER &&
			    formats_table[i].kind != ENV_DOCKER)
				f->entry.open = 0;
			env->kind = formats_table[i].kind;
			return rc;
		}
	}
	if (f->entry.open == ENV_DOCKER)
		f->entry.open = 0;
	return FORMATS_NOFIT;
}
