#!/usr/bin/env bash
# bench/live.sh (or bench/run.sh live) — the fund box's live updates by the
# ten thousand (issue 9). For each N it starts coopress on a fresh data
# directory, opens N /fund/live streams with bench/livebench, records gifts
# with `coopress fund add` (another process on the same database) and
# times each gift's arrival on every stream, and reads the server's memory.
# Target: 20,000 streams, every one has the gift within 1 s, ≤ 20 KB of
# server memory per stream.
#
# Environment: LIVE_COUNTS ("5000 10000 20000"), LIVE_GIFTS (3),
# LIVE_DATABASE_URL (a postgres:// URL: serve and record on PostgreSQL,
# where other processes' changes arrive by LISTEN/NOTIFY instead of the
# quarter-second poll of SQLite (internal/app/fund.go); scripts/with-postgres.sh sets
# COOPRESS_TEST_DATABASE_URL, which is taken too),
# LIVE_LABEL (first column, default the commit), LIVE_SERVE_FLAGS (extra
# flags for `coopress serve`), NO_BUILD=1, COOPRESS_BIN.
set -euo pipefail

WORK=$(mktemp -d -t coopress-live.XXXXXX)
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM
for tool in curl go; do
	command -v "$tool" >/dev/null || die "$tool is missing"
done
read -r -a COUNTS <<<"${LIVE_COUNTS:-5000 10000 20000}"
GIFTS=${LIVE_GIFTS:-3}
LABEL=${LIVE_LABEL:-$(cd "$ROOT" && git rev-parse --short HEAD)}

# Each stream is a socket at both ends, and client and server are two
# processes here, each under the file limit; 20,000 streams need more than
# the usual hard limit of 20,000. Root may raise it (up to fs.nr_open); where
# it cannot (a container without CAP_SYS_RESOURCE) a count the limit cannot
# hold is lowered to fit, and the results say so.
NOTE=""
max=0
for n in "${COUNTS[@]}"; do
	[[ $n =~ ^[0-9]+$ ]] || die "LIVE_COUNTS: $n is not a number"
	((n > max)) && max=$n
done
want=$((max + 1024))
if (($(ulimit -n) < want)) && ! ulimit -n "$want" 2>/dev/null; then
	ulimit -n "$(ulimit -Hn)"
	fit=$(($(ulimit -Hn) - 200)) # the server's database, logs and listener
	for i in "${!COUNTS[@]}"; do
		if ((COUNTS[i] > fit)); then
			NOTE="- the file limit could not be raised past $(ulimit -Hn) here (no CAP_SYS_RESOURCE), so ${COUNTS[i]} streams were measured as $fit"
			echo "bench: ${NOTE#- }" >&2
			COUNTS[i]=$fit
		fi
	done
	max=$((max > fit ? fit : max))
fi
ports=$(awk '{ print $2 - $1 }' /proc/sys/net/ipv4/ip_local_port_range)
((ports > max)) || die "only $ports local ports for $max streams (net.ipv4.ip_local_port_range)"

# The client's streams hold thousands of the local ports (and leave them
# in TIME_WAIT after each size), so the servers listen below that range:
# lib.sh's free_port, which picks from 20000-60000, is replaced here.
EPHEMERAL=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range)
((EPHEMERAL > 11000)) || die "no ports below the local port range ($EPHEMERAL) to listen on"
free_port() {
	local p
	for _ in $(seq 50); do
		p=$((10000 + RANDOM % (EPHEMERAL - 10000)))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	die "no free port found"
}

build
echo "bench: go build -o bin/livebench ./bench/livebench" >&2
(cd "$ROOT" && go build -o bin/livebench ./bench/livebench)

DB_URL=${LIVE_DATABASE_URL:-${COOPRESS_TEST_DATABASE_URL:-}}
db_serve=() db_client=() ENGINE=SQLite
if [[ -n $DB_URL ]]; then
	db_serve=(--database "$DB_URL") db_client=(-database "$DB_URL") ENGINE=PostgreSQL
fi

rows=$WORK/rows.md
"$ROOT/bin/livebench" -header >"$rows"
loads=()
demo=--demo
for n in "${COUNTS[@]}"; do
	data=$WORK/data-$n
	# The limits are raised past N: this measures the streams, not the cap.
	# LIVE_SERVE_FLAGS is split into words on purpose.
	# The server's own metrics say how long its fan-out took, apart from
	# the client reading the streams on the same cores.
	metrics=127.0.0.1:$(free_port)
	# shellcheck disable=SC2086
	start_coopress "$data" "$WORK/coopress-$n.log" $demo --live-max $((n + 100)) --live-max-per-client $((n + 100)) \
		--metrics-addr "$metrics" "${db_serve[@]}" ${LIVE_SERVE_FLAGS:-}
	# One PostgreSQL database serves every size: the demo goes in once.
	[[ -n $DB_URL ]] && demo=""
	loads+=("$(cut -d' ' -f1 /proc/loadavg)")
	echo "bench: $n streams to $CP_URL (pid $CP_PID), load average ${loads[-1]}" >&2
	"$ROOT/bin/livebench" -url "$CP_URL" -n "$n" -pid "$CP_PID" -coopress "$BIN" -data "$data" "${db_client[@]}" \
		-metrics "http://$metrics/metrics" -gifts "$GIFTS" -label "$LABEL" >>"$rows"
	stop "$CP_PID"
done

save_results live <<EOF
## Live fund boxes, $(date -u '+%Y-%m-%d %H:%M UTC')

- machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, Linux $(uname -r), $(go version | cut -d' ' -f3)
- load average (1 min) as each size started: ${loads[*]} (other work shares the two cores; above 2 the figures are pessimistic)
- commit: $(cd "$ROOT" && git rev-parse --short HEAD)$(cd "$ROOT" && git diff --quiet HEAD -- . 2>/dev/null || echo ' (+ uncommitted changes)')
- each gift is \`coopress fund add --amount 1.00\` on the server's $ENGINE database; times run from the command's start, so they include its own start-up and how the server learns of another process's gift (on SQLite a poll every 250 ms, on PostgreSQL LISTEN/NOTIFY): *first* less *command* is about that wait, *spread* is the last stream's arrival less the first's (the fan-out as the client sees it, on the same two cores); *server fan-out* is the server's own time to write the gift to every stream (\`coopress_fund_live_fanout_seconds\`, n/a where the build has no such metric); *added per stream* is the RSS the streams added over N (the server's start leaves freed heap that the streams reuse, so it is low), *all RSS per stream* the whole process's RSS over N (an upper bound)
${NOTE}

$(cat "$rows")
EOF
