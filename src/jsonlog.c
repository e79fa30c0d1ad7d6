/* SPDX-License-Identifier: MIT */
/*
 * The JSON tail of a relay line.  Almost every tail is valid and only three
 * of its fields matter here (connectionId, timestamp, code: the rest stays
 * as text for SQLite's json_extract), so a validating scanner walks it once
 * without building a DOM.  Only a tail that fails the scan is handed to
 * jansson, whose error message (with its column) is what the report shows.
 * The scanner follows RFC 8259; it limits nesting to JSONLOG_MAX_DEPTH, below
 * SQLite's own limit, so that every tail stored can be queried.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "loganalyze.h"

/* Longer ids are not the relay's (it uses UUIDs) and are not kept. */
#define JSONLOG_MAX_ID		128
#define JSONLOG_MAX_DEPTH	512

struct jsonlog {
	char	conn[JSONLOG_MAX_ID + 1];
};

/* The scanner's state for one tail. */
struct scan {
	const char	*p;
	const char	*start;
	const char	*end;
	int		 depth;
	const char	*error;		/* static text */
	const char	*where;
};

struct jsonlog *
jsonlog_create(void)
{
	return xcalloc(1, sizeof(struct jsonlog));
}

void
jsonlog_free(struct jsonlog *j)
{
	free(j);
}

static int
scan_fail(struct scan *sc, const char *error)
{
	if (sc->error == NULL) {
		sc->error = error;
		sc->where = sc->p;
	}
	return -1;
}

static void
scan_space(struct scan *sc)
{
	while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\t' ||
	    *sc->p == '\n' || *sc->p == '\r'))
		sc->p++;
}

static int
scan_hex4(struct scan *sc)
{
	int	i;

	for (i = 0; i < 4; i++, sc->p++) {
		if (sc->p >= sc->end || strchr("0123456789abcdefABCDEF",
		    *sc->p) == NULL || *sc->p == '\0')
			return scan_fail(sc, "invalid \\u escape");
	}
	return 0;
}

/*
 * A string; on success *s and *len span its contents (between the quotes)
 * and *plain says whether it holds no escapes.
 */
/*
 * Skip ahead eight bytes at a time while none of them is a quote, a
 * backslash or a control character (most of every string, and every line
 * has a few); the byte loop after it finds which one stopped it.
 */
static const char *
scan_plain_run(const char *q, const char *end)
{
	const uint64_t	ones = 0x0101010101010101ull;
	const uint64_t	high = 0x8080808080808080ull;
	uint64_t	w, quote, bslash;

	while (end - q >= 8) {
		memcpy(&w, q, 8);
		quote = w ^ (ones * '"');
		bslash = w ^ (ones * '\\');
		/* a byte below 0x20, or equal to '"' or '\\' (zero after ^) */
		if ((((w - ones * 0x20) & ~w) | ((quote - ones) & ~quote) |
		    ((bslash - ones) & ~bslash)) & high)
			break;
		q += 8;
	}
	return q;
}

static int
scan_string(struct scan *sc, const char **s, size_t *len, int *plain)
{
	const char	*q;

	sc->p++;	/* the opening quote */
	*s = sc->p;
	*plain = 1;
	for (;;) {
		q = scan_plain_run(sc->p, sc->end);
		while (q < sc->end && *q != '"' && *q != '\\' &&
		    (unsigned char)*q >= 0x20)
			q++;
		sc->p = q;
		if (q >= sc->end)
			return scan_fail(sc, "unterminated string");
		if (*q == '"')
			break;
		if ((unsigned char)*q < 0x20)
			return scan_fail(sc, "control character in string");
		*plain = 0;
		sc->p++;
		if (sc->p >= sc->end)
			return scan_fail(sc, "unterminated string");
		if (*sc->p == 'u') {
			sc->p++;
			if (scan_hex4(sc) != 0)
				return -1;
		} else if (strchr("\"\\/bfnrt", *sc->p) != NULL &&
		    *sc->p != '\0')
			sc->p++;
		else
			return scan_fail(sc, "invalid escape in string");
	}
	*len = (size_t)(sc->p - *s);
	sc->p++;	/* the closing quote */
	return 0;
}

static int
scan_digits(struct scan *sc)
{
	const char	*start = sc->p;

	while (sc->p < sc->end && *sc->p >= '0' && *sc->p <= '9')
		sc->p++;
	return sc->p > start ? 0 : scan_fail(sc, "invalid number");
}

/* A number; *integral says whether it is a plain integer. */
static int
scan_number(struct scan *sc, int *integral)
{
	*integral = 1;
	if (*sc->p == '-')
		sc->p++;
	if (sc->p < sc->end && *sc->p == '0')
		sc->p++;
	else if (scan_digits(sc) != 0)
		return -1;
	if (sc->p < sc->end && *sc->p == '.') {
		sc->p++;
		*integral = 0;
		if (scan_digits(sc) != 0)
			return -1;
	}
	if (sc->p < sc->end && (*sc->p == 'e' || *sc->p == 'E')) {
		sc->p++;
		*integral = 0;
		if (sc->p < sc->end && (*sc->p == '+' || *sc->p == '-'))
			sc->p++;
		if (scan_digits(sc) != 0)
			return -1;
	}
	return 0;
}

static int
scan_word(struct scan *sc, const char *word)
{
	size_t	len = strlen(word);

	if ((size_t)(sc->end - sc->p) < len || memcmp(sc->p, word, len) != 0)
		return scan_fail(sc, "invalid literal");
	sc->p += len;
	return 0;
}

static int scan_value(struct scan *, struct json_fields *, int);

static int
scan_array(struct scan *sc, struct json_fields *f)
{
	sc->p++;
	scan_space(sc);
	if (sc->p < sc->end && *sc->p == ']') {
		sc->p++;
		return 0;
	}
	for (;;) {
		if (scan_value(sc, f, 0) != 0)
			return -1;
		scan_space(sc);
		if (sc->p >= sc->end)
			return scan_fail(sc, "unterminated array");
		if (*sc->p == ']') {
			sc->p++;
			return 0;
		}
		if (*sc->p++ != ',')
			return scan_fail(sc, "expected ',' or ']'");
		scan_space(sc);
	}
}

/* Which of the fields we keep a top-level key is, or -1. */
enum { FIELD_CONN, FIELD_TS, FIELD_CODE };

static int
scan_field(const char *key, size_t len, int plain)
{
	if (!plain)
		return -1;
	if (len == 12 && memcmp(key, "connectionId", 12) == 0)
		return FIELD_CONN;
	if (len == 9 && memcmp(key, "timestamp", 9) == 0)
		return FIELD_TS;
	if (len == 4 && memcmp(key, "code", 4) == 0)
		return FIELD_CODE;
	return -1;
}

/* The value of a kept top-level field, now that the scanner is on it. */
static int
scan_kept(struct scan *sc, struct json_fields *f, int field, int *seen)
{
	const char	*s, *v = sc->p;
	size_t		 len;
	const char	*q;
	int		 plain, integral;
	long long	 n;

	if (*seen & (1 << field))
		return scan_fail(sc, "duplicate key");
	*seen |= 1 << field;
	if (field == FIELD_CONN) {
		if (*v != '"')
			return scan_fail(sc, "connectionId is not a string");
		if (scan_string(sc, &s, &len, &plain) != 0)
			return -1;
		if (!plain || len > JSONLOG_MAX_ID) {
			sc->p = v;
			return scan_fail(sc, "connectionId is not an id");
		}
		f->conn = s;
		f->conn_len = len;
		return 0;
	}
	if (field == FIELD_TS && *v == '"') {
		if (scan_string(sc, &s, &len, &plain) != 0)
			return -1;
		if (plain && time_parse_iso(s, len, &f->ts) != 0)
			f->ts = TS_NONE;
		return 0;
	}
	if (field == FIELD_CODE && (*v == '-' || (*v >= '0' && *v <= '9'))) {
		if (scan_number(sc, &integral) != 0)
			return -1;
		/*
		 * Not strtoll: the tail is not NUL-terminated, and a cut
		 * line may end in the digits.  18 digits cannot overflow.
		 */
		if (integral && sc->p - v < 19) {
			n = 0;
			for (q = *v == '-' ? v + 1 : v; q < sc->p; q++)
				n = n * 10 + (*q - '0');
			f->code = *v == '-' ? -n : n;
		}
		return 0;
	}
	return scan_value(sc, f, 0);
}

static int
scan_object(struct scan *sc, struct json_fields *f, int top)
{
	const char	*key;
	size_t		 len;
	int		 plain, field, seen = 0;

	sc->p++;
	scan_space(sc);
	if (sc->p < sc->end && *sc->p == '}') {
		sc->p++;
		return 0;
	}
	for (;;) {
		if (sc->p >= sc->end || *sc->p != '"')
			return scan_fail(sc, "expected a string key");
		if (scan_string(sc, &key, &len, &plain) != 0)
			return -1;
		scan_space(sc);
		if (sc->p >= sc->end || *sc->p++ != ':')
			return scan_fail(sc, "expected ':'");
		scan_space(sc);
		if (sc->p >= sc->end)
			return scan_fail(sc, "unexpected end of text");
		field = top ? scan_field(key, len, plain) : -1;
		if (field >= 0) {
			if (scan_kept(sc, f, field, &seen) != 0)
				return -1;
		} else if (scan_value(sc, f, 0) != 0)
			return -1;
		scan_space(sc);
		if (sc->p >= sc->end)
			return scan_fail(sc, "unterminated object");
		if (*sc->p == '}') {
			sc->p++;
			return 0;
		}
		if (*sc->p++ != ',')
			return scan_fail(sc, "expected ',' or '}'");
		scan_space(sc);
	}
}

static int
scan_value(struct scan *sc, struct json_fields *f, int top)
{
	const char	*s;
	size_t		 len;
	int		 plain, rc;

	if (sc->p >= sc->end)
		return scan_fail(sc, "unexpected end of text");
	switch (*sc->p) {
	case '{':
	case '[':
		if (++sc->depth > JSONLOG_MAX_DEPTH)
			return scan_fail(sc, "nesting too deep");
		rc = *sc->p == '{' ? scan_object(sc, f, top) :
		    scan_array(sc, f);
		sc->depth--;
		return rc;
	case '"':
		return scan_string(sc, &s, &len, &plain);
	case 't':
		return scan_word(sc, "true");
	case 'f':
		return scan_word(sc, "false");
	case 'n':
		return scan_word(sc, "null");
	default:
		if (*sc->p == '-' || (*sc->p >= '0' && *sc->p <= '9'))
			return scan_number(sc, &plain);
		return scan_fail(sc, "unexpected character");
	}
}

/*
 * Walk JSON text [p, end), which may be cut anywhere or be one line of an
 * indented document, for its nesting: strings are skipped, so a bracket in
 * one does not count.  *depth goes on from where the walk of an earlier
 * piece left it.  Returns the byte after the bracket that brings *depth
 * back to 0, or NULL when the text ends first.  *comma, when comma is not
 * NULL, is set to each comma at depth 1; *in_string says whether the text
 * ended inside a string.
 */
const char *
jsonlog_walk(const char *p, const char *end, int *depth, const char **comma,
    int *in_string)
{
	int	in_str = 0, esc = 0;

	for (; p < end; p++) {
		if (in_str) {
			if (esc)
				esc = 0;
			else if (*p == '\\')
				esc = 1;
			else if (*p == '"')
				in_str = 0;
		} else if (*p == '"')
			in_str = 1;
		else if (*p == '{' || *p == '[')
			++*depth;
		else if ((*p == '}' || *p == ']') && --*depth == 0) {
			*in_string = 0;
			return p + 1;
		} else if (*p == ',' && *depth == 1 && comma != NULL)
			*comma = p;
	}
	*in_string = in_str;
	return NULL;
}

/*
 * The members of the JSON object text[0..len), which is validated whole
 * (nothing but white space after it): up to max in m, their number in *n.
 * -1 when the text is not one valid object or has more members than max.
 * The spans point into text.
 */
int
jsonlog_members(const char *text, size_t len, struct json_member *m,
    size_t max, size_t *n)
{
	struct scan		 sc;
	struct json_fields	 f;
	struct json_member	*mm;
	int			 integral;

	*n = 0;
	memset(&sc, 0, sizeof sc);
	sc.p = sc.start = text;
	sc.end = text + len;
	sc.depth = 1;
	scan_space(&sc);
	if (sc.p >= sc.end || *sc.p != '{')
		return -1;
	sc.p++;
	scan_space(&sc);
	if (sc.p < sc.end && *sc.p == '}')
		goto end;
	for (;;) {
		if (*n == max || sc.p >= sc.end || *sc.p != '"')
			return -1;
		mm = &m[(*n)++];
		memset(mm, 0, sizeof *mm);
		mm->raw = sc.p;
		if (scan_string(&sc, &mm->key, &mm->key_len, &mm->key_plain) !=
		    0)
			return -1;
		scan_space(&sc);
		if (sc.p >= sc.end || *sc.p++ != ':')
			return -1;
		scan_space(&sc);
		if (sc.p >= sc.end)
			return -1;
		mm->value = sc.p;
		if (*sc.p == '"') {
			mm->is_string = 1;
			if (scan_string(&sc, &mm->str, &mm->str_len,
			    &mm->str_plain) != 0)
				return -1;
		} else if (*sc.p == '-' || (*sc.p >= '0' && *sc.p <= '9')) {
			if (scan_number(&sc, &integral) != 0)
				return -1;
		} else if (scan_value(&sc, &f, 0) != 0)
			return -1;
		mm->value_len = (size_t)(sc.p - mm->value);
		mm->raw_len = (size_t)(sc.p - mm->raw);
		scan_space(&sc);
		if (sc.p >= sc.end)
			return -1;
		if (*sc.p == '}')
			break;
		if (*sc.p++ != ',')
			return -1;
		scan_space(&sc);
	}
end:
	sc.p++;
	scan_space(&sc);
	return sc.p == sc.end ? 0 : -1;
}

/*
 * Validate a JSON object and take out the kept fields.  Returns 0, or -1
 * with a message (and the column) in f->error.  f->conn stays valid until
 * the next call.
 */
int
jsonlog_scan(struct jsonlog *j, const char *text, size_t len,
    struct json_fields *f)
{
	struct scan	 sc;
	json_t		*root;
	json_error_t	 err;

	f->conn = NULL;
	f->conn_len = 0;
	f->ts = TS_NONE;
	f->code = -1;
	f->error[0] = '\0';

	memset(&sc, 0, sizeof sc);
	sc.p = sc.start = text;
	sc.end = text + len;
	scan_space(&sc);
	if (sc.p >= sc.end || *sc.p != '{')
		scan_fail(&sc, "not a JSON object");
	else if (scan_value(&sc, f, 1) == 0) {
		scan_space(&sc);
		if (sc.p != sc.end)
			scan_fail(&sc, "text after the JSON object");
	}
	if (sc.error == NULL) {
		if (f->conn != NULL) {
			/* copy: the caller may keep it past the line buffer */
			memcpy(j->conn, f->conn, f->conn_len);
			j->conn[f->conn_len] = '\0';
			f->conn = f->conn_len > 0 ? j->conn : NULL;
		}
		return 0;
	}

	f->conn = NULL;
	f->conn_len = 0;
	f->code = -1;
	f->ts = TS_NONE;
	/* A syntax error: jansson words it best, with its column. */
	root = json_loadb(text, len, 0, &err);
	if (root == NULL && strcmp(sc.error, "nesting too deep") != 0)
		snprintf(f->error, sizeof f->error, "column %d: %s",
		    err.column, err.text);
	else
		snprintf(f->error, sizeof f->error, "column %d: %s",
		    (int)(sc.where - sc.start) + 1, sc.error);
	json_decref(root);
	return -1;
}
