package mocktest_test

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

	"github.com/mockapi-go/mockapi/mock/callback"
	"github.com/mockapi-go/mockapi/mock/mocktest"
)

const hookSpecTest = `
openapi: 3.0.3
info: {title: Orders, version: "1"}
paths:
  /orders:
    post:
      operationId: createOrder
      requestBody:
        content:
          application/json:
            schema: {type: object, required: [notify], properties: {notify: {type: string}}}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {type: object, required: [id], properties: {id: {type: integer, example: 7}}}
      callbacks:
        orderShipped:
          '{$request.body#/notify}':
            post:
              requestBody:
                content:
                  application/json:
                    schema: {type: object, required: [status], properties: {status: {type: string, enum: [shipped]}}}
              responses:
                "204": {description: received}
`

func TestAwaitCallback(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(receiver.Close)
	post := func(srv *mocktest.Server, notify string) int {
		resp, err := srv.Client().Post(srv.URL()+"/orders", "application/json", strings.NewReader(`{"notify":"`+notify+`"}`))
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}

	for _, tc := range []struct {
		name    string
		opts    []mocktest.Option
		stub    bool
		notify  string
		want    string // the error AwaitCallback reports; "" for a delivery
		repeats int
		refused bool // journaled as refused, not sent
	}{
		{name: "delivered", notify: receiver.URL, repeats: 1},
		{name: "repeated", opts: []mocktest.Option{mocktest.WithCallbacks(callback.Options{Repeat: 2})}, notify: receiver.URL, repeats: 2},
		{name: "a stub fires none", stub: true, notify: receiver.URL, want: "no delivery"},
		{name: "hosts not allowed", opts: []mocktest.Option{mocktest.WithCallbacks(callback.Options{Hosts: []string{"hooks.example.com"}})},
			notify: receiver.URL, refused: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			bodies = nil
			mu.Unlock()
			f := newFake(t)
			f.run(func() {
				srv := mocktest.New(f, mocktest.Bytes([]byte(hookSpecTest)), tc.opts...)
				if tc.stub {
					srv.On("createOrder", mocktest.Reply(201, map[string]any{"id": 1}))
				}
				require.Equal(t, http.StatusCreated, post(srv, tc.notify))
				d := srv.AwaitCallback("orderShipped", 300*time.Millisecond)
				if tc.refused {
					assert.False(t, d.OK())
					assert.Contains(t, d.Err, "destination refused")
				} else if tc.want == "" {
					assert.True(t, d.OK(), "%+v", d)
					assert.Eventually(t, func() bool { return len(srv.Callbacks()) == tc.repeats }, 5*time.Second, time.Millisecond)
				}
			})
			f.mu.Lock()
			errs := strings.Join(f.errors, "\n")
			f.mu.Unlock()
			if tc.refused {
				assert.Empty(t, errs)
				mu.Lock()
				assert.Empty(t, bodies)
				mu.Unlock()
			} else if tc.want == "" {
				assert.Empty(t, errs)
				mu.Lock()
				assert.Len(t, bodies, tc.repeats)
				for _, b := range bodies {
					assert.JSONEq(t, `{"status":"shipped"}`, b)
				}
				mu.Unlock()
			} else {
				assert.Contains(t, errs, tc.want)
			}
			for i := len(f.cleanups) - 1; i >= 0; i-- {
				f.cleanups[i]()
			}
		})
	}
}
