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
//	-spec PATH|URL    the API description (Swagger 2.0, OpenAPI 3.0 or 3.1), or recorded
//	                  traffic to derive one from (a HAR file, a Postman collection v2.1,
//	                  curl commands; detected); default: the sample
//	-addr HOST:PORT   where to listen (default 127.0.0.1:4010; never all interfaces unless told)
//	-seed N           deterministic data: the same request always gets the same response
//	-dynamic          always generate bodies from the schema, ignoring examples
//	-no-validate      do not validate requests
//	-no-security      do not check that requests carry the declared credentials
//	-latency MIN-MAX  delay every response, e.g. 50ms-200ms
//	-stateless        answer every operation from examples or generated data, storing nothing
//	-seed-records N   resources each inferred collection starts with (default 10); a
//	                  project's seed_records setting overrides it
//	-reset PATH       POST PATH restores the seed data (e.g. /__mock/reset; default off)
//	-routes           print one line per operation (METHOD PATH operationId [crud:ACTION]) and exit
//	-store DSN        where projects, keys, links, data and logs live: "memory" (default),
//	                  sqlite:PATH (an embedded file that survives restarts) or
//	                  postgres://... (several instances share one state)
//	-admin-token-file PATH  read the management API's token from a file (or set
//	                  $MOCKAPI_ADMIN_TOKEN); when neither is given a random one is
//	                  generated and written once to stderr. At least 128 bits:
//	                  22 random base64 characters or 32 hex digits
//	-admin-token T    the token on the command line: works, but every user of
//	                  the machine sees it in ps, so it warns
//	-max-delay D      the longest delay a client may ask for (Prefer: delay=...; default 10s)
//	-read-header-timeout, -read-timeout, -write-timeout, -idle-timeout D
//	                  the HTTP server's timeouts (10s, 1m, max-delay + latency + 30s, 2m)
//	-max-header-bytes N  the largest request head (default 64 KiB)
//	-visibility V     visibility of the default project: public (default), private, authenticated
//	-base-url URL     the public address of this server (https://mock.example.com, or
//	                  $MOCKAPI_BASE_URL): every URL the management API returns is
//	                  absolute under it. Default: they are paths
//	-warnings         log every problem found in the spec (default: the first 10 and a count)
//	-watch            reload the -spec file, and every file it refers to ($ref), when one
//	                  changes; a bad edit is logged with its location and the last good
//	                  version serves on (POST /_admin/projects/default/reload reloads too)
//	-watch-interval D how often -watch looks at the files' sizes and times (default 1s)
//	-trusted-proxies CIDRS  comma-separated networks of the reverse proxies in front
//	                  (10.0.0.0/8,127.0.0.1): the request log takes the caller's
//	                  address from their Forwarded or X-Forwarded-For header
//	                  (default: none; the peer's address is logged)
//	-log-no-address   keep no caller address in the request log
//	-upstream URL     partial mocking: forward every validated request to the real API
//	                  at URL and pass its answer on, checked against the spec (drift is
//	                  logged, and in the request log); the mock answers when the
//	                  upstream is unreachable, times out or answers a -upstream-fallback
//	                  status. It applies to every project the server hosts
//	-upstream-fallback LIST  statuses or classes the mock answers instead of (default 501;
//	                  e.g. 404,501,5xx)
//	-upstream-strict  refuse drifting upstream answers with 502 instead of passing them on
//	-upstream-timeout D  the longest an upstream call may take (default 10s)
//	-upstream-allow-private  allow an upstream on a loopback or private address (refused
//	                  by default, whatever name resolves to it)
//	-record FILE      a recording (an OpenAPI Overlay): at start the default project serves
//	                  its examples before the spec's own; with -upstream, new answers are
//	                  added to it (one per operation, status and shape, secrets scrubbed,
//	                  answers that contradict the spec kept apart) and it is saved every
//	                  2s and at shutdown, for the next start to replay
//	-record-har FILE  also write the recorded exchanges as HAR 1.2 (secrets scrubbed)
//	-record-operations LIST  record only these operations (operationId or "GET /path")
//	-no-dashboard     do not serve the web dashboard (at /_admin/ui/, signed in
//	                  with the admin token)
//
// "mockserver import [-json] [-title T] FILE > api.yaml" writes the OpenAPI
// 3.1 description derived from a HAR file, a Postman collection or curl
// commands (package openapi/importer), for the user to keep and edit.
//
// "mockserver healthcheck" asks the server at -addr (or $MOCKAPI_ADDR) on
// this machine whether it is ready: exit 0 if so, 1 if not. A container
// without a shell runs it as its health check.
//
// Every flag also reads an environment variable: MOCKAPI_ and the flag's
// name in upper case, '-' as '_' (MOCKAPI_ADDR, MOCKAPI_SPEC, MOCKAPI_STORE,
// MOCKAPI_ADMIN_TOKEN_FILE, ...). A flag on the command line wins over its
// variable; an empty variable counts as unset; -h lists them all.
//
// The description is served at the root as the project "default" of a
// mockapi.Server, which also hosts other projects at /p/{id}/, share links at
// /s/{token}/, the management API at /_admin/ and its web dashboard at
// /_admin/ui/, the probes at /_health/live
// and /_health/ready and Prometheus metrics at /_metrics. It logs each request with
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
	"net/netip"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/mockapi-go/mockapi"
	"github.com/mockapi-go/mockapi/internal/secret"
	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/mock/proxy"
	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
	"github.com/mockapi-go/mockapi/store/sqlstore/postgres"
	"github.com/mockapi-go/mockapi/store/sqlstore/sqlite"
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
	return runEnv(ctx, args, os.LookupEnv, stdout, stderr, ready)
}

// runEnv is run with the environment variables env looks up (env.go).
func runEnv(ctx context.Context, args []string, env func(string) (string, bool), stdout, stderr io.Writer, ready chan<- string) int {
	if len(args) > 0 && args[0] == "healthcheck" {
		return healthcheck(ctx, args[1:], env, stdout, stderr)
	}
	if len(args) > 0 && args[0] == "import" {
		return importCommand(args[1:], os.Stdin, stdout, stderr)
	}
	fs := flag.NewFlagSet("mockserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		spec       = fs.String("spec", "", "API description, or a HAR file, Postman collection or curl commands to derive one from: a file path or an http(s) URL (default: the embedded sample API)")
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
		adminTok   = fs.String("admin-token", "", "management API token; visible to ps: prefer -admin-token-file or $MOCKAPI_ADMIN_TOKEN")
		adminFile  = fs.String("admin-token-file", "", "file holding the management API token (default $MOCKAPI_ADMIN_TOKEN, else generated and written to stderr)")
		maxDelay   = fs.Duration("max-delay", 10*time.Second, "the longest response delay a client may ask for (Prefer: delay=...)")
		limits     = serverLimits{}
		visibility = fs.String("visibility", "public", "visibility of the default project: public, private or authenticated")
		warnings   = fs.Bool("warnings", false, "log every problem found in the spec (default: the first 10 and a count)")
		baseURL    = fs.String("base-url", "", "public address of the server (default $MOCKAPI_BASE_URL): URLs the management API returns are absolute under it")
		queryToken = fs.Bool("allow-query-token", false, "accept an API key in the apidogToken query parameter on the default project (keys in URLs end up in logs)")
		proxies    = fs.String("trusted-proxies", "", "comma-separated networks (CIDR or address) of reverse proxies whose Forwarded / X-Forwarded-For headers name the caller in the request log")
		noAddress  = fs.Bool("log-no-address", false, "keep no caller address in the request log")
		upstream   = fs.String("upstream", "", "forward validated requests of every project to this API (http or https URL); the mock answers when it cannot")
		upFallback = fs.String("upstream-fallback", "501", "comma-separated upstream statuses or classes the mock answers instead of (404,501,5xx)")
		upStrict   = fs.Bool("upstream-strict", false, "refuse upstream answers that contradict the spec with 502 instead of passing them on")
		upTimeout  = fs.Duration("upstream-timeout", proxy.DefaultTimeout, "the longest a call to the upstream may take before the mock answers")
		upPrivate  = fs.Bool("upstream-allow-private", false, "allow an upstream on a loopback or private address (refused by default)")
		recordFile = fs.String("record", "", "a recording (OpenAPI Overlay): the default project serves its examples, and -upstream answers are added to it")
		recordHAR  = fs.String("record-har", "", "also write the recorded exchanges to this HAR 1.2 file")
		recordOps  = fs.String("record-operations", "", "comma-separated operations to record, by operationId or \"GET /path\" (default: all)")
		watchSpec  = fs.Bool("watch", false, "reload the -spec file, and every file it refers to, when one changes")
		watchEvery = fs.Duration("watch-interval", time.Second, "how often -watch looks at the files")
		cbPrivate  = fs.Bool("callbacks-allow-private", false, "let projects' callbacks reach loopback and private addresses (off: guards the local network against forged callback URLs)")
		noDash     = fs.Bool("no-dashboard", false, "do not serve the web dashboard at /_admin/ui/")
	)
	limits.flags(fs)
	envUsage(fs)
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
	from, err := applyEnv(fs, env)
	if err != nil {
		fmt.Fprintf(stderr, "mockserver: %v\n", err)
		return 2
	}

	logOut := newBufferedLog(stderr, 100*time.Millisecond)
	defer logOut.Close()
	logger := slog.New(slog.NewTextHandler(logOut, nil))
	if *maxDelay < 0 {
		fmt.Fprintf(stderr, "mockserver: %s %v is negative\n", from.name("max-delay"), *maxDelay)
		return 2
	}
	opts := []mock.Option{mock.WithLogger(logger), mock.WithSeedRecords(*seedN), mock.WithMaxDelay(*maxDelay)}
	slowest := *maxDelay // the longest a response may be held back
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
			fmt.Fprintf(stderr, "mockserver: %s: %v\n", from.name("latency"), err)
			return 2
		}
		opts = append(opts, mock.WithLatency(lo, hi))
		slowest += hi
	}
	up, rec, overlay, err := upstreamOptions(upstreamFlags{url: *upstream, fallback: *upFallback, strict: *upStrict,
		timeout: *upTimeout, allowPrivate: *upPrivate, record: *recordFile, recordHAR: *recordHAR, recordOps: *recordOps}, from, logger)
	if err != nil {
		fmt.Fprintf(stderr, "mockserver: %v\n", err)
		return 2
	}
	if up != nil {
		defer up.Close()
		opts = append(opts, mock.WithUpstream(up))
		slowest += *upTimeout
	}
	if err := limits.check(slowest); err != nil {
		fmt.Fprintf(stderr, "mockserver: %v\n", err)
		return 2
	}
	envToken, _ := env("MOCKAPI_ADMIN_TOKEN")
	token, generated, err := adminToken(*adminTok, *adminFile, envToken)
	if err != nil {
		fmt.Fprintf(stderr, "mockserver: %v\n", err)
		return 2
	}
	if *adminTok != "" {
		logger.Warn("-admin-token is visible to every user of this machine (ps, /proc); prefer -admin-token-file or $MOCKAPI_ADMIN_TOKEN")
	}
	if *routes {
		doc, err := loadDoc(ctx, *spec)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		h, err := mock.New(doc, opts...)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		printRoutes(stdout, h, "")
		return 0
	}

	if *watchSpec && (*spec == "" || strings.HasPrefix(*spec, "http://") || strings.HasPrefix(*spec, "https://")) {
		fmt.Fprintf(stderr, "mockserver: %s needs -spec naming a file\n", from.name("watch"))
		return 2
	}
	if *watchEvery <= 0 {
		fmt.Fprintf(stderr, "mockserver: %s must be positive\n", from.name("watch-interval"))
		return 2
	}
	trusted, err := parsePrefixes(*proxies)
	if err != nil {
		fmt.Fprintf(stderr, "mockserver: -trusted-proxies: %v\n", err)
		return 2
	}
	vis := store.Visibility(*visibility)
	if vis != store.Public && vis != store.Private && vis != store.Authenticated {
		fmt.Fprintf(stderr, "mockserver: %s %q is not public, private or authenticated\n", from.name("visibility"), *visibility)
		return 2
	}
	st, err := openStore(ctx, *dsn)
	if err != nil {
		fmt.Fprintf(stderr, "mockserver: %s: %v\n", from.name("store"), err)
		return 1
	}
	defer st.Close()
	o := mockapi.Options{Store: st, AdminToken: token, MockOptions: opts, Logger: logger, BaseURL: *baseURL,
		TrustedProxies: trusted, NoClientAddresses: *noAddress, AllowPrivateCallbacks: *cbPrivate, NoDashboard: *noDash}
	if *dsn == "" || *dsn == "memory" {
		o.LogMaxEntries = memoryLogEntries // the memory store keeps its log in RAM
	}
	server, err := mockapi.New(o)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	// Close is the fallback for the early returns; a normal stop calls
	// Shutdown below, within the same deadline as the HTTP server.
	defer server.Close()
	var watched *watcher
	if *watchSpec {
		watched = newWatcher(*spec) // before the first read: no edit goes unseen
	}
	// The description is parsed once, by the Server, which serves what it
	// parsed; the mock server reads its warnings and routes from there.
	h, err := putDefault(ctx, server, *spec, vis, overlay, logger)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if *spec != "" {
		// POST /_admin/projects/default/reload reads it again, as -watch does.
		server.SetSource("default", specSource(*spec))
	}
	if isSet(fs, "allow-query-token") {
		if _, err := server.UpdateProject(ctx, "default", mockapi.ProjectUpdate{AllowQueryToken: queryToken}); err != nil {
			fmt.Fprintf(stderr, "mockserver: -allow-query-token: %v\n", err)
			return 1
		}
	}
	doc := h.Document()
	name := doc.Info().Title
	// Loading a big description leaves garbage several times the size of
	// what is kept: give it back to the system once, before serving.
	debug.FreeOSMemory()
	memCtx, stopMem := context.WithCancel(ctx)
	memDone := boundMemory(memCtx, 10*time.Second)
	defer func() { stopMem(); <-memDone }()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "mockserver: %v\n", err)
		return 1
	}
	srv := limits.server(server)
	srv.ErrorLog = slog.NewLogLogger(logger.Handler(), slog.LevelWarn)
	fmt.Fprintf(stdout, "mockserver: serving %q (%d operations) on http://%s\n", name, len(doc.Operations()), ln.Addr())
	printRoutes(stdout, h, "  ")
	if !*noDash {
		fmt.Fprintf(stdout, "mockserver: dashboard at http://%s%s/\n", ln.Addr(), mockapi.DashboardPath)
	}
	if generated {
		// stderr, not stdout: stdout is often kept in build logs. Once,
		// and never through the logger or the request log.
		fmt.Fprintf(stderr, "mockserver: management API at http://%s/_admin/ with admin token %s (shown once; use -admin-token-file or $MOCKAPI_ADMIN_TOKEN to choose it)\n", ln.Addr(), token)
	}

	logOut.flush() // what start-up had to say, before the first request
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if rec != nil {
		// Saved every few seconds, and once more after the HTTP server
		// stopped (deferred: runs after Shutdown below).
		sv := startSaver(rec, *recordFile, *recordHAR, logger)
		defer sv.stop()
	}
	// The spec's problems are found by the document-wide validation and by
	// compiling every operation, which the server otherwise does on first
	// use: listed in the background, they do not hold the first answer.
	warned := make(chan struct{})
	go func() {
		defer close(warned)
		logWarnings(logger, doc, h, *warnings)
		debug.FreeOSMemory() // compiling every operation left garbage too
	}()
	defer func() { <-warned }()
	if watched != nil {
		wctx, stopWatch := context.WithCancel(ctx)
		stopped := make(chan struct{})
		go func() {
			defer close(stopped)
			watched.run(wctx, server, *watchEvery, logger)
		}()
		defer func() { stopWatch(); <-stopped }()
	}
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
	// First the HTTP server (no request in flight), then the mock server
	// (its request log written), both within the one deadline.
	if err := srv.Shutdown(shutdown); err != nil {
		fmt.Fprintf(stderr, "mockserver: shutdown: %v\n", err)
		return 1
	}
	<-errc
	if err := server.Shutdown(shutdown); err != nil {
		fmt.Fprintf(stderr, "mockserver: shutdown: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, "mockserver: stopped")
	return 0
}

// logWarnings logs the problems found in the spec: the first ten and a
// count, or all of them.
func logWarnings(logger *slog.Logger, doc *openapi.Document, h *mock.Handler, all bool) {
	problems := append(doc.Warnings(), h.Warnings()...)
	for i, w := range problems {
		if i == 10 && !all {
			logger.Warn("spec", "more", len(problems)-10, "hint", "-warnings lists them all")
			break
		}
		logger.Warn("spec", "problem", w.String())
	}
}

// putDefault makes the description the server's default project and
// returns its mock handler. A description written over several files is
// bundled into one document first (openapi.Bundle): the project keeps one.
func putDefault(ctx context.Context, server *mockapi.Server, location string, vis store.Visibility, overlay []byte, logger *slog.Logger) (*mock.Handler, error) {
	spec := sample
	if location != "" {
		var err error
		if spec, err = readSpec(ctx, location); err != nil {
			return nil, err
		}
		if spec, _, err = imported(spec, location); err != nil {
			return nil, err
		}
	}
	if overlay != nil {
		var err error
		if spec, err = applyRecording(ctx, spec, location, overlay, logger); err != nil {
			return nil, err
		}
	}
	_, err := server.PutProject(ctx, "default", "", spec, vis)
	if errors.Is(err, openapi.ErrExternalRef) {
		if spec, err = openapi.Bundle(ctx, location); err == nil {
			_, err = server.PutProject(ctx, "default", "", spec, vis)
		} else if located := checkFiles(specFiles(location)); located != nil {
			return nil, fmt.Errorf("mockserver: %w", located) // the file at fault
		}
	}
	if le := (*openapi.LoadError)(nil); errors.As(err, &le) && location != "" {
		le.File = location // the located error names the file the user gave
		return nil, le
	}
	if err != nil {
		return nil, fmt.Errorf("mockserver: %w", err)
	}
	return server.Mock(ctx, "default")
}

// memoryLogEntries bounds each project's request log on the memory store,
// where it takes memory rather than disk: about 2.5 MB.
const memoryLogEntries = 10_000

// openStore opens the store a DSN names: "memory" or "" for the in-memory
// store, postgres:// or postgresql:// for PostgreSQL, otherwise SQLite
// (sqlite:PATH, file:PATH).
func openStore(ctx context.Context, dsn string) (*store.Store, error) {
	switch {
	case dsn == "" || dsn == "memory":
		return memory.New(), nil
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return postgres.Open(ctx, dsn)
	default:
		return sqlite.Open(ctx, dsn)
	}
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
			line += " crud:" + string(a)
		}
		fmt.Fprintln(w, line)
	}
}

// parsePrefixes reads comma-separated networks: "10.0.0.0/8" or an address,
// which is a network of one.
func parsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if p, err := netip.ParsePrefix(part); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil {
			return nil, fmt.Errorf("%q is neither a network (10.0.0.0/8) nor an address", part)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
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

// adminToken picks the management API's token: from the file, else the
// flag, else the environment, else a generated one (generated is then
// true). A chosen token must have 128 bits (secret.CheckStrength).
func adminToken(flagValue, file, env string) (token string, generated bool, err error) {
	switch {
	case file != "" && flagValue != "":
		return "", false, errors.New("-admin-token and -admin-token-file: give one")
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", false, fmt.Errorf("-admin-token-file: %w", err)
		}
		token = strings.TrimSpace(string(b))
		if token == "" {
			return "", false, fmt.Errorf("-admin-token-file %s is empty", file)
		}
	case flagValue != "":
		token = flagValue
	default:
		token = strings.TrimSpace(env)
	}
	if token == "" {
		return secret.New("adm_"), true, nil
	}
	if err := secret.CheckStrength(token); err != nil {
		return "", false, fmt.Errorf("admin token refused: %w", err)
	}
	return token, false, nil
}

// serverLimits are the HTTP server's timeouts and head size, each a flag.
type serverLimits struct {
	readHeader, read, write, idle time.Duration
	maxHeaderBytes                int
}

func (l *serverLimits) flags(fs *flag.FlagSet) {
	fs.DurationVar(&l.readHeader, "read-header-timeout", 10*time.Second, "time to read a request's head")
	fs.DurationVar(&l.read, "read-timeout", time.Minute, "time to read a whole request, body included")
	fs.DurationVar(&l.write, "write-timeout", 0, "time to write a response (0: -max-delay + the -latency maximum + 30s)")
	fs.DurationVar(&l.idle, "idle-timeout", 2*time.Minute, "how long an idle keep-alive connection stays open")
	fs.IntVar(&l.maxHeaderBytes, "max-header-bytes", 64<<10, "the largest request head (request line and headers) in bytes")
}

// check fills in the write timeout and refuses limits that are off, or a
// write timeout that would cut the slowest response the mock may give.
func (l *serverLimits) check(slowest time.Duration) error {
	if l.write == 0 {
		l.write = slowest + 30*time.Second
	}
	switch {
	case l.readHeader <= 0 || l.read <= 0 || l.idle <= 0 || l.write < 0:
		return errors.New("-read-header-timeout, -read-timeout and -idle-timeout must be positive, -write-timeout not negative")
	case l.write <= slowest:
		return fmt.Errorf("-write-timeout %v must exceed the longest delay a response may have (%v: -max-delay plus the -latency maximum)", l.write, slowest)
	case l.maxHeaderBytes < 4<<10:
		return fmt.Errorf("-max-header-bytes %d is under 4096", l.maxHeaderBytes)
	}
	return nil
}

func (l *serverLimits) server(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: l.readHeader,
		ReadTimeout:       l.read,
		WriteTimeout:      l.write,
		IdleTimeout:       l.idle,
		MaxHeaderBytes:    l.maxHeaderBytes,
	}
}
