package mockapi

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store"
)

const hooksSpec = `
openapi: 3.0.3
info: {title: Hooks, version: "1"}
paths:
  /subscriptions:
    post:
      operationId: subscribe
      requestBody:
        content:
          application/json:
            schema: {type: object, required: [url], properties: {url: {type: string}}}
      responses:
        "201":
          description: subscribed
          content:
            application/json:
              schema: {type: object, required: [id], properties: {id: {type: integer, example: 5}}}
      callbacks:
        onEvent:
          '{$request.body#/url}?sub={$response.body#/id}':
            post:
              requestBody:
                content:
                  application/json:
                    schema: {type: object, required: [event], properties: {event: {type: string, enum: [ping]}}}
              responses:
                "204": {description: received}
`

type hookSink struct {
	mu    sync.Mutex
	paths []string
	srv   *httptest.Server
}

func newHookSink(t *testing.T) *hookSink {
	k := &hookSink{}
	k.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		k.mu.Lock()
		k.paths = append(k.paths, r.URL.RequestURI()+" "+string(b))
		k.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(k.srv.Close)
	return k
}

func (k *hookSink) got() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]string(nil), k.paths...)
}

// A project fires callbacks only once it names destinations; deliveries
// are in the request log; private destinations need the Server's consent.
func TestProjectCallbacks(t *testing.T) {
	sink := newHookSink(t)
	s, c, st := startWith(t, Options{AllowPrivateCallbacks: true})
	c.admin("POST", "/projects", map[string]any{"id": "hooks", "spec": hooksSpec, "visibility": "public"}, 201)
	subscribe := func() {
		status, _, body := c.do("POST", "/p/hooks/subscriptions", `{"url":"`+sink.srv.URL+`/in"}`)
		require.Equal(t, http.StatusCreated, status, string(body))
	}

	subscribe()
	time.Sleep(50 * time.Millisecond)
	assert.Empty(t, sink.got(), "no callbacks without a callbacks setting")

	p := c.admin("PATCH", "/projects/hooks", map[string]any{"callbacks": map[string]any{"hosts": []string{"127.0.0.1"}, "retries": 1}}, 200)
	assert.Equal(t, map[string]any{"hosts": []any{"127.0.0.1"}, "retries": float64(1)}, p["callbacks"])
	subscribe()
	require.Eventually(t, func() bool { return len(sink.got()) == 1 }, 5*time.Second, 5*time.Millisecond)
	assert.Equal(t, `/in?sub=5 {"event":"ping"}`, sink.got()[0])

	require.NoError(t, s.FlushLog(t.Context()))
	require.Eventually(t, func() bool {
		require.NoError(t, s.FlushLog(t.Context()))
		es, err := st.RequestLog().Query(t.Context(), store.LogQuery{Project: "hooks", Operation: "subscribe/callbacks/onEvent", Limit: 10})
		require.NoError(t, err)
		if len(es) != 1 {
			return false
		}
		assert.Equal(t, "POST", es[0].Method)
		assert.Equal(t, sink.srv.URL+"/in", es[0].Path, "the URL without its query")
		assert.Equal(t, http.StatusNoContent, es[0].Status)
		return true
	}, 5*time.Second, 10*time.Millisecond)

	// Hosts that do not name the destination: journaled, not sent.
	c.admin("PATCH", "/projects/hooks", map[string]any{"callbacks": map[string]any{"hosts": []string{"hooks.example.com"}}}, 200)
	subscribe()
	time.Sleep(50 * time.Millisecond)
	assert.Len(t, sink.got(), 1)

	p = c.admin("PATCH", "/projects/hooks", map[string]any{"callbacks": nil}, 200)
	assert.NotContains(t, p, "callbacks", "null turns them off")

	for _, tc := range []struct {
		name string
		in   any
	}{
		{"no hosts", map[string]any{"hosts": []string{}}},
		{"bad prefix", map[string]any{"hosts": []string{"10.0.0.0/99"}}},
		{"too many retries", map[string]any{"hosts": []string{"a.example.com"}, "retries": 11}},
		{"bad delay", map[string]any{"hosts": []string{"a.example.com"}, "delay": "soon"}},
	} {
		body := c.admin("PATCH", "/projects/hooks", map[string]any{"callbacks": tc.in}, 422)
		assert.Equal(t, "VALIDATION_ERROR", body["code"], tc.name)
	}
}

func TestProjectCallbacksRefusePrivateHosts(t *testing.T) {
	_, c, _ := startWith(t, Options{})
	for _, host := range []string{"127.0.0.1", "10.0.0.0/8", "169.254.169.254", "localhost", "::1"} {
		body := c.admin("POST", "/projects", map[string]any{"id": "h", "spec": hooksSpec,
			"callbacks": map[string]any{"hosts": []string{host}}}, 422)
		assert.Contains(t, body["detail"], "does not allow", host)
	}
	c.admin("POST", "/projects", map[string]any{"id": "h", "spec": hooksSpec,
		"callbacks": map[string]any{"hosts": []string{"hooks.example.com", "93.184.216.0/24"}}}, 201)
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://h.example.com/a?token=x#f":   "https://h.example.com/a",
		"https://user:pw@h.example.com/a?b=1": "https://h.example.com/a",
		"http://h/":                           "http://h/",
	} {
		assert.Equal(t, want, redactURL(in))
		assert.False(t, strings.Contains(redactURL(in), "pw"))
	}
}

const webhooksSpec = `
openapi: 3.1.0
info: {title: Hooks, version: "1"}
paths: {}
webhooks:
  petAdopted:
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object, required: [petId], properties: {petId: {type: integer, minimum: 1}}}
      responses:
        "200": {description: ok}
`

func TestProjectWebhooks(t *testing.T) {
	sink := newHookSink(t)
	s, c, _ := startWith(t, Options{AllowPrivateCallbacks: true})
	c.admin("POST", "/projects", map[string]any{"id": "wh", "spec": webhooksSpec, "visibility": "public"}, 201)
	list := c.admin("GET", "/projects/wh/webhooks", nil, 200)
	assert.Equal(t, []any{"petAdopted"}, list["webhooks"])

	body := c.admin("POST", "/projects/wh/webhooks/petAdopted", map[string]any{"url": sink.srv.URL + "/in"}, 422)
	assert.Contains(t, body["detail"], "outbound calls are off")

	c.admin("PATCH", "/projects/wh", map[string]any{"callbacks": map[string]any{"hosts": []string{"127.0.0.1"}}}, 200)
	out := c.admin("POST", "/projects/wh/webhooks/petAdopted", map[string]any{"url": sink.srv.URL + "/in"}, 202)
	assert.Equal(t, float64(1), out["requests"])
	require.Eventually(t, func() bool { return len(sink.got()) == 1 }, 5*time.Second, 5*time.Millisecond)
	assert.Regexp(t, `^/in \{"petId":[1-9][0-9]*\}$`, sink.got()[0])

	c.admin("POST", "/projects/wh/webhooks/nope", map[string]any{"url": sink.srv.URL}, 404)
	body = c.admin("POST", "/projects/wh/webhooks/petAdopted", map[string]any{"url": "https://elsewhere.example.com/x"}, 422)
	assert.Contains(t, body["detail"], "not among the allowed hosts")
	c.admin("POST", "/projects/wh/webhooks/petAdopted", map[string]any{"url": "not a url"}, 422)

	require.Eventually(t, func() bool {
		require.NoError(t, s.FlushLog(t.Context()))
		es, err := s.st.RequestLog().Query(t.Context(), store.LogQuery{Project: "wh", Operation: "webhooks/petAdopted", Limit: 5})
		require.NoError(t, err)
		return len(es) == 1 && es[0].Status == http.StatusNoContent
	}, 5*time.Second, 10*time.Millisecond)
}
