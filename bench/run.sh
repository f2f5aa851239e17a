#!/usr/bin/env bash
# bench/run.sh — how fast coopress serves its pages, next to nginx serving the
# same HTML as a static file (issue 2, "Speed"). A benchmark, not a test: it
# prints and saves figures and checks the targets, but the exit status only
# says whether the run itself worked.
#
#   bench/run.sh            the article page and the front page vs nginx
#   bench/run.sh scale      1,000 vs 100,000 articles (see bench/scale.sh)
#   bench/run.sh compress   with and without compression, vs nginx and a bare
#                           net/http handler (see bench/compress.sh)
#   bench/run.sh live       thousands of live fund-box streams (bench/live.sh)
#
# Environment: DURATION (10s), WARMUP (2s), THREADS (2), CONNECTIONS (50),
# ARTICLE_PATH (default: the first /article/ link on the front page),
# NO_BUILD=1 to use bin/coopress (or $COOPRESS_BIN) as it is.
# Needs go, curl, nginx and wrk (apt-get install -y nginx wrk).
set -euo pipefail

if [[ ${1:-} == scale ]]; then
	exec "$(dirname "$0")/scale.sh" "${@:2}"
fi
if [[ ${1:-} == compress ]]; then
	exec "$(dirname "$0")/compress.sh" "${@:2}"
fi
if [[ ${1:-} == live ]]; then
	exec "$(dirname "$0")/live.sh" "${@:2}"
fi
[[ $# -eq 0 ]] || { echo "usage: bench/run.sh [scale|compress|live]" >&2; exit 2; }

WORK=$(mktemp -d -t coopress-bench.XXXXXX)
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM
for tool in curl nginx wrk go; do
	command -v "$tool" >/dev/null || die "$tool is missing (apt-get install -y nginx wrk curl)"
done

build
start_coopress "$WORK/data" "$WORK/coopress.log" --demo
echo "bench: coopress pid $CP_PID at $CP_URL" >&2

ARTICLE=${ARTICLE_PATH:-$(first_article "$CP_URL")}
[[ -n $ARTICLE ]] || die "no href=\"/article/…\" on $CP_URL/; set ARTICLE_PATH"

# Save both pages exactly as coopress sends them, with their Content-Type.
mkdir -p "$WORK/www"
fetch_page() { # PATH NAME
	local ct
	ct=$(curl -fsS --max-time 10 -o "$WORK/www/$2" -w '%{content_type}' "$CP_URL$1") || die "GET $1 failed"
	echo "${ct:-text/html; charset=utf-8}" >"$WORK/www/$2.type"
}
fetch_page "$ARTICLE" article
fetch_page / front

# css_bytes NAME sums the stylesheets the saved page links to, as fetched
# from coopress (uncompressed, as wrk and this table count bytes).
css_bytes() {
	local total=0 href n
	while read -r href; do
		[[ -z $href ]] && continue
		case $href in
		http://* | https://*) url=$href ;;
		//*) url="http:$href" ;;
		/*) url="$CP_URL$href" ;;
		*) url="$CP_URL/$href" ;;
		esac
		n=$(curl -fsS --max-time 10 -o /dev/null -w '%{size_download}' "$url") || die "GET stylesheet $url failed"
		total=$((total + n))
	done < <(grep -o '<link[^>]*>' "$WORK/www/$1" | grep -Ei 'rel="?stylesheet' | grep -o 'href="[^"]*"' | cut -d'"' -f2 | sort -u)
	echo "$total"
}

# blocking_scripts NAME counts scripts in <head> that stop rendering: an
# external or inline script with neither async, defer nor type=module
# (JSON-LD data blocks do not run, so they do not count).
blocking_scripts() {
	sed -n '1,/<\/head>/p' "$WORK/www/$1" | { grep -o '<script[^>]*>' || true; } |
		{ grep -Eiv 'async|defer|type="?(module|application/(ld\+)?json)' || true; } | wc -l
}

NG_PORT=$(free_port)
start_nginx "$WORK/www" "$NG_PORT"
wait_http "$NG_URL/article" 10 "$NG_PID" "$WORK/nginx/error.log"

# One target at a time, so they never share the two cores.
load "$NG_URL/article" nginx-article
load "$CP_URL$ARTICLE" coopress-article
load "$NG_URL/front" nginx-front
load "$CP_URL/" coopress-front
RSS=$(rss_kb "$CP_PID")
PEAK=$(rss_kb "$CP_PID" peak)

row() { # LABEL NAME BASELINE
	local rps p50 p99 r
	rps=$(wrk_field "$2" rps)
	p50=$(wrk_field "$2" p50)
	p99=$(wrk_field "$2" p99)
	r="1.00"
	[[ -n ${3:-} ]] && r="$(ratio "$rps" "$(wrk_field "$3" rps)")× req/s, $(ratio "$p99" "$(wrk_field "$3" p99)")× p99"
	echo "| $1 | $rps | $p50 ms | $p99 ms | $r |"
}
verdict() { # VALUE {ge|le} LIMIT
	if awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN { exit !(op == "ge" ? v + 0 >= l + 0 : v + 0 <= l + 0) }'; then
		echo PASS
	else
		echo FAIL
	fi
}

HTML=$(wc -c <"$WORK/www/article")
CSS=$(css_bytes article)
GZ=$(gzip -9c "$WORK/www/article" | wc -c)
FRONT_HTML=$(wc -c <"$WORK/www/front")
BLOCK=$(blocking_scripts article)
R_RPS=$(ratio "$(wrk_field coopress-article rps)" "$(wrk_field nginx-article rps)")
R_P99=$(ratio "$(wrk_field coopress-article p99)" "$(wrk_field nginx-article p99)")

save_results results <<EOF
## Page benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')

$(machine)
- article: \`$ARTICLE\`, $HTML bytes of HTML ($GZ gzipped) + $CSS bytes of CSS; front page: $FRONT_HTML bytes of HTML
- coopress memory after the runs: RSS $((RSS / 1024)) MiB (peak $((PEAK / 1024)) MiB)

| target | req/s | p50 | p99 | ratio to nginx |
|---|---:|---:|---:|---|
$(row "nginx, article as a static file" nginx-article)
$(row "coopress, article page" coopress-article nginx-article)
$(row "nginx, front page as a static file" nginx-front)
$(row "coopress, front page" coopress-front nginx-front)

Targets (issue 2):
- article req/s ≥ 0.5× nginx: ${R_RPS}× — $(verdict "$R_RPS" ge 0.5)
- article p99 ≤ 2× nginx's: ${R_P99}× — $(verdict "$R_P99" le 2)
- article HTML + CSS ≤ 30 KB (30,720 bytes): $((HTML + CSS)) bytes — $(verdict $((HTML + CSS)) le 30720)
- no render-blocking script: $BLOCK in <head> — $(verdict "$BLOCK" le 0)
EOF
