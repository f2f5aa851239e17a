// Command livebench measures the fund box's live updates at scale: it opens
// N /fund/live streams to a running coopress, records gifts through the real
// command line against the same database (another process, as a treasurer
// at a terminal would), and times how long each gift takes to reach every
// stream. It reads the server's resident memory before and after opening
// the streams (bench/live.sh).
//
//	livebench -url http://127.0.0.1:PORT -n 20000 -pid PID -coopress bin/coopress -data DIR [-database URL]
//
// It prints one Markdown table row per gift (-header prints the head).
// The client runs in its own process, so its memory is not the server's.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	base := flag.String("url", "", "the server's base URL")
	n := flag.Int("n", 1000, "streams to open")
	pid := flag.Int("pid", 0, "the server's process id, to read its memory")
	bin := flag.String("coopress", "bin/coopress", "the coopress binary that records the gifts")
	data := flag.String("data", "", "the server's data directory")
	database := flag.String("database", "", "the server's PostgreSQL URL (empty: SQLite in -data)")
	gifts := flag.Int("gifts", 3, "gifts to record, one after another")
	dialers := flag.Int("dialers", 32, "streams being opened at once")
	wait := flag.Duration("wait", 30*time.Second, "longest wait for a gift to reach every stream")
	metrics := flag.String("metrics", "", "the server's metrics URL, to read its own fan-out time (coopress_fund_live_fanout_seconds)")
	hold := flag.Duration("hold", 0, "keep the streams open this long after the gifts, to profile the server")
	label := flag.String("label", "", "first column of each row (e.g. the build measured)")
	header := flag.Bool("header", false, "print the table's head and exit")
	flag.Parse()
	if *header {
		fmt.Println("| build | streams | open, s | RSS before, MiB | RSS with streams, MiB | added per stream, KB | all RSS per stream, KB | gift | command, ms | first, ms | p50, ms | p99, ms | max, ms | spread, ms | server fan-out, ms | lost |")
		fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
		return
	}
	u, err := url.Parse(*base)
	if err != nil || u.Host == "" || *n < 1 || *pid <= 0 || *data == "" {
		log.Fatal("livebench: need -url, -n ≥ 1, -pid and -data")
	}

	before := rssKB(*pid)
	b := &bench{addr: u.Host, streams: make([]*stream, *n), done: make([]atomic.Int64, *gifts)}
	start := time.Now()
	if err := b.open(*dialers); err != nil {
		log.Fatalf("livebench: %v", err)
	}
	opened := time.Since(start)
	// Let the server's last writes and the kernel settle before reading
	// its memory; nothing else happens in between.
	time.Sleep(time.Second)
	after := rssKB(*pid)
	perStream := float64(after-before) / float64(*n)
	log.Printf("livebench: %d streams open in %s; RSS %d → %d kB, %.1f kB a stream", *n, opened.Round(time.Millisecond), before, after, perStream)

	for g := 1; g <= *gifts; g++ {
		sum0, count0 := fanout(*metrics)
		r, err := b.gift(g, *bin, *data, *database, *wait)
		if err != nil {
			log.Fatalf("livebench: gift %d: %v", g, err)
		}
		server := "n/a"
		if *metrics != "" {
			// The server observes its fan-out just after the last write,
			// which may be a moment after the last stream read it.
			for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
				if sum, count := fanout(*metrics); count > count0 {
					server = fmt.Sprintf("%.0f", (sum-sum0)*1000/(count-count0))
					break
				}
			}
		}
		fmt.Printf("| %s | %d | %.1f | %.0f | %.0f | %.1f | %.1f | %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %s | %d |\n",
			*label, *n, opened.Seconds(), float64(before)/1024, float64(after)/1024, perStream, float64(after)/float64(*n), g,
			ms(r.command), ms(r.lat[0]), ms(pct(r.lat, 50)), ms(pct(r.lat, 99)), ms(r.lat[len(r.lat)-1]),
			ms(r.lat[len(r.lat)-1]-r.lat[0]), server, r.lost)
	}
	time.Sleep(*hold)
	b.close()
}

// bench is the set of open streams.
type bench struct {
	addr    string
	streams []*stream
	// done[g-1] counts the streams that have seen the g-th gift or were
	// lost before it: the coordinator waits for it to reach every stream.
	done []atomic.Int64
	lost atomic.Int64
}

// stream is one open /fund/live connection and when it saw each change.
type stream struct {
	conn net.Conn
	// seen[g-1] is when the g-th new set of figures arrived (UnixNano).
	seen []atomic.Int64
}

// open dials every stream, several at a time, and returns once each has
// read its first event (the figures as they stand).
func (b *bench) open(dialers int) error {
	var next atomic.Int64
	errs := make(chan error, dialers)
	var wg sync.WaitGroup
	for range dialers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(b.streams) {
					return
				}
				s, err := b.dial()
				if err != nil {
					errs <- fmt.Errorf("stream %d: %w", i+1, err)
					return
				}
				b.streams[i] = s
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// dial opens one stream and starts its reader once the first event is in.
func (b *bench) dial() (*stream, error) {
	conn, err := net.DialTimeout("tcp", b.addr, 10*time.Second)
	if err != nil {
		return nil, err
	}
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := fmt.Fprintf(conn, "GET /fund/live HTTP/1.1\r\nHost: %s\r\nAccept: text/event-stream\r\n\r\n", b.addr); err != nil {
		conn.Close()
		return nil, err
	}
	br := bufio.NewReaderSize(conn, 1024)
	status, err := br.ReadString('\n')
	if err != nil || !strings.HasPrefix(status, "HTTP/1.1 200") {
		conn.Close()
		return nil, fmt.Errorf("status %q: %v", strings.TrimSpace(status), err)
	}
	first, err := nextData(br)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("first event: %w", err)
	}
	_ = conn.SetDeadline(time.Time{})
	s := &stream{conn: conn, seen: make([]atomic.Int64, len(b.done))}
	go b.read(s, br, first)
	return s, nil
}

// read follows a stream: each event whose figures differ from the last is
// the next gift arriving.
func (b *bench) read(s *stream, br *bufio.Reader, last []byte) {
	for g := 0; ; {
		data, err := nextData(br)
		if err != nil {
			b.lost.Add(1)
			for ; g < len(b.done); g++ {
				b.done[g].Add(1)
			}
			return
		}
		if bytes.Equal(data, last) || g >= len(s.seen) {
			continue
		}
		s.seen[g].Store(time.Now().UnixNano())
		g++
		last = data
		b.done[g-1].Add(1)
	}
}

// nextData reads lines up to the next "data:" line (the server's chunked
// framing, if any, is skipped with the other lines) and returns its value.
func nextData(br *bufio.Reader) ([]byte, error) {
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			return nil, err
		}
		if v, ok := bytes.CutPrefix(line, []byte("data: ")); ok {
			return bytes.Clone(bytes.TrimSpace(v)), nil
		}
	}
}

// result is one gift's figures: the command's own time, and each stream's
// latency from the command's start, sorted.
type result struct {
	command time.Duration
	lat     []time.Duration
	lost    int64
}

// gift records £1 with `coopress fund add` and waits until every stream
// still open has seen new figures.
func (b *bench) gift(g int, bin, data, database string, wait time.Duration) (result, error) {
	all := int64(len(b.streams))
	args := []string{"fund", "add", "--amount", "1.00", "--method", "cheque", "--data", data}
	if database != "" {
		args = append(args, "--database", database)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stderr = os.Stderr
	t0 := time.Now()
	if out, err := cmd.Output(); err != nil {
		return result{}, fmt.Errorf("%s %s: %v: %s", bin, strings.Join(args, " "), err, out)
	}
	r := result{command: time.Since(t0)}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	for b.done[g-1].Load() < all {
		if ctx.Err() != nil {
			return r, fmt.Errorf("after %s only %d of %d streams had the new figures", wait, b.done[g-1].Load(), all)
		}
		time.Sleep(time.Millisecond)
	}
	for _, s := range b.streams {
		if at := s.seen[g-1].Load(); at != 0 {
			r.lat = append(r.lat, time.Unix(0, at).Sub(t0))
		}
	}
	if len(r.lat) == 0 {
		return r, errors.New("no stream saw the gift")
	}
	slices.Sort(r.lat)
	r.lost = b.lost.Load()
	return r, nil
}

func (b *bench) close() {
	for _, s := range b.streams {
		s.conn.Close()
	}
}

// fanout reads the sum and count of coopress_fund_live_fanout_seconds from
// the server's metrics (zeros without a URL or when the server has none).
func fanout(metrics string) (sum, count float64) {
	if metrics == "" {
		return 0, 0
	}
	resp, err := http.Get(metrics)
	if err != nil {
		log.Fatalf("livebench: metrics: %v", err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, v, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		switch name {
		case "coopress_fund_live_fanout_seconds_sum":
			sum, _ = strconv.ParseFloat(v, 64)
		case "coopress_fund_live_fanout_seconds_count":
			count, _ = strconv.ParseFloat(v, 64)
		}
	}
	return sum, count
}

// pct is the p-th percentile of sorted durations.
func pct(d []time.Duration, p int) time.Duration {
	i := (len(d)*p+99)/100 - 1
	return d[max(i, 0)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// rssKB reads a process's resident memory (VmRSS) in kB.
func rssKB(pid int) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		log.Fatalf("livebench: server memory: %v", err)
	}
	for line := range strings.SplitSeq(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err == nil {
				return kb
			}
		}
	}
	log.Fatalf("livebench: no VmRSS for process %d", pid)
	return 0
}
