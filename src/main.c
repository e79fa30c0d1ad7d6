/* SPDX-License-Identifier: MIT */
/*
 * loganalyze: read relay logs, load them into SQLite, run the rules and
 * write the report.  This file holds the options, the top-level flow and
 * the exit status; everything else lives in the library.
 */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <sys/ioctl.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <pcre2.h>
#include <sqlite3.h>
#include <zlib.h>
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif
#ifdef HAVE_LZMA
#include <lzma.h>
#endif

#include "loganalyze.h"

/* Exit status, documented in the README and the man page. */
enum exit_status {
	EXIT_RAN = 0,
	EXIT_FINDINGS = 1,
	EXIT_USAGE = 2,
	EXIT_IO = 3,
	EXIT_NO_RELAY = 4	/* inputs were read, none held a relay line */
};

struct options {
	const char	*output;
	const char	*db;
	const char	*sql;
	const char	**rules_dirs;	/* every --rules, in order */
	size_t		 nrules_dirs;
	const char	*since;
	const char	*until;
	int		 format_given;	/* --format, for --ingest-only */
	int		 format;	/* FORMAT_*, or -1: by the output */
	int		 color;		/* COLOR_* */
	struct report_options report;
	int		 fail_on;	/* severity, or -1 */
	int		 quiet;
	int		 ingest_only;	/* load, then stop: no rules, no report */
	int64_t		 burst_gap_ms;
	int64_t		 sql_timeout_ms;	/* of each user statement */
	struct ingest_options ingest;
};

enum { FORMAT_MD, FORMAT_JSON, FORMAT_TEXT };
enum { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

enum {
	OPT_FORMAT = 256,
	OPT_COLOR,
	OPT_BRIEF,
	OPT_ALL,
	OPT_CONN,
	OPT_RULE,
	OPT_DB,
	OPT_SQL,
	OPT_RULES,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_FAIL_ON,
	OPT_INPUT_FORMAT,
	OPT_BURST_GAP,
	OPT_SAMPLES,
	OPT_THREADS,
	OPT_VERSION,
	OPT_INGEST_ONLY,
	OPT_SQL_TIMEOUT
};

static const struct option long_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "colour", required_argument, NULL, OPT_COLOR },
	{ "brief", no_argument, NULL, OPT_BRIEF },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "conn", required_argument, NULL, OPT_CONN },
	{ "rule", required_argument, NULL, OPT_RULE },
	{ "db", required_argument, NULL, OPT_DB },
	{ "sql", required_argument, NULL, OPT_SQL },
	{ "rules", required_argument, NULL, OPT_RULES },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
	{ "input-format", required_argument, NULL, OPT_INPUT_FORMAT },
	{ "burst-gap", required_argument, NULL, OPT_BURST_GAP },
	{ "samples", required_argument, NULL, OPT_SAMPLES },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "ingest-only", no_argument, NULL, OPT_INGEST_ONLY },
	{ "sql-timeout", required_argument, NULL, OPT_SQL_TIMEOUT },
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *f)
{
	fprintf(f,
"usage: loganalyze [OPTIONS] [FILE...]\n"
"\n"
"Analyse Gemini Live relay logs: rebuild every connection's timeline, find\n"
"1007 closes, rate-limit bursts, frames racing a closed session and connect\n"
"timeouts, tell causes from consequences, and write a report: for reading\n"
"at a terminal, in markdown (for GitHub) or in JSON.\n"
"With no FILE, or with -, read standard input.  Input may be compressed\n"
"(gzip, and zstd and xz when --version lists them); a directory stands for\n"
"its log files, and a rotated set is read oldest first.\n"
"\n"
"Output:\n"
"  -o, --output FILE      write the report to FILE (atomically) not stdout;\n"
"                         never an input or the --db file\n"
"      --format F         report format: text (the default at a terminal),\n"
"                         md (markdown, the default otherwise) or json\n"
"      --color WHEN       colour in text: auto (default: at a terminal,\n"
"                         unless NO_COLOR is set), always or never\n"
"      --brief            a short markdown report: under 60,000 characters\n"
"      --all              every connection's section, however long\n"
"                         (by default the report stays under 256 KB)\n"
"      --conn ID          only this connection (a unique prefix of its\n"
"                         id is enough); may be given more than once\n"
"      --rule ID          only the connections where rule ID fired; may be\n"
"                         given more than once\n"
"      --fail-on SEV      exit 1 if a finding is at or above SEV\n"
"                         (error, warning or info)\n"
"  -q, --quiet            no progress counter or skipped-file notes on stderr\n"
"  -v, --verbose          debug detail on stderr\n"
"\n"
"Data:\n"
"      --db FILE          keep the SQLite database in FILE: add new files and\n"
"                         what grew, skip files already in it; with no FILE\n"
"                         and no piped input, report over the database\n"
"      --ingest-only      load the inputs (into --db) and stop: no rules,\n"
"                         no report\n"
"      --sql QUERY        print the result of a read-only query instead of\n"
"                         the report (tables: docs/schema.md)\n"
"      --sql-timeout S    stop a --sql query or a --rules statement that\n"
"                         runs longer than S seconds (default 60, 0: never)\n"
"      --since TIME       report only events at or after TIME\n"
"      --until TIME       report only events before TIME\n"
"                         TIME: 2025-12-10T11:08:00Z, 2025-12-10, or a span\n"
"                         back from now: 90s, 30m, 24h, 7d\n"
"\n"
"Rules and parsing:\n"
"      --rules DIR        add the *.sql rules in DIR (same id replaces);\n"
"                         may be given more than once\n"
"      --burst-gap MS     gap that ends a rate-limit burst (100 or more,\n"
"                         default 1000)\n"
"      --input-format F   envelope of every line; auto (default) detects it\n"
"                         per line.  F: plain, journal-short, journal-json,\n"
"                         journal-export, docker, jsonl, json-pretty, fly,\n"
"                         heroku, cloudwatch, cri, kubectl, compose, pm2,\n"
"                         syslog, logs-watch, a journalctl -o name (short,\n"
"                         short-iso, cat, json, export, ...) or another\n"
"                         tool's name (docker-timestamps, docker-compose,\n"
"                         kubernetes, aws, rfc5424, rfc3164, ndjson, vector,\n"
"                         loki, fluent-bit, fly-json, gcloud, watch-logs,\n"
"                         logs:watch)\n"
"      --samples N        per input, how many not-log lines and how many\n"
"                         invalid-JSON lines to quote (default 5 each)\n"
"      --threads N        2: parse on one thread and store on another\n"
"                         (the default with two CPUs or more); 1: one\n"
"                         thread\n"
"\n"
"  -h, --help             this help\n"
"      --version          version and library versions\n"
"\n"
"Exit status: 0 ran, 1 findings at or above --fail-on, 2 usage error,\n"
"3 an input or output could not be read or written.\n"
"Examples:\n"
"  loganalyze terminal.log\n"
"  journalctl -u relay -o short-iso | loganalyze -\n"
"  loganalyze --db relay.db --since 24h /var/log/relay -o nightly.md\n"
"  loganalyze --sql \"SELECT conn, outcome FROM connections\" terminal.log\n");
}

static void
version(void)
{
	char	pcre[64];

	pcre2_config_8(PCRE2_CONFIG_VERSION, pcre);
	printf("%s\n", PACKAGE_STRING);
	printf("sqlite %s, pcre2 %s, jansson %s, zlib %s",
	    sqlite3_libversion(), pcre, jansson_version_str(), zlibVersion());
#ifdef HAVE_ZSTD
	printf(", zstd %s", ZSTD_versionString());
#endif
#ifdef HAVE_LZMA
	printf(", xz %s", lzma_version_string());
#endif
	/* the formats input.c was built to read, as configure found them */
	printf("\ncompressed inputs: gzip");
#ifdef HAVE_ZSTD
	printf(" zstd");
#endif
#ifdef HAVE_LZMA
	printf(" xz");
#endif
	printf("\n");
}

static void __attribute__((format(printf, 1, 2), noreturn))
usage_error(const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	log_warnx("%s", msg);	/* sanitised: it quotes the user's value */
	free(msg);
	fprintf(stderr, "Try 'loganalyze --help' for more information.\n");
	exit(EXIT_USAGE);
}

static int64_t
parse_number(const char *arg, const char *opt, int64_t min, int64_t max)
{
	char		*end;
	long long	 v;

	errno = 0;
	v = strtoll(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < min || v > max) {
		usage_error("%s: '%s' is not a number from %lld to %lld", opt,
		    arg, (long long)min, (long long)max);
	}
	return v;
}

/* What getopt would have said of c (':' or '?') at the argument arg. */
static void __attribute__((noreturn))
getopt_error(int c, const char *arg)
{
	size_t	len;

	len = strcspn(arg, "=");
	if (c == ':' && strncmp(arg, "--", 2) == 0)
		usage_error("option '%.*s' requires an argument", (int)len,
		    arg);
	if (c == ':')
		usage_error("option requires an argument -- '%c'", optopt);
	/* a known option given an argument, or an unknown short one */
	if (optopt >= 256 || (optopt != 0 && strchr("oqvh", optopt) != NULL))
		usage_error("option '%.*s' doesn't allow an argument",
		    (int)len, arg);
	if (optopt != 0)
		usage_error("invalid option -- '%c'", optopt);
	usage_error("unrecognized option '%s'", arg);
}

static void __attribute__((noreturn))
ingest_only_conflict(const char *opt)
{
	usage_error("--ingest-only writes no report: %s makes no sense with "
	    "it", opt);
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	int	c;

	memset(o, 0, sizeof *o);
	o->format = -1;
	o->fail_on = -1;
	o->burst_gap_ms = 1000;
	o->sql_timeout_ms = SANDBOX_DEFAULT_TIMEOUT_MS;
	o->ingest.envelope = ENV_AUTO;
	o->ingest.max_samples = 5;
	/* a second thread only pays when it has a CPU of its own */
	o->ingest.threads = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 2 : 1;
	/* getopt names argv[0] in its messages: make it our name */
	argv[0] = (char *)"loganalyze";
	/* getopt's messages, in its words, go through log.c: sanitised */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:qvh", long_options,
	    NULL)) != -1) {
		switch (c) {
		case 'o':
			o->output = optarg;
			break;
		case OPT_FORMAT:
			o->format_given = 1;
			if (strcmp(optarg, "md") == 0 ||
			    strcmp(optarg, "markdown") == 0)
				o->format = FORMAT_MD;
			else if (strcmp(optarg, "json") == 0)
				o->format = FORMAT_JSON;
			else if (strcmp(optarg, "text") == 0)
				o->format = FORMAT_TEXT;
			else
				usage_error("--format: '%s' is not text, md or "
				    "json", optarg);
			break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") == 0)
				o->color = COLOR_AUTO;
			else if (strcmp(optarg, "always") == 0)
				o->color = COLOR_ALWAYS;
			else if (strcmp(optarg, "never") == 0)
				o->color = COLOR_NEVER;
			else
				usage_error("--color: '%s' is not auto, always "
				    "or never", optarg);
			break;
		case OPT_BRIEF:
			o->report.size = REPORT_BRIEF;
			break;
		case OPT_ALL:
			o->report.size = REPORT_ALL;
			break;
		case OPT_CONN:
			o->report.conns = xreallocarray(o->report.conns,
			    o->report.nconns + 1, sizeof *o->report.conns);
			o->report.conns[o->report.nconns++] = optarg;
			break;
		case OPT_RULE:
			o->report.rules = xreallocarray(o->report.rules,
			    o->report.nrules + 1, sizeof *o->report.rules);
			o->report.rules[o->report.nrules++] = optarg;
			break;
		case OPT_DB:
			if (*optarg == '\0')
				usage_error("--db: the file name is empty");
			o->db = optarg;
			break;
		case OPT_SQL:
			o->sql = optarg;
			break;
		case OPT_RULES:
			o->rules_dirs = xreallocarray(o->rules_dirs,
			    o->nrules_dirs + 1, sizeof *o->rules_dirs);
			o->rules_dirs[o->nrules_dirs++] = optarg;
			break;
		case OPT_SINCE:
			o->since = optarg;
			break;
		case OPT_UNTIL:
			o->until = optarg;
			break;
		case OPT_FAIL_ON:
			o->fail_on = severity_from_name(optarg);
			if (o->fail_on < 0)
				usage_error("--fail-on: '%s' is not error, "
				    "warning or info", optarg);
			break;
		case OPT_INPUT_FORMAT:
			o->ingest.envelope = formats_kind_from_name(optarg);
			if (o->ingest.envelope < 0)
				usage_error("--input-format: unknown format "
				    "'%s'", optarg);
			break;
		case OPT_BURST_GAP:
			o->burst_gap_ms = parse_number(optarg, "--burst-gap",
			    RUNS_BURST_SPLIT_MS, 86400000);
			break;
		case OPT_SQL_TIMEOUT:
			o->sql_timeout_ms = parse_number(optarg,
			    "--sql-timeout", 0, 86400) * 1000;
			break;
		case OPT_SAMPLES:
			o->ingest.max_samples = (unsigned)parse_number(optarg,
			    "--samples", 0, 100000);
			break;
		case OPT_THREADS:
			o->ingest.threads = (int)parse_number(optarg,
			    "--threads", 1, 2);
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'v':
			log_verbose++;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_RAN);
		case OPT_INGEST_ONLY:
			o->ingest_only = 1;
			break;
		case OPT_VERSION:
			version();
			exit(EXIT_RAN);
		default:
			getopt_error(c, argv[optind - 1]);
		}
	}
	if (o->ingest_only) {
		if (o->sql != NULL)
			ingest_only_conflict("--sql");
		if (o->output != NULL)
			ingest_only_conflict("-o");
		if (o->format_given)
			ingest_only_conflict("--format");
		if (o->fail_on >= 0)
			ingest_only_conflict("--fail-on");
	}
	o->ingest.progress = !o->quiet && isatty(STDERR_FILENO);
	o->ingest.quiet = o->quiet;
}

static volatile sig_atomic_t stop_mode;	/* catch_stop_signals */
/*
 * The terminal view is the default only where a person reads: standard
 * output a terminal, no -o.  Its width is the terminal's, else COLUMNS,
 * else 80; colour only at a terminal without NO_COLOR, or when asked.
 */
static void
text_options(struct options *o)
{
	struct winsize	 ws;
	const char	*env;
	int		 tty;
	long		 n;
	char		*end;

	tty = o->output == NULL && isatty(STDOUT_FILENO);
	if (o->format == -1)
		o->format = tty ? FORMAT_TEXT : FORMAT_MD;
	o->report.width = 0;
	if (tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		o->report.width = ws.ws_col;
	if (o->report.width == 0 && (env = getenv("COLUMNS")) != NULL) {
		n = strtol(env, &end, 10);
		if (end != env && *end == '\0' && n > 0 && n < 10000)
			o->report.width = (int)n;
	}
	if (o->report.width == 0)
		o->report.width = 80;
	if (o->report.width < 40)
		o->report.width = 40;
	switch (o->color) {
	case COLOR_ALWAYS:
		o->report.color = 1;
		break;
	case COLOR_NEVER:
		o->report.color = 0;
		break;
	default:
		env = getenv("NO_COLOR");
		o->report.color = tty && (env == NULL || *env == '\0');
		env = getenv("TERM");
		if (env != NULL && strcmp(env, "dumb") == 0)
			o->report.color = 0;
		break;
	}
}

static void
on_stop_signal(int sig)
{
	if (stop_mode == 2 && ingest_stop) {
		/* the second signal: end now, but leave no temporary file */
		output_unlink_temporary();
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	ingest_stop = 1;
}

/*
 * While reading (mode 1), SIGINT and SIGTERM stop the reading and the
 * report of what was read is written, marked partial.  No SA_RESTART: a
 * read blocked on a pipe must return.  Afterwards (mode 2) the first one
 * stops the run, once SQLite or the output notices it; the next one kills
 * as usual, after removing the report's temporary file.
 */
static void
catch_stop_signals(int mode)
{
	struct sigaction	sa;

	stop_mode = mode;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = mode != 0 ? on_stop_signal : SIG_DFL;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Seconds since the previous call, for -v timings. */
static double
lap(void)
{
	static double	prev;
	double		now, d;

	now = time_elapsed();
	d = now - prev;
	prev = now;
	return d;
}

/*
 * Whether standard input is something to read: a pipe, a socket or a file,
 * not a terminal or a device such as cron's /dev/null.
 */
static int
stdin_is_input(void)
{
	struct stat	sb;

	return fstat(STDIN_FILENO, &sb) == 0 && !S_ISCHR(sb.st_mode);
}

/*
 * Whether -o names a file the run reads (one of the n inputs, standard
 * input for "-", or the database), by device and inode, whatever the
 * names: said on stderr.
 */
static int
output_clobbers(const struct options *o, const char **files, int n)
{
	int	i;

	if (o->output == NULL || strcmp(o->output, "-") == 0)
		return 0;
	if (o->db != NULL && output_is_same_file(o->output, o->db)) {
		log_warnx("-o %s: the same file as the database (--db %s)",
		    o->output, o->db);
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (output_is_same_file(o->output, files[i])) {
			log_warnx("-o %s: the same file as the input %s",
			    o->output, strcmp(files[i], "-") == 0 ? "<stdin>" :
			    files[i]);
			return 1;
		}
	}
	return 0;
}

static int
fail_on_hit(struct store *s, int sev)
{
	char		*sql;
	int64_t		 n = 0;
	sqlite3_stmt	*st;

	sql = xasprintf("SELECT count(*) FROM findings WHERE severity_rank "
	    ">= %d", sev);
	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	free(sql);
	return n > 0;
}

int
main(int argc, char **argv)
{
	struct options		 o;
	struct store		*store = NULL;
	struct ingest		*ing = NULL;
	struct ruleset		*rules = NULL;
	struct input_stats	 st;
	struct buf		 out;
	struct output		*dst;
	struct inputset		 set;
	char			*cause = NULL;
	const char		*stdin_only[] = { "-" };
	const char		**files;
	int64_t			 now, since = TS_NONE, until = TS_NONE;
	int			 nfiles, i, status = EXIT_RAN, rc;
	int			 read = 0, relay = 0;
	size_t			 nread = 0, nfailed = 0;

	/*
	 * A closed output pipe (loganalyze ... | head) ends the run quietly,
	 * even when the caller left SIGPIPE ignored: by then the inputs and
	 * any --db are committed.
	 */
	fault_init();	/* tests only: configure --enable-fault-injection */
	signal(SIGPIPE, SIG_DFL);
	/* past ulimit -f a write fails with EFBIG, an I/O error (exit 3) */
	signal(SIGXFSZ, SIG_IGN);
	catch_stop_signals(1);
	parse_options(argc, argv, &o);
	text_options(&o);
	lap();
	inputset_expand(&set, (const char *const *)argv + optind,
	    (size_t)(argc - optind));
	files = (const char **)set.paths;
	nfiles = (int)set.n;
	/* with --db, no FILE and no piped input: report over the database */
	if (argc == optind && (o.db == NULL || stdin_is_input())) {
		files = stdin_only;
		nfiles = 1;
	}
	if (output_clobbers(&o, files, nfiles)) {
		status = EXIT_USAGE;
		goto out;
	}
	now = (int64_t)time(NULL) * 1000;
	if (o.since != NULL && time_parse_arg(o.since, now, &since) != 0)
		usage_error("--since: '%s' is not a time (2025-12-10T11:08:00Z,"
		    " 2025-12-10, 30m, 24h, 7d)", o.since);
	if (o.until != NULL && time_parse_arg(o.until, now, &until) != 0)
		usage_error("--until: '%s' is not a time (2025-12-10T11:08:00Z,"
		    " 2025-12-10, 30m, 24h, 7d)", o.until);

	rules = rules_create();
	rules_set_param(rules, "burst_gap_ms", o.burst_gap_ms);
	if (rules_load_builtin(rules, &cause) != 0) {
		log_warnx("%s", cause);
		status = EXIT_IO;
		goto out;
	}
	for (i = 0; i < (int)o.nrules_dirs; i++) {
		if (rules_load_dir(rules, o.rules_dirs[i], &cause) != 0) {
			log_warnx("--rules: %s", cause);
			status = EXIT_USAGE;
			goto out;
		}
	}

	store = store_open(o.db, &cause);
	if (store == NULL) {
		log_warnx("%s", cause);
		status = EXIT_IO;
		goto out;
	}
	if (store_is_readonly(store) && nfiles > 0) {
		log_warnx("%s: the database is read-only: no input can be "
		    "added to it", o.db);
		status = EXIT_IO;
		goto out;
	}
	ing = ingest_create(&o.ingest, &cause);
	if (ing == NULL)
		fatalx("%s", cause);

	for (i = 0; i < (int)set.nerrors; i++) {
		log_warnx("%s", set.errors[i]);
		status = EXIT_IO;
	}
	for (i = 0; i < nfiles && !ingest_stop; i++) {
		if (ingest_file(ing, store, files[i], &st, &cause) != 0) {
			log_warnx("%s", cause);
			free(cause);
			cause = NULL;
			status = EXIT_IO;
			nfailed++;
			continue;
		}
		nread++;
		log_debug("%s: %llu lines, %llu events, %llu unparsed in "
		    "%.3f s", files[i], (unsigned long long)st.lines,
		    (unsigned long long)st.events,
		    (unsigned long long)st.unparsed, lap());
		if (st.disposition == INGEST_SKIPPED)
			continue;
		read++;
		relay += st.events > 0;
		store_note_unread(store, st.looks_relay);
		if (st.events == 0 && st.lines > 0)
			log_warnx("%s: no relay log lines among %llu line%s "
			    "(first: \"%s\")", files[i],
			    (unsigned long long)st.lines, st.lines == 1 ? "" :
			    "s", st.first);
	}

	if (ingest_stop) {
		log_warnx("interrupted: the report covers what was read so far");
		status = EXIT_IO;
	}
	if (o.ingest_only) {
		if (store_order(store, &cause) != 0) {
			log_warnx("%s", cause);
			status = EXIT_IO;
		}
		goto out;
	}
	/* no input could be read: a report would read as a clean run */
	if (nread == 0 && nfailed + set.nerrors > 0)
		goto out;
	/*
	 * From here a stop signal stops the run: the sandbox's progress
	 * handler ends a rule or --sql query, and the report is not put in
	 * place.  A second signal kills as usual.
	 */
	ingest_stop = 0;
	catch_stop_signals(2);
	sandbox_set_timeout(store_sandbox(store), o.sql_timeout_ms);

	/* a nightly report compares with the window before (--since) */
	if (report_compare_prepare(store, rules, since, until != TS_NONE ?
	    until : now, &cause) != 0) {
		log_warnx("%s", cause);
		status = EXIT_IO;
		goto out;
	}
	if (store_finish_load(store, since, until, &cause) != 0) {
		log_warnx("%s", cause);
		status = EXIT_IO;
		goto out;
	}
	log_debug("indexes and connections in %.3f s", lap());
	rc = rules_run(rules, store, &cause);
	if (rc != 0) {
		log_warnx("%s", cause);
		/* the user's rule is a usage error; anything else, ours */
		status = rc == -2 ? EXIT_IO : EXIT_USAGE;
		goto out;
	}
	log_debug("%zu rules in %.3f s", rules_count(rules), lap());
	if ((rc = report_focus(store, rules, &o.report, &cause)) != 0) {
		log_warnx("%s", cause);
		status = rc == -1 ? EXIT_USAGE : EXIT_IO;
		goto out;
	}

	if ((dst = output_open(o.output, &cause)) == NULL) {
		log_warnx("%s", cause);
		status = EXIT_IO;
		goto out;
	}
	buf_init(&out);
	if (o.sql != NULL)
		rc = query_run(store, o.sql, o.format == FORMAT_JSON, &out,
		    dst, &cause);
	else if (o.format == FORMAT_JSON)
		rc = report_json(store, &o.report, &out, dst, &cause);
	else if (o.format == FORMAT_TEXT)
		rc = report_text(store, &o.report, &out, dst, &cause);
	else
		rc = report_markdown(store, &o.report, &out, dst, &cause);
	if (rc == 0 && store_columns_failed()) {
		cause = xstrdup("report: out of memory reading a query's row");
		rc = -2;
	}
	if (rc != 0) {
		log_warnx("%s", cause);
		buf_free(&out);
		output_abort(dst);
		/* -2: the query ran, but its output could not be written */
		status = o.sql != NULL && rc != -2 ? EXIT_USAGE : EXIT_IO;
		goto out;
	}
	log_debug("report in %.3f s; SQLite used %.1f MB at most", lap(),
	    (double)sqlite3_memory_highwater(0) / 1e6);
	if (output_write(dst, &out, &cause) != 0) {
		output_abort(dst);
		rc = -1;
	} else
		rc = output_close(dst, &cause);
	buf_free(&out);
	if (rc != 0) {
		log_warnx("%s", cause);
		status = EXIT_IO;
		goto out;
	}
	if (status == EXIT_RAN && o.fail_on >= 0 &&
	    fail_on_hit(store, o.fail_on))
		status = EXIT_FINDINGS;
	/* "no findings" must not read as "all clear" */
	if (status == EXIT_RAN && read > 0 && relay == 0)
		status = EXIT_NO_RELAY;
out:
	inputset_free(&set);
	free(cause);
	free(o.rules_dirs);
	free(o.report.conns);
	free(o.report.rules);
	ingest_free(ing);
	rules_free(rules);
	store_close(store);
	return status;
}
