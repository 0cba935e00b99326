package mock_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/openapi"
)

const faultSpec = `openapi: 3.0.3
info: {title: Faults, version: "1"}
paths:
  /orders:
    get:
      operationId: listOrders
      responses:
        "200":
          description: orders
          content:
            application/json:
              schema: {type: array, items: {type: object, properties: {id: {type: integer}}}}
              example: [{id: 1}, {id: 2}, {id: 3}]
        "503":
          description: down for maintenance
          content:
            application/json:
              schema: {type: object, required: [retry], properties: {retry: {type: integer}}}
              example: {retry: 30}
  /health:
    get:
      operationId: health
      responses:
        "200":
          description: fine
          content:
            application/json:
              schema: {type: object, properties: {ok: {type: boolean}}}
              example: {ok: true}
`

func faultDoc(t *testing.T) *openapi.Document {
	t.Helper()
	doc, err := openapi.Parse(context.Background(), []byte(faultSpec))
	require.NoError(t, err)
	return doc
}

func TestPreferFault(t *testing.T) {
	t.Parallel()
	h, err := mock.New(faultDoc(t), mock.WithSeed(1), mock.WithoutState(), mock.WithMaxDelay(20*time.Millisecond))
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()
	tests := []struct {
		name, prefer string
		status       int    // 0: the connection fails
		bodyErr      bool   // the body cannot be read to its end
		body         string // expected body, when status is set and bodyErr is not
	}{
		{name: "reset", prefer: "fault=reset"},
		{name: "timeout", prefer: "fault=timeout"},
		{name: "truncate", prefer: "fault=truncate", status: 200, bodyErr: true},
		{name: "declared status", prefer: "fault=503", status: 503, body: `{"retry":30}`},
		{name: "undeclared status", prefer: "fault=500", status: 404},
		{name: "undeclared status off contract", prefer: "fault=500, fault-off-contract=true", status: 500},
		{name: "not a fault", prefer: "fault=explode", status: 400},
		{name: "no fault", prefer: "", status: 200, body: `[{"id":1},{"id":2},{"id":3}]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest("GET", srv.URL+"/orders", nil)
			require.NoError(t, err)
			if tc.prefer != "" {
				req.Header.Set("Prefer", tc.prefer)
			}
			tr := &http.Transport{DisableKeepAlives: true}
			defer tr.CloseIdleConnections()
			resp, err := (&http.Client{Transport: tr}).Do(req)
			if tc.status == 0 {
				assert.Error(t, err, "the connection is closed without an answer")
				return
			}
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, tc.status, resp.StatusCode)
			b, err := io.ReadAll(resp.Body)
			if tc.bodyErr {
				assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "the body ends early")
				return
			}
			require.NoError(t, err)
			if tc.body != "" {
				assert.JSONEq(t, tc.body, string(b))
			}
		})
	}
}

func TestWithChaos(t *testing.T) {
	t.Parallel()
	doc := faultDoc(t)
	statuses := func(h http.Handler, path string, n int) []int {
		out := make([]int, n)
		for i := range out {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
			out[i] = rec.Code
		}
		return out
	}
	t.Run("every answer fails with a declared status", func(t *testing.T) {
		h, err := mock.New(doc, mock.WithSeed(1), mock.WithChaos(mock.Chaos{ErrorRate: 1, Statuses: []int{500, 503}}))
		require.NoError(t, err)
		for _, s := range statuses(h, "/orders", 20) {
			assert.Equal(t, 503, s, "500 is not declared: only 503 is used")
		}
		for _, s := range statuses(h, "/health", 5) {
			assert.Equal(t, 200, s, "an operation that declares none of the statuses is never failed")
		}
	})
	t.Run("the sequence is the seed's", func(t *testing.T) {
		mk := func() http.Handler {
			h, err := mock.New(doc, mock.WithSeed(7), mock.WithChaos(mock.Chaos{ErrorRate: 0.5, Statuses: []int{503}}))
			require.NoError(t, err)
			return h
		}
		a, b := statuses(mk(), "/orders", 40), statuses(mk(), "/orders", 40)
		assert.Equal(t, a, b)
		assert.Contains(t, a, 200)
		assert.Contains(t, a, 503)
	})
	t.Run("restricted to operations", func(t *testing.T) {
		h, err := mock.New(doc, mock.WithSeed(1), mock.WithChaos(mock.Chaos{ErrorRate: 1, Statuses: []int{503}, Operations: []string{"health"}}))
		require.NoError(t, err)
		for _, s := range statuses(h, "/orders", 5) {
			assert.Equal(t, 200, s)
		}
	})
	for _, tc := range []struct {
		name string
		c    mock.Chaos
		want string
	}{
		{"rate above 1", mock.Chaos{ErrorRate: 2}, "ErrorRate"},
		{"inverted latency", mock.Chaos{LatencyMin: time.Second, LatencyMax: time.Millisecond}, "latency"},
		{"not a status", mock.Chaos{ErrorRate: 0.1, Statuses: []int{42}}, "not an HTTP status"},
		{"unknown operation", mock.Chaos{Operations: []string{"nope"}}, "no operation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := mock.New(doc, mock.WithChaos(tc.c))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
