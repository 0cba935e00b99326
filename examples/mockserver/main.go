// Command mockserver serves an API description as a mock API.
//
// With no flags it serves a small embedded sample API on 127.0.0.1:4010:
//
//	go run ./examples/mockserver
//	go run ./examples/mockserver -spec openapi.yaml -seed 42
//	go run ./examples/mockserver -spec https://example.com/openapi.json -routes
//
// Flags:
//
//	-spec PATH|URL    the API description (Swagger 2.0, OpenAPI 3.0 or 3.1); default: the sample
//	-addr HOST:PORT   where to listen (default 127.0.0.1:4010; never all interfaces unless told)
//	-seed N           deterministic data: the same request always gets the same response
//	-dynamic          always generate bodies from the schema, ignoring examples
//	-no-validate      do not validate requests
//	-no-security      do not check that requests carry the declared credentials
//	-latency MIN-MAX  delay every response, e.g. 50ms-200ms
//	-stateless        answer every operation from examples or generated data, storing nothing
//	-seed-records N   resources each inferred collection starts with (default 10)
//	-reset PATH       POST PATH restores the seed data (e.g. /__mock/reset; default off)
//	-routes           print one line per operation (METHOD PATH operationId [crud:ACTION]) and exit
//	-store DSN        where projects, keys, links, data and logs live: "memory" (default),
//	                  sqlite:PATH (an embedded file that survives restarts) or
//	                  postgres://... (several instances share one state)
//	-admin-token T    the management API's token (or $MOCKAPI_ADMIN_TOKEN); when neither is
//	                  given a random one is generated and printed once at start-up
//	-visibility V     visibility of the default project: public (default), private, authenticated
//	-warnings         log every problem found in the spec (default: the first 10 and a count)
//
// The description is served at the root as the project "default" of a
// mockapi.Server, which also hosts other projects at /p/{id}/, share links at
// /s/{token}/ and the management API at /_admin/. It logs each request with
// log/slog and shuts down gracefully on SIGINT or SIGTERM.
package main

import (
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/mockapi-go/mockapi"
	"github.com/mockapi-go/mockapi/internal/secret"
	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
	"github.com/mockapi-go/mockapi/store/sqlstore"
)

//go:embed sample.yaml
var sample []byte

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil))
}

// run is main without the process: it returns the exit code. When ready is
// not nil it receives the listening address once the server accepts
// connections.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, ready chan<- string) int {
	fs := flag.NewFlagSet("mockserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		spec       = fs.String("spec", "", "API description: a file path or an http(s) URL (default: the embedded sample API)")
		addr       = fs.String("addr", "127.0.0.1:4010", "listen address")
		seed       = fs.Int64("seed", 0, "seed for deterministic responses (0: fresh data per request)")
		dynamic    = fs.Bool("dynamic", false, "always generate bodies, ignoring examples")
		noValidate = fs.Bool("no-validate", false, "do not validate requests")
		noSecurity = fs.Bool("no-security", false, "do not check declared credentials")
		latency    = fs.String("latency", "", "delay every response by a random duration in MIN-MAX, e.g. 50ms-200ms")
		stateless  = fs.Bool("stateless", false, "store nothing: answer every operation from examples or generated data")
		seedN      = fs.Int("seed-records", 10, "resources each inferred collection starts with")
		resetPath  = fs.String("reset", "", "a path (e.g. /__mock/reset) where POST restores the seed data")
		routes     = fs.Bool("routes", false, "print one line per operation (METHOD PATH operationId [crud:ACTION]) and exit")
		dsn        = fs.String("store", "memory", "store: memory, sqlite:PATH or postgres://...")
		adminTok   = fs.String("admin-token", "", "management API token (default $MOCKAPI_ADMIN_TOKEN, else generated and printed)")
		visibility = fs.String("visibility", "public", "visibility of the default project: public, private or authenticated")
		warnings   = fs.Bool("warnings", false, "log every problem found in the spec (default: the first 10 and a count)")
	)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "mockserver: unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		return 2
	}

	var doc *openapi.Document
	var err error
	if *spec == "" {
		doc, err = openapi.Parse(ctx, sample, openapi.WithName("sample.yaml"))
	} else {
		doc, err = openapi.Load(ctx, *spec)
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}

	logger := slog.New(slog.NewTextHandler(stderr, nil))
	opts := []mock.Option{mock.WithLogger(logger), mock.WithSeedRecords(*seedN)}
	if *stateless {
		opts = append(opts, mock.WithoutState())
	}
	if *resetPath != "" {
		opts = append(opts, mock.WithResetPath(*resetPath))
	}
	if fs.Lookup("seed") != nil && isSet(fs, "seed") {
		opts = append(opts, mock.WithSeed(*seed))
	}
	if *dynamic {
		opts = append(opts, mock.WithDynamic())
	}
	if *noValidate {
		opts = append(opts, mock.WithoutValidation())
	}
	if *noSecurity {
		opts = append(opts, mock.WithoutSecurity())
	}
	if *latency != "" {
		lo, hi, err := parseLatency(*latency)
		if err != nil {
			fmt.Fprintf(stderr, "mockserver: -latency: %v\n", err)
			return 2
		}
		opts = append(opts, mock.WithLatency(lo, hi))
	}
	h, err := mock.New(doc, opts...)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if *routes {
		printRoutes(stdout, h, "")
		return 0
	}
	problems := append(doc.Warnings, h.Warnings()...)
	for i, w := range problems {
		if i == 10 && !*warnings {
			logger.Warn("spec", "more", len(problems)-10, "hint", "-warnings lists them all")
			break
		}
		logger.Warn("spec", "problem", w.String())
	}

	vis := store.Visibility(*visibility)
	if vis != store.Public && vis != store.Private && vis != store.Authenticated {
		fmt.Fprintf(stderr, "mockserver: -visibility %q is not public, private or authenticated\n", *visibility)
		return 2
	}
	st, err := openStore(ctx, *dsn)
	if err != nil {
		fmt.Fprintf(stderr, "mockserver: -store: %v\n", err)
		return 1
	}
	defer st.Close()
	token := *adminTok
	if token == "" {
		token = os.Getenv("MOCKAPI_ADMIN_TOKEN")
	}
	generated := token == ""
	if generated {
		token = secret.New("adm_")
	}
	server, err := mockapi.New(mockapi.Options{Store: st, AdminToken: token, MockOptions: opts, Logger: logger})
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer server.Close()
	name := doc.Source
	if doc.T.Info != nil && doc.T.Info.Title != "" {
		name = doc.T.Info.Title
	}
	specBytes := sample
	if *spec != "" {
		if specBytes, err = readSpec(ctx, *spec); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
	}
	if _, err := server.PutProject(ctx, "default", name, specBytes, vis); err != nil {
		fmt.Fprintf(stderr, "mockserver: %v\n", err)
		return 1
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "mockserver: %v\n", err)
		return 1
	}
	srv := &http.Server{
		Handler:           server,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(stdout, "mockserver: serving %q (%d operations) on http://%s\n", name, len(doc.Operations()), ln.Addr())
	printRoutes(stdout, h, "  ")
	if generated {
		fmt.Fprintf(stdout, "mockserver: management API at http://%s/_admin/ with admin token %s (shown once; set -admin-token or MOCKAPI_ADMIN_TOKEN to choose it)\n", ln.Addr(), token)
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if ready != nil {
		ready <- ln.Addr().String()
	}
	select {
	case err := <-errc:
		fmt.Fprintf(stderr, "mockserver: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		fmt.Fprintf(stderr, "mockserver: shutdown: %v\n", err)
		return 1
	}
	<-errc
	fmt.Fprintln(stdout, "mockserver: stopped")
	return 0
}

// openStore opens the store a DSN names: "memory" or "" for the in-memory
// store, otherwise sqlstore.Open (sqlite:PATH, file:PATH, postgres://...).
func openStore(ctx context.Context, dsn string) (*store.Store, error) {
	if dsn == "" || dsn == "memory" {
		return memory.New(), nil
	}
	return sqlstore.Open(ctx, dsn)
}

// readSpec reads the description's bytes from a file or an http(s) URL, as
// openapi.Load does, so the project stores what was served.
func readSpec(ctx context.Context, location string) ([]byte, error) {
	if strings.HasPrefix(location, "http://") || strings.HasPrefix(location, "https://") {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, location, nil)
		if err != nil {
			return nil, err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("mockserver: %s: %s", location, resp.Status)
		}
		return io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	}
	return os.ReadFile(location)
}

// printRoutes writes one line per operation, with its stateful action when
// it has one: "GET /v1/pets/{petId} getPet crud:get".
func printRoutes(w io.Writer, h *mock.Handler, indent string) {
	for _, op := range h.Document().Operations() {
		method := op.Method
		if indent != "" {
			method = fmt.Sprintf("%-7s", method)
		}
		line := fmt.Sprintf("%s%s %s%s %s", indent, method, op.BasePaths[0], op.Key, op.ID)
		if a := h.Action(op.ID); a != "" {
			line += " crud:" + a
		}
		fmt.Fprintln(w, line)
	}
}

func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}

// parseLatency reads "50ms-200ms" or a single duration "100ms".
func parseLatency(s string) (time.Duration, time.Duration, error) {
	lo, hi, found := strings.Cut(s, "-")
	min, err := time.ParseDuration(strings.TrimSpace(lo))
	if err != nil {
		return 0, 0, err
	}
	if !found {
		return min, min, nil
	}
	max, err := time.ParseDuration(strings.TrimSpace(hi))
	if err != nil {
		return 0, 0, err
	}
	if min < 0 || max < min {
		return 0, 0, fmt.Errorf("%q: want MIN-MAX with 0 <= MIN <= MAX", s)
	}
	return min, max, nil
}
