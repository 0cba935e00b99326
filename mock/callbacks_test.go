package mock

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/mock/callback"
	"github.com/mockapi-go/mockapi/openapi"
)

const callbackSpec = `
openapi: 3.0.3
info: {title: hooks, version: "1"}
paths:
  /subscriptions:
    post:
      operationId: subscribe
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [callbackUrl]
              properties:
                callbackUrl: {type: string, format: uri}
      responses:
        "201":
          description: subscribed
          content:
            application/json:
              schema:
                type: object
                required: [id]
                properties:
                  id: {type: integer, minimum: 1, example: 17}
        "400": {description: bad}
      callbacks:
        onEvent:
          '{$request.body#/callbackUrl}/events/{$response.body#/id}':
            post:
              parameters:
                - {name: X-Signature, in: header, required: true, schema: {type: string, pattern: "^sha256=[0-9a-f]{8}$"}}
              requestBody:
                content:
                  application/json:
                    schema: {$ref: '#/components/schemas/Event'}
              responses:
                "204": {description: received}
        onMissing:
          '{$request.body#/nowhere}':
            post:
              responses:
                "204": {description: received}
components:
  schemas:
    Event:
      type: object
      required: [id, type, at, subscriber]
      properties:
        id: {type: string, format: uuid}
        type: {type: string, enum: [created, deleted]}
        at: {type: string, format: date-time}
        subscriber: {type: string, format: email}
        secret: {type: string, readOnly: true}
`

type hookReceiver struct {
	mu   sync.Mutex
	reqs []*http.Request
	bods [][]byte
	srv  *httptest.Server
}

func newHookReceiver(t *testing.T) *hookReceiver {
	rc := &hookReceiver{}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.reqs, rc.bods = append(rc.reqs, r), append(rc.bods, b)
		rc.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func postJSON(target, body string) *http.Request {
	r := httptest.NewRequest("POST", target, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return r
}

func callbackHandler(t *testing.T, opts ...Option) (*Handler, *callback.Dispatcher) {
	t.Helper()
	doc, err := openapi.Parse(context.Background(), []byte(callbackSpec))
	require.NoError(t, err)
	d, err := callback.New(callback.Options{AllowPrivate: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = d.Close() })
	h, err := New(doc, append([]Option{WithCallbacks(d), WithSeed(3)}, opts...)...)
	require.NoError(t, err)
	return h, d
}

func TestCallbacksFireAfterTheAnswer(t *testing.T) {
	t.Parallel()
	rc := newHookReceiver(t)
	h, d := callbackHandler(t)

	w := httptest.NewRecorder()
	h.ServeHTTP(w, postJSON("/subscriptions", `{"callbackUrl":"`+rc.srv.URL+`/hooks"}`))
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	require.NoError(t, d.Wait(t.Context()))

	rc.mu.Lock()
	defer rc.mu.Unlock()
	require.Len(t, rc.reqs, 1, "onEvent was delivered")
	r := rc.reqs[0]
	assert.Equal(t, "POST", r.Method)
	assert.Equal(t, "/hooks/events/17", r.URL.Path, "URL from the request body and the answer's id")
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.Regexp(t, `^sha256=[0-9a-f]{8}$`, r.Header.Get("X-Signature"), "the required header is generated")

	// The body validates against the callback's schema, formats included.
	doc, err := openapi.Parse(context.Background(), []byte(callbackSpec))
	require.NoError(t, err)
	schema := doc.Kin().Components.Schemas["Event"].Value
	var v any
	require.NoError(t, json.Unmarshal(rc.bods[0], &v))
	assert.NoError(t, schema.VisitJSON(v, openapi3.EnableFormatValidation(), openapi3.VisitAsRequest()), string(rc.bods[0]))
	assert.NotContains(t, string(rc.bods[0]), `"secret"`, "readOnly properties are not sent in a request")

	var missing, delivered int
	for _, e := range d.Deliveries() {
		assert.Equal(t, "subscribe", e.Operation)
		switch e.Callback {
		case "onMissing":
			missing++
			assert.Contains(t, e.Err, "no such value", "an expression without a value is journaled")
		case "onEvent":
			delivered++
			assert.True(t, e.OK(), "%+v", e)
		}
	}
	assert.Equal(t, 1, missing)
	assert.Equal(t, 1, delivered)
}

// The same seed and request send the same callback body.
func TestCallbackBodiesAreSeeded(t *testing.T) {
	t.Parallel()
	bodies := make([]string, 2)
	rc := newHookReceiver(t)
	for i := range bodies {
		h, d := callbackHandler(t)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, postJSON("/subscriptions", `{"callbackUrl":"http://`+strings.TrimPrefix(rc.srv.URL, "http://")+`"}`))
		require.Equal(t, http.StatusCreated, w.Code)
		require.NoError(t, d.Wait(t.Context()))
		rc.mu.Lock()
		require.Len(t, rc.bods, i+1)
		bodies[i] = string(rc.bods[i])
		rc.mu.Unlock()
	}
	assert.Equal(t, bodies[0], bodies[1])
}

// Refused requests, error answers and faults fire nothing.
func TestCallbacksOnlyAfterSuccess(t *testing.T) {
	t.Parallel()
	rc := newHookReceiver(t)
	h, d := callbackHandler(t)
	for _, tc := range []struct {
		name, body, prefer string
		status             int
	}{
		{"invalid request", `{"callbackUrl": 5}`, "", http.StatusUnprocessableEntity},
		{"error answer chosen", `{"callbackUrl":"` + rc.srv.URL + `"}`, "code=400", http.StatusBadRequest},
		{"fault", `{"callbackUrl":"` + rc.srv.URL + `"}`, "fault=400", http.StatusBadRequest},
	} {
		req := postJSON("/subscriptions", tc.body)
		if tc.prefer != "" {
			req.Header.Set("Prefer", tc.prefer)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		assert.Equal(t, tc.status, w.Code, tc.name)
	}
	require.NoError(t, d.Wait(t.Context()))
	assert.Empty(t, d.Deliveries())
	rc.mu.Lock()
	assert.Empty(t, rc.reqs)
	rc.mu.Unlock()
}

// Without WithCallbacks nothing is sent, and the answer is the same.
func TestNoCallbacksWithoutDispatcher(t *testing.T) {
	t.Parallel()
	rc := newHookReceiver(t)
	doc, err := openapi.Parse(context.Background(), []byte(callbackSpec))
	require.NoError(t, err)
	h, err := New(doc)
	require.NoError(t, err)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, postJSON("/subscriptions", `{"callbackUrl":"`+rc.srv.URL+`"}`))
	require.Equal(t, http.StatusCreated, w.Code)
	time.Sleep(20 * time.Millisecond)
	rc.mu.Lock()
	assert.Empty(t, rc.reqs)
	rc.mu.Unlock()
}

const webhookSpec = `
openapi: 3.1.0
info: {title: Hooks, version: "1"}
paths: {}
webhooks:
  petAdopted:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [petId, adoptedAt]
              properties:
                petId: {type: integer, minimum: 1}
                adoptedAt: {type: string, format: date-time}
      responses:
        "200": {description: ok}
`

func TestFireWebhook(t *testing.T) {
	t.Parallel()
	rc := newHookReceiver(t)
	doc, err := openapi.Parse(context.Background(), []byte(webhookSpec))
	require.NoError(t, err)
	d, err := callback.New(callback.Options{AllowPrivate: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = d.Close() })
	h, err := New(doc, WithCallbacks(d), WithSeed(1))
	require.NoError(t, err)
	assert.Equal(t, []string{"petAdopted"}, h.Webhooks())

	n, err := h.FireWebhook("petAdopted", rc.srv.URL+"/adoptions")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	require.NoError(t, d.Wait(t.Context()))
	rc.mu.Lock()
	require.Len(t, rc.bods, 1)
	var v any
	require.NoError(t, json.Unmarshal(rc.bods[0], &v))
	schema := doc.Kin().Webhooks["petAdopted"].Post.RequestBody.Value.Content["application/json"].Schema.Value
	assert.NoError(t, schema.VisitJSON(v, openapi3.EnableFormatValidation()), string(rc.bods[0]))
	assert.Equal(t, "/adoptions", rc.reqs[0].URL.Path)
	rc.mu.Unlock()
	js := d.Deliveries()
	require.Len(t, js, 1)
	assert.Equal(t, "petAdopted", js[0].Callback)
	assert.True(t, js[0].OK())

	_, err = h.FireWebhook("nope", rc.srv.URL)
	assert.ErrorIs(t, err, ErrNoWebhook)
	plain, err := New(doc)
	require.NoError(t, err)
	_, err = plain.FireWebhook("petAdopted", rc.srv.URL)
	assert.ErrorContains(t, err, "no callback dispatcher")
}
