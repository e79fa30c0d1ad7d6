# phases.gdb: where loganalyze's wall time goes, by phase, without changing
# the program: a breakpoint on each phase's entry prints a timestamp.
# Breakpoints cost nothing until hit, so the run keeps its speed (do not add
# a "catch syscall": it stops the program at every read and write).
#
#   gdb -q -batch -x docs/bench/phases.gdb --args ./loganalyze relay.log \
#       2>phases.txt >/dev/null
#   grep -v '^\[' phases.txt | awk 'NR > 1 { printf "%-18s %7.2f s\n", p, \
#       $2 - t } { p = $1; t = $2 }'
#
# Each line is the time from that function's entry to the next one's:
# ingest_file = read, parse and insert; store_finish_load = indexes and
# src/analysis.sql; rules_run = the rules; report_markdown = the report
# and its write.  Functions renamed in src/ need renaming here.
set pagination off
set confirm off
break main
commands
silent
shell echo "main $(date +%s.%N)" >&2
continue
end
break ingest_file
commands
silent
shell echo "ingest_file $(date +%s.%N)" >&2
continue
end
break store_finish_load
commands
silent
shell echo "store_finish_load $(date +%s.%N)" >&2
continue
end
break rules_run
commands
silent
shell echo "rules_run $(date +%s.%N)" >&2
continue
end
break report_markdown
commands
silent
shell echo "report_markdown $(date +%s.%N)" >&2
continue
end
break exit
commands
silent
shell echo "exit $(date +%s.%N)" >&2
continue
end
run
quit
