# shellcheck shell=bash
# Shared pieces of bench/run.sh and bench/scale.sh: free ports, starting and
# stopping coopress and nginx, running wrk and reading its report.
# Source it; it expects `set -euo pipefail` and $WORK (a temp dir) to be set.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${COOPRESS_BIN:-$ROOT/bin/coopress} # another binary: COOPRESS_BIN=… NO_BUILD=1
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-50}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
PIDS=() # every process we start, stopped by cleanup

die() { echo "bench: $*" >&2; exit 1; }

# seconds turns a wrk duration (30, 30s, 2m) into seconds, refusing anything
# that would make the run unbounded or absurd.
seconds() {
	local d=$1 n
	[[ $d =~ ^([0-9]+)([sm]?)$ ]] || die "duration $d: use N, Ns or Nm"
	n=${BASH_REMATCH[1]}
	[[ ${BASH_REMATCH[2]} == m ]] && n=$((n * 60))
	((n >= 1 && n <= 600)) || die "duration $d: keep it between 1s and 10m"
	echo "$n"
}

cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]}"; do
		# A polite stop first; a process still there after 10 s is killed.
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	PIDS=()
	if [[ -n ${WORK:-} && -d $WORK ]]; then rm -rf "$WORK"; fi
}

# stop ends one process we started (SIGTERM: coopress shuts down gracefully,
# nginx's master stops its workers) and waits for it.
stop() {
	local pid=$1 keep=() p
	kill "$pid" 2>/dev/null || true
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	for p in "${PIDS[@]}"; do [[ $p == "$pid" ]] || keep+=("$p"); done
	PIDS=("${keep[@]}")
}

# free_port prints a TCP port on 127.0.0.1 that nothing listens on. Pure bash
# (/dev/tcp), so the script needs neither python nor ss.
free_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	die "no free port found"
}

# wait_http waits up to $2 seconds for URL $1 to answer 200, failing early if
# the process $3 has died.
wait_http() {
	local url=$1 limit=$2 pid=$3 log=${4:-}
	for _ in $(seq $((limit * 10))); do
		if [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true) == 200 ]]; then
			return 0
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			[[ -n $log ]] && tail -n 30 "$log" >&2
			die "process $pid exited before $url answered 200"
		fi
		sleep 0.1
	done
	[[ -n $log ]] && tail -n 30 "$log" >&2
	die "$url did not answer 200 within ${limit}s"
}

build() {
	if [[ ${NO_BUILD:-} == 1 ]]; then
		[[ -x $BIN ]] || die "NO_BUILD=1 but $BIN is missing"
		return
	fi
	echo "bench: go build -o bin/coopress ./cmd/coopress" >&2
	(cd "$ROOT" && go build -o bin/coopress ./cmd/coopress)
}

# start_coopress DATA_DIR LOG [extra serve flags…] starts the server on a free
# port and sets CP_PID and CP_URL.
start_coopress() {
	local data=$1 log=$2 port
	shift 2
	port=$(free_port)
	# Metrics have their own listener (127.0.0.1:9464 by default), which
	# several nodes on one machine cannot share; the benches do not read
	# them, so they are off.
	"$BIN" serve --addr "127.0.0.1:$port" --metrics-addr "" --data "$data" "$@" >"$log" 2>&1 &
	CP_PID=$!
	PIDS+=("$CP_PID")
	CP_URL="http://127.0.0.1:$port"
	# Generous: the first start migrates and loads the demo content.
	wait_http "$CP_URL/readyz" 120 "$CP_PID" "$log"
}

# rss_kb prints VmRSS of process $1 in kB (VmHWM, the peak, with $2=peak).
rss_kb() {
	local field=VmRSS
	[[ ${2:-} == peak ]] && field=VmHWM
	awk -v f="$field:" '$1 == f { print $2 }' "/proc/$1/status"
}

# first_article URL prints the path of the first /article/ link on a page.
first_article() {
	curl -fsS --max-time 10 "$1/" | grep -o 'href="/article/[^"#]*' | head -n 1 | cut -c7- || true
}

# start_nginx DIR PORT writes a config serving DIR's files and starts Debian's
# nginx in the foreground of a background job; sets NG_PID and NG_URL. Each
# file NAME is served at /NAME with the Content-Type in DIR/NAME.type.
start_nginx() {
	local www=$1 port=$2 conf=$WORK/nginx/nginx.conf f name
	mkdir -p "$WORK/nginx/tmp"
	# nginx's workers drop root for an unprivileged user, who must be able to
	# reach the files through mktemp's 0700 directory.
	chmod 755 "$WORK" "$www"
	chmod 644 "$www"/*
	{
		cat <<-EOF
			# One worker per core, as a production nginx would run here.
			worker_processes auto;
			daemon off;
			pid $WORK/nginx/nginx.pid;
			error_log $WORK/nginx/error.log warn;
			events { worker_connections 4096; }
			http {
			    access_log off;
			    sendfile on;
			    # Debian's default "tcp_nopush on" stalls small responses by
			    # about 40 ms (issue 2); off is the fair, fast setting.
			    tcp_nopush off;
			    tcp_nodelay on;
			    # wrk holds its 50 connections for the whole run; without
			    # this nginx would close each one after 1,000 requests while
			    # Go's server keeps them open, and nginx would look slower.
			    keepalive_requests 1000000;
			    keepalive_timeout 65;
			    ${NGINX_HTTP_EXTRA:-}
			    client_body_temp_path $WORK/nginx/tmp/body;
			    proxy_temp_path $WORK/nginx/tmp/proxy;
			    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
			    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
			    scgi_temp_path $WORK/nginx/tmp/scgi;
			    server {
			        listen 127.0.0.1:$port;
			        root $www;
		EOF
		for f in "$www"/*.type; do
			name=$(basename "$f" .type)
			# The same Content-Type coopress sent, so both send the same bytes.
			printf '        location = /%s { types { } default_type "%s"; }\n' "$name" "$(cat "$f")"
		done
		printf '    }\n}\n'
	} >"$conf"
	nginx -t -q -p "$WORK/nginx" -e "$WORK/nginx/error.log" -c "$conf" || die "nginx rejected $conf"
	nginx -p "$WORK/nginx" -e "$WORK/nginx/error.log" -c "$conf" &
	NG_PID=$!
	PIDS+=("$NG_PID")
	NG_URL="http://127.0.0.1:$port"
}

# load URL NAME [HEADER] runs a short warm-up and then the measured wrk run,
# one at a time, and saves wrk's report as $WORK/wrk-NAME.txt. HEADER, such
# as "Accept-Encoding: gzip, br", goes on every request.
load() {
	local url=$1 name=$2 dur warm
	local -a hdr=()
	[[ -n ${3:-} ]] && hdr=(-H "$3")
	dur=$(seconds "$DURATION")
	warm=$(seconds "$WARMUP")
	echo "bench: wrk $url ($WARMUP warm-up, $DURATION measured)" >&2
	timeout $((warm + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${warm}s" "${hdr[@]}" "$url" >/dev/null
	cpu_busy >>"$WORK/busy.txt"
	timeout $((dur + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${dur}s" --latency "${hdr[@]}" "$url" >"$WORK/wrk-$name.txt"
	if grep -q 'Non-2xx\|Socket errors' "$WORK/wrk-$name.txt"; then
		echo "bench: WARNING: $name: $(grep 'Non-2xx\|Socket errors' "$WORK/wrk-$name.txt" | tr -s ' ')" >&2
	fi
}

# to_ms turns a wrk latency (512.00us, 1.20ms, 1.05s) into milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0
		if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000
		printf "%.2f", n
	}'
}

# wrk_field NAME {rps|p50|p99} reads one figure from a saved wrk report:
# requests per second, or a latency percentile in milliseconds.
wrk_field() {
	local f=$WORK/wrk-$1.txt
	case $2 in
	rps) awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$f" ;;
	p50) to_ms "$(awk '$1 == "50%" { print $2 }' "$f")" ;;
	p99) to_ms "$(awk '$1 == "99%" { print $2 }' "$f")" ;;
	esac
}

# ratio A B prints A/B with two decimals, or n/a.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'
}

# cpu_busy prints how busy the CPUs were, in percent, over one second: the
# runs share the machine, so other work (a build, a test suite) lowers the
# figures and the report says so.
cpu_busy() {
	local a b
	a=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $5 + $6 }' /proc/stat)
	sleep 1
	b=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $5 + $6 }' /proc/stat)
	awk -v a="$a" -v b="$b" 'BEGIN {
		split(a, x, " "); split(b, y, " ")
		busy = y[1] - x[1]; idle = y[2] - x[2]
		printf "%.0f\n", (busy + idle) ? 100 * busy / (busy + idle) : 0
	}'
}

# machine prints the Markdown lines that say what the figures were taken on.
machine() {
	local model mem
	model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
	echo "- machine: $(nproc) cores, ${model:-unknown CPU}, $mem RAM, Linux $(uname -r)"
	echo "- software: $(go version | cut -d' ' -f3-4), $(nginx -v 2>&1 | cut -d' ' -f3), wrk $(wrk -v 2>&1 | head -n1 | cut -d' ' -f2)"
	echo "- load: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency after a $WARMUP warm-up, from the same machine over 127.0.0.1, one target at a time"
	if [[ -s $WORK/busy.txt ]]; then
		echo "- other work on the machine: CPU $(sort -n "$WORK/busy.txt" | head -n1)–$(sort -n "$WORK/busy.txt" | tail -n1)% busy in the second before each measured run (well above 0 means other work shared the cores and the figures are low)"
	fi
	echo "- commit: $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)$(cd "$ROOT" && git diff --quiet HEAD -- . 2>/dev/null || echo ' (+ uncommitted changes)')"
}

# save_results NAME writes stdin to bench/out/NAME-<date>.md and to stdout.
save_results() {
	local out
	mkdir -p "$ROOT/bench/out"
	out="$ROOT/bench/out/$1-$(date -u +%Y-%m-%d-%H%M%S).md"
	tee "$out"
	echo "bench: saved $out" >&2
}
