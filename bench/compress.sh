#!/usr/bin/env bash
# bench/compress.sh (or bench/run.sh compress) — the article page with and
# without compression, against nginx serving the same bytes statically and
# a bare net/http handler (bench/bare) sending them with nothing else, all
# in one run (issue 9's targets). A benchmark, not a test: it prints and
# saves figures and verdicts; the exit status says only whether it ran.
#
# Browsers send "Accept-Encoding: gzip, deflate, br, zstd"; coopress then
# answers in brotli, the bare handler in the same brotli bytes, and nginx
# (gzip_static on, no brotli module in Debian's nginx) in gzip -9.
#
# Environment: DURATION (10s), WARMUP (2s), THREADS (2), CONNECTIONS (50),
# ARTICLE_PATH, NO_BUILD=1. Needs go, curl, nginx, wrk and gzip.
set -euo pipefail

WORK=$(mktemp -d -t coopress-compress.XXXXXX)
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM
for tool in curl nginx wrk go gzip; do
	command -v "$tool" >/dev/null || die "$tool is missing (apt-get install -y nginx wrk curl gzip)"
done
ACCEPT="Accept-Encoding: gzip, deflate, br, zstd"

build
(cd "$ROOT" && go build -o bin/bare ./bench/bare)
start_coopress "$WORK/data" "$WORK/coopress.log" --demo
ARTICLE=${ARTICLE_PATH:-$(first_article "$CP_URL")}
[[ -n $ARTICLE ]] || die "no href=\"/article/…\" on $CP_URL/; set ARTICLE_PATH"

# The same page three ways: as it is, in coopress's brotli, in gzip -9.
mkdir -p "$WORK/www"
ct=$(curl -fsS --max-time 10 -H "Accept-Encoding: identity" -o "$WORK/www/article" -w '%{content_type}' "$CP_URL$ARTICLE")
echo "${ct:-text/html; charset=utf-8}" >"$WORK/www/article.type"
enc=$(curl -fsS --max-time 10 -H "$ACCEPT" -o "$WORK/www/article.br" -w '%header{content-encoding}' "$CP_URL$ARTICLE")
[[ $enc == br ]] || die "coopress answered $ACCEPT with Content-Encoding '$enc', not br"
gzip -9 -k -c "$WORK/www/article" >"$WORK/www/article.gz"
CSS=$(curl -fsS --max-time 10 "$CP_URL$ARTICLE" | grep -o 'href="/static/style[^"]*\.css"' | head -n1 | cut -d'"' -f2)
CSS_PLAIN=$(curl -fsS --max-time 10 -H "Accept-Encoding: identity" -o /dev/null -w '%{size_download}' "$CP_URL$CSS")
CSS_BR=$(curl -fsS --max-time 10 -H "$ACCEPT" -o /dev/null -w '%{size_download}' "$CP_URL$CSS")
HTML_PLAIN=$(wc -c <"$WORK/www/article")
HTML_BR=$(wc -c <"$WORK/www/article.br")
HTML_GZ=$(wc -c <"$WORK/www/article.gz")

NGINX_HTTP_EXTRA="gzip_static on;"
NG_PORT=$(free_port)
start_nginx "$WORK/www" "$NG_PORT"
wait_http "$NG_URL/article" 10 "$NG_PID" "$WORK/nginx/error.log"
[[ $(curl -fsS -H "$ACCEPT" -o /dev/null -w '%header{content-encoding}' "$NG_URL/article") == gzip ]] ||
	die "nginx does not serve article.gz with gzip_static"

BARE_PORT=$(free_port)
"$ROOT/bin/bare" -addr "127.0.0.1:$BARE_PORT" -file "$WORK/www/article" -br "$WORK/www/article.br" -gz "$WORK/www/article.gz" \
	-type "$(cat "$WORK/www/article.type")" >"$WORK/bare.log" 2>&1 &
PIDS+=("$!")
BARE_URL="http://127.0.0.1:$BARE_PORT"
wait_http "$BARE_URL/article" 10 "$!" "$WORK/bare.log"

# The bare handler again, sending every header coopress sends with the
# article (its security headers, ETag, Cache-Control, Last-Modified…):
# the gap between this and coopress is coopress's own work, the gap
# between the two bare handlers the cost of those headers in net/http.
curl -fsS --max-time 10 -H "$ACCEPT" -D "$WORK/headers.txt" -o /dev/null "$CP_URL$ARTICLE"
HDR_COUNT=$(grep -c ':' "$WORK/headers.txt")
BAREH_PORT=$(free_port)
"$ROOT/bin/bare" -addr "127.0.0.1:$BAREH_PORT" -file "$WORK/www/article" -br "$WORK/www/article.br" -gz "$WORK/www/article.gz" \
	-type "$(cat "$WORK/www/article.type")" -headers "$WORK/headers.txt" >"$WORK/bare-headers.log" 2>&1 &
PIDS+=("$!")
BAREH_URL="http://127.0.0.1:$BAREH_PORT"
wait_http "$BAREH_URL/article" 10 "$!" "$WORK/bare-headers.log"

# One target at a time, so they never share the two cores; each pair
# measured back to back.
load "$NG_URL/article" nginx-plain
load "$BARE_URL/article" bare-plain
load "$BAREH_URL/article" bareh-plain
load "$CP_URL$ARTICLE" coopress-plain
load "$NG_URL/article" nginx-enc "$ACCEPT"
load "$BARE_URL/article" bare-enc "$ACCEPT"
load "$BAREH_URL/article" bareh-enc "$ACCEPT"
load "$CP_URL$ARTICLE" coopress-enc "$ACCEPT"

row() { # LABEL NAME BASELINE BASELABEL
	local rps p50 p99 r="—"
	rps=$(wrk_field "$2" rps)
	p50=$(wrk_field "$2" p50)
	p99=$(wrk_field "$2" p99)
	[[ -n ${3:-} ]] && r="$(ratio "$rps" "$(wrk_field "$3" rps)")× req/s, $(ratio "$p99" "$(wrk_field "$3" p99)")× p99 of $4"
	echo "| $1 | $rps | $p50 ms | $p99 ms | $r |"
}
verdict() { # VALUE {ge|le} LIMIT
	if awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN { exit !(op == "ge" ? v + 0 >= l + 0 : v + 0 <= l + 0) }'; then
		echo PASS
	else
		echo FAIL
	fi
}
E_RPS=$(ratio "$(wrk_field coopress-enc rps)" "$(wrk_field nginx-enc rps)")
E_P99=$(ratio "$(wrk_field coopress-enc p99)" "$(wrk_field nginx-enc p99)")
P_RPS=$(ratio "$(wrk_field coopress-plain rps)" "$(wrk_field bare-plain rps)")
P_P99=$(ratio "$(wrk_field coopress-plain p99)" "$(wrk_field bare-plain p99)")

save_results compress <<EOF
## Compression benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')

$(machine)
- article: \`$ARTICLE\`, $HTML_PLAIN bytes of HTML; $HTML_BR in coopress's brotli, $HTML_GZ in nginx's gzip -9; CSS $CSS_PLAIN bytes, $CSS_BR in brotli
- with compression, every request sends \`$ACCEPT\`

| target | req/s | p50 | p99 | ratio |
|---|---:|---:|---:|---|
$(row "nginx, static file, no compression" nginx-plain)
$(row "bare net/http handler, no compression" bare-plain)
$(row "bare handler with coopress's headers, no compression" bareh-plain bare-plain "the bare handler")
$(row "coopress, no compression" coopress-plain bare-plain "the bare handler")
$(row "nginx, gzip_static (gzip -9 file)" nginx-enc)
$(row "bare net/http handler, brotli bytes" bare-enc)
$(row "bare handler with coopress's headers, brotli bytes" bareh-enc nginx-enc "nginx")
$(row "coopress, brotli" coopress-enc nginx-enc "nginx")

The response carries $HDR_COUNT headers (Date included); coopress against the bare handler sending the same headers: $(ratio "$(wrk_field coopress-plain rps)" "$(wrk_field bareh-plain rps)")× req/s, $(ratio "$(wrk_field coopress-plain p99)" "$(wrk_field bareh-plain p99)")× p99 without compression; $(ratio "$(wrk_field coopress-enc rps)" "$(wrk_field bareh-enc rps)")× req/s, $(ratio "$(wrk_field coopress-enc p99)" "$(wrk_field bareh-enc p99)")× p99 with brotli.

Targets (issue 9):
- with compression, req/s ≥ 0.8× nginx: ${E_RPS}× — $(verdict "$E_RPS" ge 0.8)
- with compression, p99 ≤ 2× nginx's: ${E_P99}× — $(verdict "$E_P99" le 2)
- without compression, req/s ≥ 0.9× the bare handler: ${P_RPS}× — $(verdict "$P_RPS" ge 0.9)
- without compression, p99 ≤ 1.25× the bare handler's: ${P_P99}× — $(verdict "$P_P99" le 1.25)
- article HTML compressed ≤ 3 KB (3,072 bytes): $HTML_BR — $(verdict "$HTML_BR" le 3072)
- CSS compressed ≤ 2.5 KB (2,560 bytes): $CSS_BR — $(verdict "$CSS_BR" le 2560)
EOF
