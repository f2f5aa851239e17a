#!/usr/bin/env bash
# bench/scale.sh (or bench/run.sh scale) — does coopress stay fast as the
# archive grows? For each size it generates that many articles into a fresh
# data directory with `coopress demo-generate`, serves it, loads the front
# page and an article page with wrk, and records req/s, latency and memory.
# Issue 2's target: at 100,000 articles both pages keep at least half their
# speed at 1,000.
#
# Environment: SCALE_COUNTS ("1000 100000"), DURATION (10s), WARMUP (2s),
# THREADS (2), CONNECTIONS (50), ARTICLE_PATH, SCALE_SERVE_FLAGS (extra
# flags for `coopress serve`), NO_BUILD=1, COOPRESS_BIN.
set -euo pipefail

WORK=$(mktemp -d -t coopress-scale.XXXXXX)
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM
for tool in curl wrk go; do
	command -v "$tool" >/dev/null || die "$tool is missing (apt-get install -y wrk curl)"
done
read -r -a COUNTS <<<"${SCALE_COUNTS:-1000 100000}"
((${#COUNTS[@]} >= 1)) || die "SCALE_COUNTS is empty"

build
if ! "$BIN" help 2>&1 | grep -qw demo-generate; then
	die "$BIN has no demo-generate subcommand yet, so it cannot make ${COUNTS[*]} articles.
It must accept: coopress demo-generate --count N --data DIR (fill DIR's database with N generated articles)."
fi

# measure N fills the table columns for one archive size.
declare -A R
measure() {
	local n=$1 data=$WORK/data-$1 start article
	echo "bench: generating $n articles" >&2
	start=$(date +%s.%N)
	# Bounded: 100,000 articles should take well under a minute here.
	timeout 1800 "$BIN" demo-generate --count "$n" --data "$data" >"$WORK/generate-$n.log" 2>&1 ||
		{ tail -n 20 "$WORK/generate-$n.log" >&2; die "demo-generate --count $n failed"; }
	R[gen,$n]=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
	R[disk,$n]=$(du -sm "$data" | cut -f1)

	# SCALE_SERVE_FLAGS is split into words on purpose.
	# shellcheck disable=SC2086
	start_coopress "$data" "$WORK/coopress-$n.log" ${SCALE_SERVE_FLAGS:-}
	R[rss0,$n]=$(($(rss_kb "$CP_PID") / 1024))
	article=${ARTICLE_PATH:-$(first_article "$CP_URL")}
	[[ -n $article ]] || die "no href=\"/article/…\" on the front page at $n articles; set ARTICLE_PATH"
	R[path,$n]=$article

	load "$CP_URL/" "front-$n"
	load "$CP_URL$article" "article-$n"
	local page f
	for page in front article; do
		for f in rps p50 p99; do
			R[$page-$f,$n]=$(wrk_field "$page-$n" "$f")
		done
	done
	R[rss,$n]=$(($(rss_kb "$CP_PID") / 1024))
	R[peak,$n]=$(($(rss_kb "$CP_PID" peak) / 1024))
	stop "$CP_PID"
}

for n in "${COUNTS[@]}"; do
	[[ $n =~ ^[0-9]+$ ]] || die "SCALE_COUNTS: $n is not a number"
	measure "$n"
done

first=${COUNTS[0]}
last=${COUNTS[-1]}
table() {
	local head="| metric |" rule="|---|" n key label
	for n in "${COUNTS[@]}"; do
		head+=" $n articles |"
		rule+="---:|"
	done
	echo "$head ratio $last/$first |"
	echo "$rule---:|"
	while IFS='|' read -r key label; do
		local line="| $label |"
		for n in "${COUNTS[@]}"; do line+=" ${R[$key,$n]} |"; done
		echo "$line $(ratio "${R[$key,$last]}" "${R[$key,$first]}") |"
	done <<-EOF
		front-rps|front page, req/s
		front-p50|front page, p50 ms
		front-p99|front page, p99 ms
		article-rps|article page, req/s
		article-p50|article page, p50 ms
		article-p99|article page, p99 ms
		rss0|RSS after start, MiB
		rss|RSS after the runs, MiB
		peak|peak RSS (VmHWM), MiB
		disk|data directory, MiB
		gen|demo-generate, seconds
	EOF
}
verdict() { # RATIO: the speed at the largest size over the smallest
	if awk -v r="$1" 'BEGIN { exit !(r + 0 >= 0.5) }'; then echo PASS; else echo FAIL; fi
}
FRONT_R=$(ratio "${R[front-rps,$last]}" "${R[front-rps,$first]}")
ART_R=$(ratio "${R[article-rps,$last]}" "${R[article-rps,$first]}")

save_results scale <<EOF
## Scale benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')

$(machine)
- article page measured: $(for n in "${COUNTS[@]}"; do printf '%s → `%s` ' "$n" "${R[path,$n]}"; done)

$(table)

Targets (issue 2): at $last articles each page keeps ≥ 0.5× its req/s at $first.
- front page: ${FRONT_R}× — $(verdict "$FRONT_R")
- article page: ${ART_R}× — $(verdict "$ART_R")
EOF
