package app

import (
	"bufio"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/coopress/coopress/internal/account"
)

// hashSlots sizes the account service's bound on concurrent password
// hashing from memory and cores: a quarter of the memory the process may
// use, divided by one hash's cost, and no more than one per core.
func hashSlots() int {
	return account.HashSlots(memoryLimit()/4, account.DefaultHashParams(), runtime.GOMAXPROCS(0))
}

// memoryLimit is what this process may use: GOMEMLIMIT if set, else the
// cgroup's memory.max (a container's limit), else the machine's memory;
// 1 GiB when none can be read.
func memoryLimit() int64 {
	if l := debug.SetMemoryLimit(-1); l > 0 && l < math.MaxInt64 {
		return l
	}
	if b, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && n > 0 {
			return n
		}
	}
	if f, err := os.Open("/proc/meminfo"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
				if kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64); err == nil {
					return kb * 1024
				}
			}
		}
	}
	return 1 << 30
}
