/* SPDX-License-Identifier: MIT */
/*
 * One text line (already taken out of its envelope) into a struct
 * log_record.  The relay's line is `[LEVEL] message {json}`; in front of it
 * may stand a process-runner name and a full or clock-only time, and ANSI
 * escapes may be anywhere.  A line that does not open that way is searched
 * once for where the relay's line begins after some other text (a hosting
 * platform's prefix), so no envelope needs a row just to be read.  The
 * pattern is compiled once, JIT-compiled when the library can, and its
 * match data is reused for every line.  Pointers in the record stay valid
 * until the next parser_parse call.
 */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

#include "loganalyze.h"

/*
 * Optional `[process] `, then an optional `[ISO time]`, `[clock time]` or
 * bare ISO time, then an optional `[LEVEL]`.  A bracketed word that is a
 * level or starts like a UUID is not a process name.  The (?=[A-Za-z]) in
 * front of those two lookaheads changes nothing that matches: it turns
 * down `[2025-...`, the start of nearly every line, before they run.
 */
static const char parser_pattern[] =
	"^(?:\\[(?<proc>(?=[A-Za-z])(?!(?:DEBUG|INFO|WARN|WARNING|ERROR)\\])"
	    "(?![0-9a-fA-F]{8}-)[A-Za-z][\\w.@:/-]{0,63})\\]\\s+)?"
	"(?:\\[(?<iso>\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d:\\d\\d"
	    "(?:[.,]\\d{1,9})?(?:Z|[+-]\\d\\d:?\\d\\d)?)\\]\\s*"
	"|\\[(?<clock>\\d\\d:\\d\\d:\\d\\d(?:\\.\\d{1,9})?Z?)\\]\\s*"
	"|(?<bare>\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d{1,9})?"
	    "(?:Z|[+-]\\d\\d:?\\d\\d))\\s+)?"
	"(?:\\[(?<level>DEBUG|INFO|WARN|WARNING|ERROR)\\]\\s*)?";

struct parser {
	pcre2_code		*re;
	pcre2_match_data	*md;
	uint32_t		 g_proc;
	uint32_t		 g_iso;
	uint32_t		 g_clock;
	uint32_t		 g_bare;
	uint32_t		 g_level;
	struct jsonlog		*json;
	char			 json_error[200]; /* of the last line */
	struct buf		 text;		/* line without escapes */
	int64_t			 day;		/* midnight of the last date */
	struct time_cache	 minute;	/* of the last line time */
};

static const char *parser_levels[] = {
	"", "DEBUG", "INFO", "WARN", "ERROR"
};

static uint32_t
parser_group(struct parser *p, const char *name)
{
	int	n;

	n = pcre2_substring_number_from_name(p->re, (PCRE2_SPTR)name);
	if (n < 0)
		fatalx("parser pattern has no group %s", name);
	return (uint32_t)n;
}

/* Compile the line pattern; NULL and *cause when PCRE2 refuses it. */
struct parser *
parser_create(char **cause)
{
	struct parser	*p;
	int		 error;
	PCRE2_SIZE	 offset;
	PCRE2_UCHAR	 msg[256];

	p = xcalloc(1, sizeof *p);
	p->re = pcre2_compile((PCRE2_SPTR)parser_pattern, PCRE2_ZERO_TERMINATED,
	    0, &error, &offset, NULL);
	if (p->re == NULL) {
		pcre2_get_error_message(error, msg, sizeof msg);
		*cause = xasprintf("line pattern: offset %zu: %s",
		    (size_t)offset, (char *)msg);
		free(p);
		return NULL;
	}
	/* JIT is an optimisation: without it the interpreter still works. */
	(void)pcre2_jit_compile(p->re, PCRE2_JIT_COMPLETE);
	p->md = pcre2_match_data_create_from_pattern(p->re, NULL);
	if (p->md == NULL)
		fatalx("out of memory creating match data");
	p->g_proc = parser_group(p, "proc");
	p->g_iso = parser_group(p, "iso");
	p->g_clock = parser_group(p, "clock");
	p->g_bare = parser_group(p, "bare");
	p->g_level = parser_group(p, "level");
	p->json = jsonlog_create();
	buf_init(&p->text);
	p->day = TS_NONE;
	return p;
}

void
parser_free(struct parser *p)
{
	if (p == NULL)
		return;
	pcre2_match_data_free(p->md);
	pcre2_code_free(p->re);
	jsonlog_free(p->json);
	buf_free(&p->text);
	free(p);
}

const char *
parser_level_name(int level)
{
	if (level < LEVEL_NONE || level > LEVEL_ERROR)
		return "";
	return parser_levels[level];
}

/*
 * Copy the line without ANSI escape sequences (text_strip_ansi) and without
 * a trailing CR.  Lines without ESC are not copied.
 */
static void
parser_strip(struct parser *p, const char *line, size_t len,
    const char **out, size_t *outlen)
{
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n'))
		len--;
	if (memchr(line, '\033', len) == NULL) {
		*out = line;
		*outlen = len;
		return;
	}
	buf_reset(&p->text);
	text_strip_ansi(&p->text, line, len);
	*out = p->text.data;
	*outlen = p->text.len;
}

static int
parser_is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
parser_span(struct parser *p, uint32_t group, const char *subject,
    const char **s, size_t *len)
{
	PCRE2_SIZE	*ov = pcre2_get_ovector_pointer(p->md);

	if (ov[2 * group] == PCRE2_UNSET)
		return 0;
	*s = subject + ov[2 * group];
	*len = ov[2 * group + 1] - ov[2 * group];
	return 1;
}

static int
parser_level(const char *s, size_t len)
{
	switch (s[0]) {
	case 'D':
		return LEVEL_DEBUG;
	case 'I':
		return LEVEL_INFO;
	case 'W':
		return LEVEL_WARN;
	case 'E':
		return LEVEL_ERROR;
	}
	(void)len;
	return LEVEL_NONE;
}

/* A `[uuid]` at the start of the message is the connection (older relays). */
static int
parser_uuid_prefix(const char *s, size_t len)
{
	size_t	i;

	if (len < 38 || s[0] != '[' || s[37] != ']')
		return 0;
	for (i = 1; i < 37; i++) {
		if (i == 9 || i == 14 || i == 19 || i == 24) {
			if (s[i] != '-')
				return 0;
		} else if (strchr("0123456789abcdefABCDEF", s[i]) == NULL ||
		    s[i] == '\0')
			return 0;
	}
	return 1;
}

/*
 * The first "{" after a space in m (and before a quote, with quoted), or
 * NULL.  memchr, because memmem's setup costs more than these short
 * messages take to scan.
 */
static const char *
parser_find_json(const char *m, size_t len, int quoted)
{
	const char	*p = m, *end = m + len;

	while ((p = memchr(p, '{', (size_t)(end - p))) != NULL) {
		if (p > m && p[-1] == ' ' &&
		    (!quoted || (p + 1 < end && p[1] == '"')))
			return p;
		p++;
	}
	return NULL;
}

/* Split the message from a trailing ` {json}`. */
static void
parser_split_json(struct log_record *r)
{
	const char	*m = r->msg, *brace;
	size_t		 len = r->msg_len;

	while (len > 0 && (m[len - 1] == ' ' || m[len - 1] == '\t'))
		len--;
	r->msg_len = len;
	if (len == 0)
		return;
	if (m[len - 1] != '}') {
		/* a tail cut short (a truncated capture) is a bad JSON tail */
		brace = parser_find_json(m, len, 1);
		if (brace == NULL)
			return;
	} else if (m[0] == '{')
		brace = m;
	else {
		brace = parser_find_json(m, len, 0);
		if (brace == NULL)
			return;
	}
	r->json = brace;
	r->json_len = (size_t)(m + len - brace);
	r->msg_len = (size_t)(brace - m);
	while (r->msg_len > 0 && m[r->msg_len - 1] == ' ')
		r->msg_len--;
}

/*
 * The level, process name and time of the last match, whose subject
 * began at text; fields the match left unset keep their value in *r.
 */
static void
parser_fields(struct parser *p, const char *text, struct log_record *r)
{
	const char	*s;
	size_t		 slen;
	int64_t		 t;

	if (parser_span(p, p->g_level, text, &s, &slen))
		r->level = parser_level(s, slen);
	if (parser_span(p, p->g_proc, text, &s, &slen)) {
		r->proc = s;
		r->proc_len = slen;
	}
	if (parser_span(p, p->g_iso, text, &s, &slen) ||
	    parser_span(p, p->g_bare, text, &s, &slen)) {
		if (time_parse_iso_cached(&p->minute, s, slen, &t) == 0) {
			r->ts = t;
			r->ts_src = TSSRC_LINE;
		}
	} else if (parser_span(p, p->g_clock, text, &s, &slen)) {
		if (time_parse_clock(s, slen, &t) == 0 &&
		    time_is_valid((p->day == TS_NONE ? 0 : p->day) + t)) {
			r->ts = (p->day == TS_NONE ? 0 : p->day) + t;
			r->ts_src = TSSRC_CLOCK;
		}
	}
}

/* The bare time of a match that is not the relay's line: a prefix's. */
static void
parser_prefix_time(struct parser *p, const char *text, struct log_record *r)
{
	const char	*s;
	size_t		 slen;
	int64_t		 t;

	if (parser_span(p, p->g_bare, text, &s, &slen) &&
	    time_parse_iso_cached(&p->minute, s, slen, &t) == 0) {
		r->ts = t;
		r->ts_src = TSSRC_LINE;
	}
}

/*
 * Where the relay's own line may begin after text some platform put in
 * front of it (fly logs' "TIME app[ID] REGION [info] ", a syslog header, a
 * runner's "name | "): the first '[' from offset 1 that opens an ISO time,
 * a clock time or an upper-case level, before any JSON object ("{\"" or
 * "{}").  0 when there is
 * none.  *timed says whether it opens a time.  Lower-case "[info]" is a
 * platform's level, never the relay's.
 */
static size_t
parser_find_anchor(const char *s, size_t len, int *timed)
{
	static const struct {
		const char	*word;
		size_t		 len;
	} levels[] = {
		{ "DEBUG]", 6 }, { "INFO]", 5 }, { "WARN]", 5 },
		{ "WARNING]", 8 }, { "ERROR]", 6 },
	};
	const char	*p = s + 1, *end = s + len, *brace;
	size_t		 i, left;

	/* a bracketed time that did not read is the relay's, broken */
	if (len < 2 || (s[0] == '[' && parser_is_digit(s[1])))
		return 0;
	/* the JSON tail opens with a quoted key; Loki's {app="relay"} not */
	for (brace = s; (brace = memchr(brace, '{', (size_t)(end - brace))) !=
	    NULL && brace + 1 < end && brace[1] != '"' && brace[1] != '}';
	    brace++)
		;
	if (brace != NULL)
		end = brace;
	while (p < end && (p = memchr(p, '[', (size_t)(end - p))) != NULL) {
		left = (size_t)(end - p) - 1;
		if (left >= 9 && parser_is_digit(p[1]) &&
		    parser_is_digit(p[2]) &&
		    ((p[3] == ':' && parser_is_digit(p[4])) ||
		    (parser_is_digit(p[3]) && parser_is_digit(p[4]) &&
		    p[5] == '-'))) {
			*timed = 1;
			return (size_t)(p - s);
		}
		for (i = 0; i < sizeof levels / sizeof levels[0]; i++) {
			if (left >= levels[i].len &&
			    memcmp(p + 1, levels[i].word, levels[i].len) == 0) {
				*timed = 0;
				return (size_t)(p - s);
			}
		}
		p++;
	}
	return 0;
}

/*
 * Parse one line.  Returns PARSE_EVENT with *r filled, PARSE_CONTINUATION
 * for an indented line (a stack frame, say) that may continue the previous
 * event, PARSE_BLANK, or PARSE_NOMATCH for a line that is not the relay's.
 */
int
parser_parse(struct parser *p, const char *line, size_t len,
    struct log_record *r)
{
	const char		*text;
	size_t			 tlen, i;
	PCRE2_SIZE		*ov;
	struct json_fields	 jf;
	int			 rc, timed = 0, strict = 0;
	size_t			 off = 0;

	memset(r, 0, sizeof *r);
	r->ts = TS_NONE;
	r->close_code = -1;
	r->json_ok = -1;
	parser_strip(p, line, len, &text, &tlen);
	r->text = text;
	r->text_len = tlen;

	for (i = 0; i < tlen && (text[i] == ' ' || text[i] == '\t'); i++)
		;
	if (i == tlen)
		return PARSE_BLANK;
	if (i > 0)
		return PARSE_CONTINUATION;

	rc = pcre2_match(p->re, (PCRE2_SPTR)text, tlen, 0, 0, p->md, NULL);
	if (rc < 0)
		return PARSE_NOMATCH;
	ov = pcre2_get_ovector_pointer(p->md);
	if (ov[2 * p->g_level] == PCRE2_UNSET &&
	    ov[2 * p->g_iso] == PCRE2_UNSET &&
	    ov[2 * p->g_clock] == PCRE2_UNSET) {
		/*
		 * Not the relay's line at its start: perhaps after a
		 * platform's prefix.  Any time the prefix held stays, for a
		 * relay line that lacks its own.
		 */
		parser_prefix_time(p, text, r);
		off = parser_find_anchor(text, tlen, &timed);
		if (off == 0 || pcre2_match(p->re, (PCRE2_SPTR)text + off,
		    tlen - off, 0, 0, p->md, NULL) < 0 ||
		    (ov[2 * p->g_level] == PCRE2_UNSET &&
		    ov[2 * p->g_iso] == PCRE2_UNSET &&
		    ov[2 * p->g_clock] == PCRE2_UNSET)) {
			/* the first match again, for its spans */
			off = 0;
			if (pcre2_match(p->re, (PCRE2_SPTR)text, tlen, 0, 0,
			    p->md, NULL) < 0)
				return PARSE_NOMATCH;
		} else {
			/* only a time or the relay's message makes it */
			strict = !timed;
			r->proc = NULL;
			r->proc_len = 0;
		}
	}
	parser_fields(p, text + off, r);

	r->msg = text + off + ov[1];
	r->msg_len = tlen - off - ov[1];
	if (parser_uuid_prefix(r->msg, r->msg_len)) {
		r->conn = r->msg + 1;
		r->conn_len = 36;
		r->msg += 38;
		r->msg_len -= 38;
		while (r->msg_len > 0 && r->msg[0] == ' ') {
			r->msg++;
			r->msg_len--;
		}
	}
	parser_split_json(r);
	r->kind = classify_message(r->msg, r->msg_len);

	if (r->json != NULL) {
		if (jsonlog_scan(p->json, r->json, r->json_len, &jf) == 0) {
			r->json_ok = 1;
			if (jf.conn != NULL) {
				r->conn = jf.conn;
				r->conn_len = jf.conn_len;
			}
			r->close_code = jf.code;
			if (r->ts == TS_NONE && jf.ts != TS_NONE) {
				r->ts = jf.ts;
				r->ts_src = TSSRC_JSON;
			}
		} else {
			/* jf dies with this call: the record outlives it */
			r->json_ok = 0;
			snprintf(p->json_error, sizeof p->json_error, "%s",
			    jf.error);
			r->json_error = p->json_error;
		}
	}

	/*
	 * Without a level only the relay's own messages count: anything else
	 * is another program's output that happens to look similar.
	 */
	if ((r->level == LEVEL_NONE || strict) && r->kind == K_OTHER &&
	    !(r->json_ok == 1 && r->conn != NULL))
		return PARSE_NOMATCH;
	if (r->msg_len == 0 && r->json == NULL)
		return PARSE_NOMATCH;
	if (r->ts_src == TSSRC_LINE || r->ts_src == TSSRC_JSON)
		p->day = r->ts - (r->ts % 86400000 + 86400000) % 86400000;
	return PARSE_EVENT;
}

/* Remember the date of an envelope time, for clock-only line times. */
void
parser_set_day(struct parser *p, int64_t ts)
{
	if (ts != TS_NONE)
		p->day = ts - (ts % 86400000 + 86400000) % 86400000;
}
