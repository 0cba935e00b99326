package mocktest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/mock/mocktest"
	"github.com/mockapi-go/mockapi/openapi"
)

// fakeTB records what mocktest reports instead of failing the real test;
// everything else goes to the real t. Fatalf ends the goroutine, as in
// real testing: run the code under test with run.
type fakeTB struct {
	testing.TB
	mu       sync.Mutex
	errors   []string
	fatals   []string
	logs     []string
	cleanups []func()
}

func newFake(t *testing.T) *fakeTB { return &fakeTB{TB: t} }

func (f *fakeTB) Helper() {}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	f.fatals = append(f.fatals, fmt.Sprintf(format, args...))
	f.mu.Unlock()
	runtime.Goexit()
}

func (f *fakeTB) Logf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logs = append(f.logs, fmt.Sprintf(format, args...))
}

func (f *fakeTB) Cleanup(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cleanups = append(f.cleanups, fn)
}

// run runs fn on its own goroutine, as a test body, and reports whether it
// ran to the end (false after Fatalf).
func (f *fakeTB) run(fn func()) bool {
	done := make(chan bool)
	go func() {
		completed := false
		defer func() { done <- completed }()
		fn()
		completed = true
	}()
	return <-done
}

// end runs the cleanups, as the end of a test does.
func (f *fakeTB) end() {
	f.mu.Lock()
	cs := f.cleanups
	f.cleanups = nil
	f.mu.Unlock()
	for i := len(cs) - 1; i >= 0; i-- {
		cs[i]()
	}
}

func (f *fakeTB) failed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.errors)+len(f.fatals) > 0
}

func (f *fakeTB) report() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(append(append([]string{}, f.fatals...), f.errors...), "\n---\n")
}

// do sends a request and returns the status and body.
func do(t *testing.T, srv *mocktest.Server, method, path, body string, headers ...string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL()+path, rd)
	require.NoError(t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func TestNewLoadsEveryKindOfSpec(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "pets.yaml")
	require.NoError(t, os.WriteFile(file, []byte(petSpec), 0o600))
	doc, err := openapi.Parse(context.Background(), []byte(petSpec))
	require.NoError(t, err)
	tests := []struct {
		name string
		spec mocktest.Source
	}{
		{"file", mocktest.File(file)},
		{"bytes", mocktest.Bytes([]byte(petSpec))},
		{"fs", mocktest.FS(fstest.MapFS{"api/pets.yaml": {Data: []byte(petSpec)}}, "api/pets.yaml")},
		{"document", mocktest.Document(doc)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := mocktest.New(t, tt.spec, mocktest.WithMockOptions(mock.WithSeed(1)))
			status, body := do(t, srv, "GET", "/v1/pets/1", "")
			assert.Equal(t, 200, status)
			assert.JSONEq(t, `{"id":1,"name":"Rex"}`, body)
			status, _ = do(t, srv, "GET", "/pets/1", "") // without the base path too
			assert.Equal(t, 200, status)
		})
	}
}

func TestNewFailsTheTestOnASpecThatDoesNotLoad(t *testing.T) {
	t.Parallel()
	broken := strings.Replace(petSpec, "#/components/schemas/Pet", "#/components/schemas/Pett", 1)
	tests := []struct {
		name string
		spec mocktest.Source
		want []string
	}{
		{"bad ref", mocktest.Bytes([]byte(broken)), []string{"mocktest: openapi: document:", `"#/components/schemas/Pett"`, "paths./pets.get.responses.200"}},
		{"missing file", mocktest.File("testdata/nope.yaml"), []string{"nope.yaml", "no such file"}},
		{"not a spec", mocktest.Bytes([]byte("hello: world")), []string{"not an OpenAPI"}},
		{"fs", mocktest.FS(fstest.MapFS{}, "x.yaml"), []string{"x.yaml"}},
		{"nil fs", mocktest.FS(nil, "x.yaml"), []string{"nil fs.FS"}},
		{"nil document", mocktest.Document(nil), []string{"nil *openapi.Document"}},
		{"nil source", nil, []string{"nil Source"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			var srv *mocktest.Server
			completed := f.run(func() { srv = mocktest.New(f, tt.spec) })
			f.end()
			assert.False(t, completed, "Fatalf stops the test")
			assert.Nil(t, srv)
			require.Len(t, f.fatals, 1)
			for _, w := range tt.want {
				assert.Contains(t, f.fatals[0], w)
			}
		})
	}
}

func TestStubs(t *testing.T) {
	t.Parallel()
	type req struct {
		method, path, body string
		headers            []string
		status             int
		body2              string // substring of the response body
	}
	tests := []struct {
		name  string
		stub  func(s *mocktest.Server)
		reqs  []req
		check func(t *testing.T, s *mocktest.Server)
	}{
		{
			name: "json value",
			stub: func(s *mocktest.Server) { s.On("getPet", mocktest.Reply(200, Pet{ID: 5, Name: "Five"})) },
			reqs: []req{{method: "GET", path: "/v1/pets/5", status: 200, body2: `"Five"`}},
		},
		{
			name: "by path value",
			stub: func(s *mocktest.Server) {
				s.On("getPet", mocktest.MatchPath("id", "9"), mocktest.Reply(404, map[string]string{"title": "gone"}))
			},
			reqs: []req{
				{method: "GET", path: "/v1/pets/9", status: 404, body2: "gone"},
				{method: "GET", path: "/v1/pets/1", status: 200, body2: "Rex"},
			},
		},
		{
			name: "by query and header",
			stub: func(s *mocktest.Server) {
				s.On("listPets", mocktest.MatchQuery("limit", "2"), mocktest.MatchHeader("x-tenant", "a"), mocktest.Reply(200, []Pet{{1, "A"}, {2, "B"}}))
			},
			reqs: []req{
				{method: "GET", path: "/v1/pets?limit=2", headers: []string{"X-Tenant", "a"}, status: 200, body2: `"B"`},
				{method: "GET", path: "/v1/pets?limit=2", headers: []string{"X-Tenant", "b"}, status: 200, body2: "Rex"},
				{method: "GET", path: "/v1/pets?limit=3", headers: []string{"X-Tenant", "a"}, status: 200, body2: "Rex"},
			},
		},
		{
			name: "by body",
			stub: func(s *mocktest.Server) {
				s.On("createPet", mocktest.MatchBody(func(b []byte) bool { return bytes.Contains(b, []byte("Nemo")) }), mocktest.Reply(201, Pet{42, "Nemo"}))
			},
			reqs: []req{
				{method: "POST", path: "/v1/pets", body: `{"name":"Nemo"}`, status: 201, body2: "42"},
				{method: "POST", path: "/v1/pets", body: `{"name":"Dory"}`, status: 201},
			},
		},
		{
			name: "sequence, then Times, then the spec (options in any order)",
			stub: func(s *mocktest.Server) {
				s.On("getPet", mocktest.Times(3), mocktest.Reply(503, nil), mocktest.Reply(200, Pet{2, "Tom"}))
			},
			reqs: []req{
				{method: "GET", path: "/v1/pets/2", status: 503},
				{method: "GET", path: "/v1/pets/2", status: 200, body2: "Tom"},
				{method: "GET", path: "/v1/pets/2", status: 200, body2: "Tom"},
				// The stateful mock answers from its seed data, which starts with the spec's examples.
				{method: "GET", path: "/v1/pets/1", status: 200, body2: "Rex"},
			},
			check: func(t *testing.T, s *mocktest.Server) {
				calls := s.Calls("getPet")
				require.Len(t, calls, 4)
				assert.True(t, calls[2].Stubbed)
				assert.False(t, calls[3].Stubbed)
				assert.Equal(t, map[string]string{"id": "2"}, calls[0].PathParams)
			},
		},
		{
			name: "named example and header",
			stub: func(s *mocktest.Server) {
				s.On("getPet", mocktest.Reply(200, mocktest.Example("tom")).WithHeader("X-Trace", "t1"))
			},
			reqs: []req{{method: "GET", path: "/v1/pets/1", status: 200, body2: "Tom"}},
		},
		{
			name: "raw bytes",
			stub: func(s *mocktest.Server) { s.On("getPet", mocktest.Reply(200, []byte(`{"id":3,"name":"Raw"}`))) },
			reqs: []req{{method: "GET", path: "/v1/pets/3", status: 200, body2: "Raw"}},
		},
		{
			name: "handler func",
			stub: func(s *mocktest.Server) {
				s.On("getPet", mocktest.ReplyFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					fmt.Fprintf(w, `{"id":1,"name":%q}`, r.URL.Path)
				}))
			},
			reqs: []req{{method: "GET", path: "/v1/pets/1", status: 200, body2: "/v1/pets/1"}},
		},
		{
			name: "newest wins",
			stub: func(s *mocktest.Server) {
				s.On("getPet", mocktest.Reply(200, Pet{1, "Old"}))
				s.On("getPet", mocktest.Reply(200, Pet{1, "New"}), mocktest.Times(1))
			},
			reqs: []req{
				{method: "GET", path: "/v1/pets/1", status: 200, body2: "New"},
				{method: "GET", path: "/v1/pets/1", status: 200, body2: "Old"},
			},
		},
		{
			name: "a stub never answers a request that breaks the spec",
			stub: func(s *mocktest.Server) { s.On("createPet", mocktest.Reply(201, Pet{1, "x"})) },
			reqs: []req{{method: "POST", path: "/v1/pets", body: `{"name":""}`, status: 422, body2: "/name"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			srv := mocktest.New(f, mocktest.Bytes([]byte(petSpec)))
			tt.stub(srv)
			for i, r := range tt.reqs {
				status, body := do(t, srv, r.method, r.path, r.body, r.headers...)
				assert.Equal(t, r.status, status, "request %d: %s", i, body)
				assert.Contains(t, body, r.body2, "request %d", i)
			}
			if tt.check != nil {
				tt.check(t, srv)
			}
			f.end()
			if strings.Contains(tt.name, "breaks the spec") {
				assert.Contains(t, f.report(), "broke the API description")
			} else {
				assert.False(t, f.failed(), f.report())
			}
		})
	}
}

// A stub that contradicts the spec fails the test when it is added, with
// the violation and its location; OffContract lets it through.
func TestStubsAreCheckedAgainstTheSpec(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		stub func(s *mocktest.Server)
		want []string // nil: the test does not fail
	}{
		{"valid", func(s *mocktest.Server) { s.On("getPet", mocktest.Reply(200, Pet{1, "a"})) }, nil},
		{"undeclared status", func(s *mocktest.Server) { s.On("getPet", mocktest.Reply(500, nil)) },
			[]string{"stub getPet (mocktest_test.go:", "status: getPet does not declare status 500; it declares 200, 404, 503"}},
		{"wrong type", func(s *mocktest.Server) {
			s.On("getPet", mocktest.Reply(200, map[string]any{"id": "one", "name": "a"}))
		},
			[]string{"body /id:", "paths./pets/{id}.get.responses.200.content.application/json.schema"}},
		{"missing required", func(s *mocktest.Server) { s.On("getPet", mocktest.Reply(404, map[string]any{"status": 404})) },
			[]string{"body /title:", "application/problem+json"}},
		{"wrong content type", func(s *mocktest.Server) {
			s.On("getPet", mocktest.Reply(200, []byte("x")).WithHeader("Content-Type", "text/plain"))
		},
			[]string{`header Content-Type: "text/plain" is not a media type`}},
		{"unknown example", func(s *mocktest.Server) { s.On("getPet", mocktest.Reply(200, mocktest.Example("nemo"))) },
			[]string{`no example "nemo"; it has rex, tom`}},
		{"unknown operation", func(s *mocktest.Server) { s.On("getPett") },
			[]string{`the spec has no operation "getPett"; it has createPet, getPet, listPets`}},
		{"off contract", func(s *mocktest.Server) {
			s.On("getPet", mocktest.Reply(500, map[string]any{"oops": true}), mocktest.Reply(200, map[string]any{"id": "x"}), mocktest.OffContract())
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			srv := mocktest.New(f, mocktest.Bytes([]byte(petSpec)))
			tt.stub(srv)
			failedAtOnce := f.failed()
			f.end()
			if tt.want == nil {
				assert.False(t, f.failed(), f.report())
				return
			}
			assert.True(t, failedAtOnce, "the test fails when the stub is added")
			for _, w := range tt.want {
				assert.Contains(t, f.report(), w)
			}
		})
	}
}

// A request that breaks the spec is answered as the mock does and fails the
// test at cleanup, naming the request and the violation; a valid run does
// not fail.
func TestContractCheckOfTheClient(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, method, path, body string
		status                   int
		want                     []string // nil: a valid request
	}{
		{"valid", "GET", "/v1/pets?limit=5", "", 200, nil},
		{"valid post", "POST", "/v1/pets", `{"name":"Rex"}`, 201, nil},
		{"unknown path", "GET", "/v1/cats", "", 404, []string{"GET /v1/cats -> no operation -> 404 (spec)", "route: no path"}},
		{"wrong method", "DELETE", "/v1/pets", "", 405, []string{"DELETE /v1/pets", "route: DELETE is not declared for this path; it allows GET, HEAD, POST"}},
		{"bad path parameter", "GET", "/v1/pets/rex", "", 400, []string{"getPet -> 400", "path id:"}},
		{"bad query parameter", "GET", "/v1/pets?limit=0", "", 400, []string{"query limit:"}},
		{"missing body", "POST", "/v1/pets", "", 422, []string{"createPet -> 422", "body: a request body is required"}},
		{"invalid body", "POST", "/v1/pets", `{"name":7}`, 422, []string{"body /name:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, warn := range []bool{false, true} {
				f := newFake(t)
				var opts []mocktest.Option
				if warn {
					opts = append(opts, mocktest.WarnOnViolations())
				}
				srv := mocktest.New(f, mocktest.Bytes([]byte(petSpec)), opts...)
				status, _ := do(t, srv, tt.method, tt.path, tt.body)
				assert.Equal(t, tt.status, status)
				assert.False(t, f.failed(), "reported at cleanup, not before")
				f.end()
				if tt.want == nil {
					assert.False(t, f.failed(), f.report())
					assert.Empty(t, f.logs)
					continue
				}
				report := f.report()
				if warn {
					assert.False(t, f.failed(), "WarnOnViolations only logs")
					require.Len(t, f.logs, 1)
					report = f.logs[0]
				} else {
					assert.True(t, f.failed())
				}
				assert.Contains(t, report, "1 request(s) broke the API description")
				for _, w := range tt.want {
					assert.Contains(t, report, w)
				}
			}
		})
	}
}

func TestReplyFuncAnswersAreCheckedWhenSent(t *testing.T) {
	t.Parallel()
	for _, off := range []bool{false, true} {
		f := newFake(t)
		srv := mocktest.New(f, mocktest.Bytes([]byte(petSpec)))
		opts := []mocktest.StubOption{mocktest.ReplyFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(200)
			_, _ = w.Write([]byte(`{"id":"x"}`))
		})}
		if off {
			opts = append(opts, mocktest.OffContract()) // after the reply: order does not matter
		}
		srv.On("getPet", opts...)
		status, _ := do(t, srv, "GET", "/v1/pets/1", "")
		assert.Equal(t, 200, status)
		f.end()
		if off {
			assert.False(t, f.failed(), f.report())
			continue
		}
		assert.Contains(t, f.report(), "1 stub or override response(s) broke the API description")
		assert.Contains(t, f.report(), "body /id:")
		assert.Contains(t, f.report(), "body /name:")
	}
}

func TestStrictReportsUnmatchedStubs(t *testing.T) {
	t.Parallel()
	for _, strict := range []bool{false, true} {
		f := newFake(t)
		var opts []mocktest.Option
		if strict {
			opts = append(opts, mocktest.Strict())
		}
		srv := mocktest.New(f, mocktest.Bytes([]byte(petSpec)), opts...)
		srv.On("getPet", mocktest.Reply(200, Pet{1, "a"}))
		srv.On("listPets", mocktest.Reply(200, []Pet{}))
		srv.On("createPet", mocktest.Reply(201, Pet{1, "a"})).Remove() // removed: not reported
		do(t, srv, "GET", "/v1/pets/1", "")
		f.end()
		if !strict {
			assert.False(t, f.failed(), f.report())
			continue
		}
		report := f.report()
		assert.Contains(t, report, "1 stub(s) never matched a request")
		assert.Contains(t, report, "listPets (mocktest_test.go:")
		assert.NotContains(t, report, "getPet (")
		assert.NotContains(t, report, "createPet (")
	}
}

func TestAssertions(t *testing.T) {
	t.Parallel()
	srv := mocktest.New(t, mocktest.Bytes([]byte(petSpec)))
	do(t, srv, "GET", "/v1/pets?limit=2", "")
	do(t, srv, "POST", "/v1/pets", `{"name":"Rex"}`)
	do(t, srv, "POST", "/v1/pets", `{"name":"Tom"}`)

	tests := []struct {
		name   string
		assert func(tb mocktest.TestingT) bool
		want   []string // nil: holds
	}{
		{"called", func(tb mocktest.TestingT) bool { return srv.AssertCalled(tb, "createPet", 2) }, nil},
		{"by method and path", func(tb mocktest.TestingT) bool { return srv.AssertCalled(tb, "POST /pets", 2) }, nil},
		{"at least once", func(tb mocktest.TestingT) bool { return srv.AssertCalled(tb, "listPets", -1) }, nil},
		{"not called", func(tb mocktest.TestingT) bool { return srv.AssertNotCalled(tb, "getPet") }, nil},
		{"never called lists the others", func(tb mocktest.TestingT) bool { return srv.AssertCalled(tb, "getPet", 1) },
			[]string{"getPet was called 0 times, want 1 time", "calls made instead:",
				"1. GET /v1/pets?limit=2 -> listPets -> 200 (spec)", "3. POST /v1/pets -> createPet -> 201 (spec)"}},
		{"wrong count lists the calls", func(tb mocktest.TestingT) bool { return srv.AssertCalled(tb, "createPet", 1) },
			[]string{"createPet was called 2 times, want 1 time", "calls to it:", "2. POST /v1/pets -> createPet"}},
		{"called when it should not be", func(tb mocktest.TestingT) bool { return srv.AssertNotCalled(tb, "listPets") },
			[]string{"listPets was called 1 time, want none", "1. GET /v1/pets?limit=2"}},
		{"unknown operation", func(tb mocktest.TestingT) bool { return srv.AssertCalled(tb, "deletePet", 0) },
			[]string{`the spec has no operation "deletePet"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			ok := tt.assert(f)
			assert.Equal(t, tt.want == nil, ok)
			for _, w := range tt.want {
				assert.Contains(t, f.report(), w)
			}
		})
	}
	calls := srv.Calls("createPet")
	require.Len(t, calls, 2)
	assert.JSONEq(t, `{"name":"Tom"}`, string(calls[1].Body))
	assert.Equal(t, "2", srv.Journal()[0].Query.Get("limit"))
}

func TestDelayStopsWhenTheClientGivesUp(t *testing.T) {
	t.Parallel()
	srv := mocktest.New(t, mocktest.Bytes([]byte(petSpec)))
	srv.On("getPet", mocktest.Delay(time.Hour), mocktest.Reply(200, Pet{1, "slow"}))
	srv.On("listPets", mocktest.Delay(20*time.Millisecond)) // no reply: the spec answers, late

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL()+"/v1/pets/1", nil)
	start := time.Now()
	_, err := srv.Client().Do(req)
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), err)

	status, body := do(t, srv, "GET", "/v1/pets", "")
	assert.Equal(t, 200, status)
	assert.Contains(t, body, "Rex")
	assert.Less(t, time.Since(start), 5*time.Second)

	require.Eventually(t, func() bool { return len(srv.Calls("getPet")) == 1 }, 5*time.Second, 5*time.Millisecond)
	c := srv.Calls("getPet")[0]
	assert.True(t, c.Canceled)
	assert.Equal(t, 0, c.Status)
	l := srv.Calls("listPets")[0]
	assert.False(t, l.Stubbed)
	assert.Contains(t, l.Stub, "listPets (mocktest_test.go:")
}

// The test ends while a stub's delay is pending: cleanup does not wait for it.
func TestCleanupCutsDelaysShort(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	srv := mocktest.New(f, mocktest.Bytes([]byte(petSpec)))
	arrived := make(chan struct{})
	var once sync.Once
	srv.On("getPet", mocktest.MatchBody(func([]byte) bool { once.Do(func() { close(arrived) }); return true }),
		mocktest.Delay(time.Hour), mocktest.Reply(200, Pet{1, "slow"}))
	errc := make(chan error, 1)
	go func() {
		resp, err := srv.Client().Get(srv.URL() + "/v1/pets/1")
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	<-arrived
	start := time.Now()
	f.end()
	assert.Less(t, time.Since(start), 5*time.Second)
	<-errc
	assert.False(t, f.failed(), f.report())
}

// Stubs are added and removed while requests run: no data race, and every
// request is answered by a stub or the spec.
func TestStubsChangeWhileTheServerRuns(t *testing.T) {
	t.Parallel()
	srv := mocktest.New(t, mocktest.Bytes([]byte(petSpec)))
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := srv.Client().Get(srv.URL() + "/v1/pets/1")
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 && resp.StatusCode != 503 {
					t.Errorf("status %d", resp.StatusCode)
				}
			}
		}()
	}
	for i := range 50 {
		st := srv.On("getPet", mocktest.Reply(503, nil), mocktest.Times(2))
		if i%2 == 0 {
			st.Remove()
		}
		time.Sleep(time.Millisecond)
	}
	close(stop)
	wg.Wait()
	calls := srv.Journal()
	require.NotEmpty(t, calls)
	stubbed := 0
	for _, c := range calls {
		if c.Stubbed {
			stubbed++
		}
	}
	assert.LessOrEqual(t, stubbed, 50)
}

// Parallel subtests each get their own server; stubs of one are not seen by
// another.
func TestParallelServersAreIndependent(t *testing.T) {
	t.Parallel()
	for i := range 8 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			srv := mocktest.New(t, mocktest.Bytes([]byte(petSpec)))
			srv.On("getPet", mocktest.Reply(200, Pet{i, fmt.Sprint("pet", i)}))
			_, body := do(t, srv, "GET", "/v1/pets/1", "")
			assert.Contains(t, body, fmt.Sprintf(`"pet%d"`, i))
			srv.AssertCalled(t, "getPet", 1)
		})
	}
}

// No goroutine outlives the test that started the server. Not parallel: it
// counts the goroutines of the whole process.
func TestNoGoroutineOutlivesTheTest(t *testing.T) {
	for range 3 {
		f := newFake(t)
		srv := mocktest.New(f, mocktest.Bytes([]byte(petSpec)))
		srv.On("getPet", mocktest.Delay(time.Hour), mocktest.Reply(200, Pet{1, "x"}))
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL()+"/v1/pets/1", nil)
		_, _ = srv.Client().Do(req)
		cancel()
		do(t, srv, "GET", "/v1/pets", "")
		f.end()
	}
	// Counting goroutines is noisy (other tests' connections and the
	// runtime's own come and go); look for ours by what they run instead:
	// code of this package, or a server connection.
	ours := func() []string {
		buf := make([]byte, 1<<20)
		var found []string
		for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
			if strings.Contains(g, "TestNoGoroutineOutlivesTheTest") {
				continue // this test and the check itself
			}
			if strings.Contains(g, "mockapi/mock/mocktest.") || strings.Contains(g, "net/http.(*conn).serve") ||
				strings.Contains(g, "net/http.(*Server).Serve") {
				found = append(found, g)
			}
		}
		return found
	}
	if !assert.Eventually(t, func() bool { return len(ours()) == 0 }, 20*time.Second, 20*time.Millisecond) {
		t.Logf("goroutines left behind:\n%s", strings.Join(ours(), "\n\n"))
	}
}

// A stub is registered complete or not at all: one reply that cannot be
// built fails the test and leaves the operation to the spec, and a request
// never meets a stub halfway through its options.
func TestStubIsRegisteredCompleteOrNotAtAll(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		opts     []mocktest.StubOption
		fails    bool
		wantName string // what GET /v1/pets/1 answers
		wantHits int
	}{
		{"complete", []mocktest.StubOption{mocktest.Reply(200, Pet{1, "Stub"})}, false, "Stub", 1},
		{"unknown example among replies", []mocktest.StubOption{mocktest.Reply(200, Pet{1, "Stub"}), mocktest.Reply(200, mocktest.Example("nemo"))}, true, "Rex", 0},
		{"body that is not JSON", []mocktest.StubOption{mocktest.Reply(200, func() {})}, true, "Rex", 0},
		{"nil option is ignored", []mocktest.StubOption{nil, mocktest.Reply(200, Pet{1, "Stub"})}, false, "Stub", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			srv := mocktest.New(f, mocktest.Bytes([]byte(petSpec)), mocktest.WithMockOptions(mock.WithSeed(1)))
			st := srv.On("getPet", tt.opts...)
			assert.Equal(t, tt.fails, f.failed(), f.report())
			status, body := do(t, srv, "GET", "/v1/pets/1", "")
			assert.Equal(t, 200, status)
			assert.Contains(t, body, tt.wantName)
			assert.Equal(t, tt.wantHits, st.Hits())
			f.end()
		})
	}
}

// WithHeader returns a copy: a reply shared between stubs keeps its headers.
func TestWithHeaderCopies(t *testing.T) {
	t.Parallel()
	srv := mocktest.New(t, mocktest.Bytes([]byte(petSpec)))
	base := mocktest.Reply(200, Pet{1, "Rex"})
	srv.On("getPet", mocktest.MatchPath("id", "1"), base.WithHeader("X-Trace", "one"))
	srv.On("getPet", mocktest.MatchPath("id", "2"), base)
	for id, want := range map[string]string{"1": "one", "2": ""} {
		resp, err := srv.Client().Get(srv.URL() + "/v1/pets/" + id)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, want, resp.Header.Get("X-Trace"), "pet %s", id)
	}
}

// An override given through WithMockOptions is held to the contract like a
// ReplyFunc stub: an answer the spec does not allow fails the test.
func TestOverrideAnswersAreChecked(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		body  string
		lying bool
	}{
		{"keeps the contract", `{"id":1,"name":"a"}`, false},
		{"breaks the contract", `{"id":"x"}`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			srv := mocktest.New(f, mocktest.Bytes([]byte(petSpec)), mocktest.WithMockOptions(
				mock.WithOperation("getPet", func(w http.ResponseWriter, r *http.Request, _ http.Handler) {
					w.Header().Set("Content-Type", "application/json")
					_, _ = w.Write([]byte(tc.body))
				})))
			status, body := do(t, srv, "GET", "/v1/pets/1", "")
			assert.Equal(t, 200, status)
			assert.JSONEq(t, tc.body, body, "the override answered")
			f.end()
			if !tc.lying {
				assert.False(t, f.failed(), f.report())
				return
			}
			assert.Contains(t, f.report(), "1 stub or override response(s) broke the API description")
			assert.Contains(t, f.report(), "body /id:")
		})
	}
}
