/* SPDX-License-Identifier: MIT */
/*
 * Log text: the escapes of a coloured terminal taken out of what is read,
 * and what is shown made safe.  Log lines are written partly by strangers:
 * before any of it reaches a report, control characters (ANSI escapes
 * included, and Unicode's bidirectional controls) and bytes that are not
 * UTF-8 become visible \xNN escapes, so nothing from a log can drive a
 * terminal, reorder what it shows, or break the output's encoding.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "loganalyze.h"

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t
text_utf8_len(const unsigned char *s, size_t len)
{
	size_t		n, i;
	uint32_t	cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (len < n)
		return 0;
	cp = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/*
	 * overlong forms, surrogates, beyond Unicode, C1 controls, and the
	 * bidirectional controls and line separators that reorder or break
	 * what a terminal or page shows
	 */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
	    (cp >= 0x80 && cp <= 0x9f) || cp == 0x61c || cp == 0x200e ||
	    cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069))
		return 0;
	return n;
}

/* Append s to b with controls and invalid bytes as \xNN. */
void
text_sanitize(struct buf *b, const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n, start;
	char			 esc[8];

	while (i < len) {
		start = i;
		while (i < len && p[i] >= 0x20 && p[i] < 0x7f)
			i++;
		buf_add(b, s + start, i - start);
		if (i == len)
			break;
		n = p[i] == '\t' ? 1 : text_utf8_len(p + i, len - i);
		if (n > 0 && !(n == 1 && p[i] < 0x20 && p[i] != '\t') &&
		    p[i] != 0x7f) {
			buf_add(b, s + i, n);
			i += n;
			continue;
		}
		snprintf(esc, sizeof esc, "\\x%02X", p[i]);
		buf_adds(b, esc);
		i++;
	}
}

/*
 * Append s to b without its ANSI escape sequences: CSI (parameters and
 * intermediates, one final byte), OSC (up to BEL or ST) and two-byte ones.
 * Log printers colour their prefixes (fly logs, compose, pm2, a relay run
 * on a terminal); the colour is no part of the line.
 */
void
text_strip_ansi(struct buf *b, const char *s, size_t len)
{
	const char	*end = s + len, *esc;

	while ((esc = memchr(s, '\033', (size_t)(end - s))) != NULL) {
		buf_add(b, s, (size_t)(esc - s));
		s = esc + 1;
		if (s < end && *s == '[') {
			for (s++; s < end && (*s < 0x40 || *s > 0x7e); s++)
				;
			if (s < end)
				s++;
		} else if (s < end && *s == ']') {
			while (s < end && *s != '\007' &&
			    !(*s == '\033' && s + 1 < end && s[1] == '\\'))
				s++;
			if (s < end)
				s += *s == '\007' ? 1 : 2;
		} else if (s < end)
			s++;
	}
	buf_add(b, s, (size_t)(end - s));
}
