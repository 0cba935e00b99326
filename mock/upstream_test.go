package mock_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/openapi"
)

// upstreamFunc is an Upstream in one function.
type upstreamFunc func(w http.ResponseWriter, r *http.Request, h *mock.Handler, next http.Handler)

func (f upstreamFunc) ServeUpstream(w http.ResponseWriter, r *http.Request, h *mock.Handler, next http.Handler) {
	f(w, r, h, next)
}

// An Upstream sees validated requests with their match and body; an
// override of the same operation runs first, with the Upstream as next;
// mock controls bypass it.
func TestWithUpstream(t *testing.T) {
	t.Parallel()
	var seen []string
	up := upstreamFunc(func(w http.ResponseWriter, r *http.Request, h *mock.Handler, next http.Handler) {
		m, ok := openapi.MatchFrom(r.Context())
		require.True(t, ok)
		b, _ := io.ReadAll(r.Body)
		seen = append(seen, m.Operation.ID+" "+string(b))
		require.NotNil(t, h)
		if m.Operation.ID == "createPet" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"id":9,"name":"upstream"}`)
			return
		}
		next.ServeHTTP(w, r)
	})
	var overridden bool
	h := overrideHandler(t, mock.WithUpstream(up), mock.WithOperation("getPet",
		func(w http.ResponseWriter, r *http.Request, next http.Handler) {
			overridden = true
			next.ServeHTTP(w, r)
		}))

	w := call(h, "POST", "/pets", `{"name":"Kit"}`)
	require.Equal(t, http.StatusCreated, w.Code)
	assert.JSONEq(t, `{"id":9,"name":"upstream"}`, w.Body.String())

	w = call(h, "GET", "/pets/1", "")
	require.Equal(t, http.StatusOK, w.Code)
	assert.True(t, overridden, "the override ran")
	assert.Equal(t, []string{"createPet {\"name\":\"Kit\"}", "getPet "}, seen, "and called the upstream as next")

	for _, target := range []string{"/pets/1?__code=404", "/pets/1?__dynamic=true"} {
		call(h, "GET", target, "")
	}
	r := httptest.NewRequest("GET", "/pets/1", nil)
	r.Header.Set("Prefer", "example=none")
	h.ServeHTTP(httptest.NewRecorder(), r)
	assert.Len(t, seen, 2, "mock controls ask for the mock")

	w = call(h, "POST", "/pets", `{}`)
	assert.Equal(t, http.StatusUnprocessableEntity, w.Code)
	assert.Len(t, seen, 2, "an invalid request never reaches the upstream")
}

type failingBinder struct{ upstreamFunc }

func (failingBinder) Bind(*openapi.Document) error { return assert.AnError }

func TestWithUpstreamBind(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Parse(t.Context(), []byte(overrideSpec))
	require.NoError(t, err)
	_, err = mock.New(doc, mock.WithUpstream(failingBinder{}))
	assert.ErrorIs(t, err, assert.AnError)
}
