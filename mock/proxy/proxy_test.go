package proxy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/mock/proxy"
	"github.com/mockapi-go/mockapi/openapi"
)

// petSpec is the description both the mock and the upstream stand for.
// Every operation declares a problem+json default, so that the mock's own
// refusals (422, 502) are answers the description allows.
const petSpec = `openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100}}
      responses:
        "200":
          description: pets
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}
        default: {$ref: "#/components/responses/Problem"}
    post:
      operationId: createPet
      security: [{apiKey: []}]
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/NewPet"}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
        default: {$ref: "#/components/responses/Problem"}
  /pets/{petId}:
    get:
      operationId: getPet
      parameters:
        - {name: petId, in: path, required: true, schema: {type: integer, minimum: 1}}
      responses:
        "200":
          description: a pet
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
              example: {id: 1, name: Mock}
        "404": {$ref: "#/components/responses/Problem"}
        default: {$ref: "#/components/responses/Problem"}
  /owners:
    get:
      operationId: listOwners
      responses:
        "200":
          description: owners
          content:
            application/json:
              schema:
                type: array
                items:
                  type: object
                  required: [id, name]
                  properties:
                    id: {type: integer}
                    name: {type: string}
        default: {$ref: "#/components/responses/Problem"}
  /stores:
    get:
      operationId: listStores
      responses:
        "200":
          description: stores
          content:
            application/json:
              schema: {type: array, items: {type: string}}
        default: {$ref: "#/components/responses/Problem"}
  /me:
    get:
      operationId: getMe
      responses:
        "200":
          description: the caller
          content:
            application/json:
              schema:
                type: object
                required: [id, name]
                properties:
                  id: {type: integer}
                  name: {type: string}
                  apiToken: {type: string}
        default: {$ref: "#/components/responses/Problem"}
  /me/pin:
    get:
      operationId: getPin
      responses:
        "200":
          description: a pin
          content:
            application/json:
              schema:
                type: object
                properties:
                  pin: {type: string, pattern: "^[0-9]{4}$"}
        default: {$ref: "#/components/responses/Problem"}
  /slow:
    get:
      operationId: slow
      responses:
        "200":
          description: late
          content:
            application/json:
              schema: {type: object, properties: {ok: {type: boolean}}}
        default: {$ref: "#/components/responses/Problem"}
components:
  securitySchemes:
    apiKey: {type: apiKey, in: header, name: X-API-Key}
  responses:
    Problem:
      description: a problem
      content:
        application/problem+json:
          schema:
            type: object
            required: [status]
            properties:
              status: {type: integer}
              code: {type: string}
  schemas:
    NewPet:
      type: object
      required: [name]
      properties:
        name: {type: string, minLength: 1}
    Pet:
      type: object
      required: [id, name]
      additionalProperties: false
      properties:
        id: {type: integer, minimum: 1}
        name: {type: string}
`

// upstream is the real API of the tests: right on listPets, getPet (1..9,
// else 404 or 501) and createPet, drifting on listOwners, hanging up on
// listStores and too slow on slow. It remembers what it was sent.
type upstream struct {
	*httptest.Server
	calls    atomic.Int64
	mu       sync.Mutex
	last     *http.Request
	lastBody []byte
	release  chan struct{}
}

func newUpstream(t testing.TB) *upstream {
	t.Helper()
	u := &upstream{release: make(chan struct{})}
	u.Server = httptest.NewServer(http.HandlerFunc(u.serve))
	t.Cleanup(func() {
		close(u.release)
		u.Close()
	})
	return u
}

func (u *upstream) serve(w http.ResponseWriter, r *http.Request) {
	u.calls.Add(1)
	body, _ := io.ReadAll(r.Body)
	u.mu.Lock()
	u.last, u.lastBody = r.Clone(context.Background()), body
	u.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Access-Control-Allow-Origin", "https://upstream.example")
	w.Header().Set("Keep-Alive", "timeout=5")
	w.Header().Set("X-Upstream", "yes")
	w.Header().Set("Vary", "Accept")
	switch {
	case (r.Method == "GET" || r.Method == "HEAD") && r.URL.Path == "/pets":
		_, _ = io.WriteString(w, `[{"id":1,"name":"Real Rex"},{"id":2,"name":"Real Tom"}]`)
	case r.Method == "POST" && r.URL.Path == "/pets":
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"id":7,"name":"Created upstream"}`)
	case r.URL.Path == "/pets/404":
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"status":404,"code":"NOT_FOUND"}`)
	case r.URL.Path == "/pets/501":
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusNotImplemented)
		_, _ = io.WriteString(w, `{"status":501}`)
	case r.URL.Path == "/pets/503":
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, `{"status":503}`)
	case strings.HasPrefix(r.URL.Path, "/pets/"):
		_, _ = io.WriteString(w, `{"id":`+strings.TrimPrefix(r.URL.Path, "/pets/")+`,"name":"Real Pet"}`)
	case r.URL.Path == "/owners":
		// Drift: a name that is a number, an id that is missing.
		_, _ = io.WriteString(w, `[{"id":1,"name":"Ann"},{"name":42}]`)
	case r.URL.Path == "/me":
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: "srv-secret"})
		_, _ = io.WriteString(w, `{"id":1,"name":"Ann","apiToken":"tok-secret"}`)
	case r.URL.Path == "/me/pin":
		_, _ = io.WriteString(w, `{"pin":"4321"}`)
	case r.URL.Path == "/stores":
		// Down: the connection is dropped without an answer.
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	case r.URL.Path == "/slow":
		select {
		case <-r.Context().Done():
		case <-u.release:
		}
	default:
		w.WriteHeader(http.StatusTeapot)
	}
}

func (u *upstream) lastRequest() (*http.Request, []byte) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.last, u.lastBody
}

func loadDoc(t testing.TB) *openapi.Document {
	t.Helper()
	doc, err := openapi.Parse(context.Background(), []byte(petSpec))
	require.NoError(t, err)
	return doc
}

// newMock is the mock of petSpec in front of the proxy to target.
func newMock(t *testing.T, target string, o proxy.Options) (*mock.Handler, *proxy.Proxy) {
	t.Helper()
	p, err := proxy.New(target, o)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	h, err := mock.New(loadDoc(t), mock.WithSeed(1), mock.WithoutState(), mock.WithUpstream(p))
	require.NoError(t, err)
	return h, p
}

// do sends one request through h with a fresh Report in its context.
func do(h http.Handler, method, target, body string, header ...string) (*httptest.ResponseRecorder, *proxy.Report) {
	var rb io.Reader
	if body != "" {
		rb = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, target, rb)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Add(header[i], header[i+1])
	}
	rep := &proxy.Report{}
	r = r.WithContext(proxy.ContextWithReport(r.Context(), rep))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w, rep
}

// assertValid holds an answer to the description with the mock's own
// response checker.
func assertValid(t *testing.T, h *mock.Handler, op string, w *httptest.ResponseRecorder) {
	t.Helper()
	vs := h.CheckResponse(h.Document().Operation(op), w.Code, w.Header().Get("Content-Type"), w.Body.Bytes())
	assert.Empty(t, vs, "the answer to %s (%d %s) breaks the description", op, w.Code, w.Body.String())
}

// allowed is what every test that calls an httptest upstream (on
// 127.0.0.1) must say.
var allowed = proxy.Options{AllowPrivate: true, Timeout: 2 * time.Second}

func TestProxyForwardsFallsBackAndCountsDrift(t *testing.T) {
	t.Parallel()
	up := newUpstream(t)
	o := allowed
	o.Timeout = time.Second // room for a loaded machine; /slow waits for it
	o.FallbackOn = []string{"404", "5xx"}
	h, p := newMock(t, up.URL, o)

	tests := []struct {
		name, method, target, body string
		op                         string
		status                     int
		source, reason             string
		bodyHas                    string
		drift                      bool
	}{
		{"a right answer is passed on", "GET", "/pets?limit=5", "", "listPets", 200, proxy.SourceUpstream, "", "Real Rex", false},
		{"a path parameter reaches the upstream", "GET", "/pets/3", "", "getPet", 200, proxy.SourceUpstream, "", "Real Pet", false},
		{"a write is forwarded with its body", "POST", "/pets", `{"name":"Kit"}`, "createPet", 201, proxy.SourceUpstream, "", "Created upstream", false},
		{"a listed status falls back to the mock", "GET", "/pets/404", "", "getPet", 200, proxy.SourceFallback, "status 404", `"Mock"`, false},
		{"a listed class falls back to the mock", "GET", "/pets/503", "", "getPet", 200, proxy.SourceFallback, "status 503", `"Mock"`, false},
		{"a drifting answer is passed on and counted", "GET", "/owners", "", "listOwners", 200, proxy.SourceUpstream, "", `"name":42`, true},
		{"a dropped connection falls back", "GET", "/stores", "", "listStores", 200, proxy.SourceFallback, "unreachable", "[", false},
		{"a timeout falls back", "GET", "/slow", "", "slow", 200, proxy.SourceFallback, "timeout", "{", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			header := []string{"X-API-Key", "k-123"}
			w, rep := do(h, tc.method, tc.target, tc.body, header...)
			require.Equal(t, tc.status, w.Code, w.Body.String())
			assert.Equal(t, tc.source, rep.Source)
			assert.Equal(t, tc.reason, rep.Reason)
			assert.Contains(t, w.Body.String(), tc.bodyHas)
			if tc.drift {
				assert.NotEmpty(t, rep.Drift)
				assert.NotEmpty(t, h.CheckResponse(h.Document().Operation(tc.op), w.Code, w.Header().Get("Content-Type"), w.Body.Bytes()),
					"a drifting answer is passed on as the upstream sent it")
				return
			}
			assert.Empty(t, rep.Drift)
			assertValid(t, h, tc.op, w)
		})
	}

	drift := p.Drift()
	require.NotEmpty(t, drift)
	for _, d := range drift {
		assert.Equal(t, "listOwners", d.Operation)
		assert.Equal(t, 200, d.Status)
		assert.Equal(t, int64(1), d.Count)
	}
	var pointers []string
	for _, d := range drift {
		pointers = append(pointers, d.Pointer)
	}
	assert.Contains(t, pointers, "/1/name", "the drift is located in the body")
	st := p.Stats()
	assert.Equal(t, int64(4), st.Forwarded)
	assert.Equal(t, int64(4), st.Fallbacks)
	assert.Equal(t, int64(1), st.Drifted)
	assert.Zero(t, st.Refused)
}

// With Strict, a drifting answer never reaches the client: it gets a 502
// the description allows, naming each disagreement.
func TestProxyStrictRefusesDrift(t *testing.T) {
	t.Parallel()
	up := newUpstream(t)
	o := allowed
	o.Strict = true
	h, p := newMock(t, up.URL, o)

	w, rep := do(h, "GET", "/owners", "")
	require.Equal(t, http.StatusBadGateway, w.Code)
	assert.Equal(t, "application/problem+json", w.Header().Get("Content-Type"))
	assertValid(t, h, "listOwners", w)
	var pr struct {
		Code   string `json:"code"`
		Errors []struct {
			In, Pointer, Message string
		} `json:"errors"`
	}
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &pr))
	assert.Equal(t, "UPSTREAM_DRIFT", pr.Code)
	require.NotEmpty(t, pr.Errors)
	assert.NotContains(t, w.Body.String(), `"name":42`, "nothing of the drifting answer is passed on")
	assert.True(t, rep.Refused)
	assert.Equal(t, int64(1), p.Stats().Refused)

	w, _ = do(h, "GET", "/pets", "")
	require.Equal(t, http.StatusOK, w.Code, "a right answer passes a strict proxy")
	assertValid(t, h, "listPets", w)
}

// An upstream that is not listening at all: every operation is mocked, and
// every answer is the description's.
func TestProxyUpstreamDown(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	h, p := newMock(t, "http://"+addr, allowed)
	for _, tc := range []struct{ method, target, body, op string }{
		{"GET", "/pets", "", "listPets"},
		{"GET", "/pets/2", "", "getPet"},
		{"GET", "/owners", "", "listOwners"},
		{"POST", "/pets", `{"name":"Kit"}`, "createPet"},
	} {
		w, rep := do(h, tc.method, tc.target, tc.body, "X-API-Key", "k")
		require.Less(t, w.Code, 300, "%s %s: %s", tc.method, tc.target, w.Body.String())
		assert.Equal(t, proxy.SourceFallback, rep.Source)
		assert.Equal(t, "unreachable", rep.Reason)
		assertValid(t, h, tc.op, w)
	}
	assert.Equal(t, int64(4), p.Stats().Fallbacks)
}

// Requests are validated first, and the mock controls ask for the mock:
// neither reaches the upstream.
func TestProxyValidatesFirstAndHonoursMockControls(t *testing.T) {
	t.Parallel()
	up := newUpstream(t)
	h, _ := newMock(t, up.URL, allowed)
	tests := []struct {
		name, method, target, body string
		header                     []string
		status                     int
		op                         string
	}{
		{"an invalid body", "POST", "/pets", `{"name":""}`, []string{"X-API-Key", "k"}, 422, "createPet"},
		{"missing credentials", "POST", "/pets", `{"name":"Kit"}`, nil, 401, "createPet"},
		{"an invalid parameter", "GET", "/pets?limit=0", "", nil, 400, "listPets"},
		{"Prefer: code", "GET", "/pets/1", "", []string{"Prefer", "code=404"}, 404, "getPet"},
		{"Prefer: dynamic", "GET", "/pets", "", []string{"Prefer", "dynamic=true"}, 200, "listPets"},
		{"a control parameter", "GET", "/pets/1?__code=404", "", nil, 404, "getPet"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := up.calls.Load()
			w, rep := do(h, tc.method, tc.target, tc.body, tc.header...)
			assert.Equal(t, tc.status, w.Code, w.Body.String())
			assert.Empty(t, rep.Source)
			assert.Equal(t, before, up.calls.Load(), "the upstream was not called")
			assertValid(t, h, tc.op, w)
		})
	}
}

// Operations and FallbackFor choose per operation.
func TestProxyPerOperation(t *testing.T) {
	t.Parallel()
	up := newUpstream(t)
	o := allowed
	o.Operations = []string{"getPet", "GET /pets"}
	o.FallbackFor = map[string][]string{"getPet": {"404"}}
	h, _ := newMock(t, up.URL, o)

	w, rep := do(h, "GET", "/owners", "")
	require.Equal(t, 200, w.Code)
	assert.Empty(t, rep.Source, "an operation not listed is mocked without a call")
	assertValid(t, h, "listOwners", w)

	w, rep = do(h, "GET", "/pets", "")
	require.Equal(t, 200, w.Code)
	assert.Equal(t, proxy.SourceUpstream, rep.Source, "named by method and path")

	w, rep = do(h, "GET", "/pets/404", "")
	require.Equal(t, 200, w.Code)
	assert.Equal(t, "status 404", rep.Reason)
	assert.Equal(t, 404, rep.Status, "the upstream's status is reported")

	w, rep = do(h, "GET", "/pets/501", "")
	assert.Equal(t, http.StatusNotImplemented, w.Code, "FallbackFor replaces the default list for its operation")
	assert.Equal(t, proxy.SourceUpstream, rep.Source)
	assertValid(t, h, "getPet", w)

	_, err := mock.New(loadDoc(t), mock.WithUpstream(mustProxy(t, up.URL, proxy.Options{Operations: []string{"nope"}})))
	assert.ErrorContains(t, err, `"nope"`)
}

func mustProxy(t *testing.T, target string, o proxy.Options) *proxy.Proxy {
	t.Helper()
	p, err := proxy.New(target, o)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	return p
}

// By default 501 falls back and other statuses are passed on.
func TestProxyDefaultFallback(t *testing.T) {
	t.Parallel()
	up := newUpstream(t)
	h, _ := newMock(t, up.URL, allowed)
	w, rep := do(h, "GET", "/pets/501", "")
	assert.Equal(t, 200, w.Code)
	assert.Equal(t, "status 501", rep.Reason)
	w, rep = do(h, "GET", "/pets/404", "")
	assert.Equal(t, 404, w.Code)
	assert.Equal(t, proxy.SourceUpstream, rep.Source)
	assertValid(t, h, "getPet", w)
}

// Headers: credentials pass, hop-by-hop headers do not, Host is the
// upstream's, and the mock's CORS policy stands; nothing secret is logged.
func TestProxyHeaders(t *testing.T) {
	t.Parallel()
	up := newUpstream(t)
	var logs bytes.Buffer
	var mu sync.Mutex
	o := allowed
	o.Logger = slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h, _ := newMock(t, up.URL, o)

	w, _ := do(h, "POST", "/pets?token=q-secret", `{"name":"Kit"}`,
		"X-API-Key", "k-secret", "Authorization", "Bearer b-secret", "Cookie", "sid=c-secret",
		"Connection", "X-Drop", "X-Drop", "1", "Keep-Alive", "timeout=1", "Proxy-Authorization", "Basic p",
		"X-Mock-Session", "s1", "Origin", "https://app.example")
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	assertValid(t, h, "createPet", w)
	got, body := up.lastRequest()
	require.NotNil(t, got)
	assert.Equal(t, "k-secret", got.Header.Get("X-API-Key"))
	assert.Equal(t, "Bearer b-secret", got.Header.Get("Authorization"))
	assert.Equal(t, "sid=c-secret", got.Header.Get("Cookie"))
	assert.Equal(t, "q-secret", got.URL.Query().Get("token"))
	for _, name := range []string{"X-Drop", "Keep-Alive", "Proxy-Authorization", "X-Mock-Session"} {
		assert.Empty(t, got.Header.Get(name), name)
	}
	assert.Equal(t, strings.TrimPrefix(up.URL, "http://"), got.Host)
	assert.JSONEq(t, `{"name":"Kit"}`, string(body))

	assert.Equal(t, "yes", w.Header().Get("X-Upstream"))
	assert.Empty(t, w.Header().Get("Keep-Alive"))
	assert.Equal(t, "*", w.Header().Get("Access-Control-Allow-Origin"), "the mock's CORS policy, not the upstream's")
	assert.Contains(t, w.Header().Values("Vary"), "Origin", "the CORS layer's Vary is kept")
	assert.Contains(t, w.Header().Values("Vary"), "Accept", "beside the upstream's")

	do(h, "GET", "/owners", "", "Authorization", "Bearer b-secret") // drift: a warning
	do(h, "GET", "/stores", "", "X-API-Key", "k-secret")            // fallback: a debug line
	mu.Lock()
	out := logs.String()
	mu.Unlock()
	assert.Contains(t, out, "upstream drift")
	assert.Contains(t, out, "upstream fallback")
	for _, s := range []string{"k-secret", "b-secret", "c-secret", "q-secret"} {
		assert.NotContains(t, out, s)
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// Loopback is refused unless allowed; redirects are answers unless
// followed; bodies are bounded.
func TestProxyBounds(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 2048)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/pets":
			http.Redirect(w, r, "/pets/1", http.StatusFound)
		case "/pets/1":
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"id":1,"name":"followed"}`)
		case "/pets/2":
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"id":2,"name":"`+big+`"}`)
		}
	}))
	t.Cleanup(up.Close)

	h, _ := newMock(t, up.URL, proxy.Options{})
	w, rep := do(h, "GET", "/pets/1", "")
	require.Equal(t, 200, w.Code)
	assert.Equal(t, "refused: not a public address", rep.Reason, "127.0.0.1 is refused by default")
	assert.Contains(t, w.Body.String(), "Mock")
	assertValid(t, h, "getPet", w)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(up.URL, "http://"))
	h, _ = newMock(t, "http://localhost:"+port, proxy.Options{})
	_, rep = do(h, "GET", "/pets/1", "")
	assert.Equal(t, "refused: not a public address", rep.Reason, "a name is checked by the address it resolves to")

	h, _ = newMock(t, up.URL, allowed)
	w, rep = do(h, "GET", "/pets", "")
	assert.Equal(t, http.StatusFound, w.Code, "a redirect is passed on, not followed")
	assert.Equal(t, "/pets/1", w.Header().Get("Location"))
	assert.NotEmpty(t, rep.Drift, "a status the operation does not declare is drift")

	o := allowed
	o.FollowRedirects = true
	h, _ = newMock(t, up.URL, o)
	w, _ = do(h, "GET", "/pets", "")
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Contains(t, w.Body.String(), "followed")
	assert.NotEmpty(t, h.CheckResponse(h.Document().Operation("listPets"), w.Code, w.Header().Get("Content-Type"), w.Body.Bytes()),
		"the followed target is a pet, not a list: drift, passed on")

	o = allowed
	o.MaxBodySize = 1024
	h, _ = newMock(t, up.URL, o)
	w, rep = do(h, "GET", "/pets/2", "")
	assert.Equal(t, 200, w.Code)
	assert.Equal(t, "body too large", rep.Reason)
	assert.NotContains(t, w.Body.String(), big)
	assertValid(t, h, "getPet", w)
}

func TestNewRefusesBadOptions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		target string
		o      proxy.Options
		want   string
	}{
		{"ftp://x", proxy.Options{}, "not an absolute http"},
		{"ftp://user:pw@x", proxy.Options{}, "not an absolute http"},
		{"https://user:pw@x/%zz", proxy.Options{}, "not a URL"},
		{"/relative", proxy.Options{}, "not an absolute http"},
		{"https://user:pw@api.example", proxy.Options{}, "credentials"},
		{"https://api.example/v1?key=x", proxy.Options{}, "query"},
		{"https://api.example", proxy.Options{FallbackOn: []string{"6xx"}}, `"6xx"`},
		{"https://api.example", proxy.Options{FallbackFor: map[string][]string{"getPet": {"abc"}}}, `"abc"`},
	} {
		_, err := proxy.New(tc.target, tc.o)
		assert.ErrorContains(t, err, tc.want, tc.target)
		if err != nil {
			assert.NotContains(t, err.Error(), "pw", "no password in an error")
		}
	}
}

// HEAD is forwarded and answered with the length GET would have, and no
// body.
func TestProxyHead(t *testing.T) {
	t.Parallel()
	up := newUpstream(t)
	h, _ := newMock(t, up.URL, allowed)
	get, _ := do(h, "GET", "/pets", "")
	require.Equal(t, http.StatusOK, get.Code)
	head, rep := do(h, "HEAD", "/pets", "")
	require.Equal(t, http.StatusOK, head.Code)
	assert.Equal(t, proxy.SourceUpstream, rep.Source)
	assert.Zero(t, head.Body.Len())
	assert.Equal(t, strconv.Itoa(get.Body.Len()), head.Header().Get("Content-Length"))
}

// The request's path follows the upstream URL's own path, and its query
// is kept without the mock's control parameters.
func TestProxyJoinsPaths(t *testing.T) {
	t.Parallel()
	var got atomic.Value
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.URL.RequestURI())
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `[]`)
	}))
	t.Cleanup(up.Close)
	for _, base := range []string{up.URL + "/api/v2", up.URL + "/api/v2/"} {
		h, _ := newMock(t, base, allowed)
		w, rep := do(h, "GET", "/pets?limit=2&__delay=0", "")
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		assert.Equal(t, proxy.SourceUpstream, rep.Source)
		assert.Equal(t, "/api/v2/pets?limit=2", got.Load(), base)
	}
}
