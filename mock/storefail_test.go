package mock

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
)

// failingRecords is a store whose reads fail with err, in a database's
// own words.
type failingRecords struct {
	*store.Records
	err error
}

func (f failingRecords) List(context.Context, store.Scope, string, store.Query) (*store.Page, error) {
	return nil, f.err
}
func (f failingRecords) Get(context.Context, store.Scope, string, string) (*store.Record, error) {
	return nil, f.err
}

var (
	errDatabase = errors.New(`pq: could not connect to "db.internal:5432" as user "mock" with password=hunter2`)
	errBusy     = fmt.Errorf("sqlstore: list p/pets: %w (FATAL: sorry, too many clients already at db.internal)", store.ErrUnavailable)
)

// failingHandler is the CRUD mock over a store whose reads fail with err,
// logging into the returned buffer.
func failingHandler(t *testing.T, err error) (*Handler, *bytes.Buffer) {
	t.Helper()
	st := memory.New(store.WithTouchInterval(0))
	t.Cleanup(func() { _ = st.Close() })
	doc, perr := openapi.Parse(context.Background(), []byte(crudSpec))
	require.NoError(t, perr)
	var logs bytes.Buffer
	h, herr := New(doc, WithSeed(1), WithStore(failingRecords{st.Records(), err}, "p"),
		WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	require.NoError(t, herr)
	return h, &logs
}

// A store failure is a fixed 500 for the client; its text goes only to
// the operator's log (security L4).
func TestStoreFailureTextStaysInTheLog(t *testing.T) {
	t.Parallel()
	h, logs := failingHandler(t, errDatabase)
	for _, target := range []string{"/pets", "/pets/1"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
		assert.Equal(t, 500, w.Code, target)
		assert.Contains(t, w.Body.String(), "MOCK_FAILURE")
		assert.NotContains(t, w.Body.String(), "hunter2", target)
		assert.NotContains(t, w.Body.String(), "db.internal", target)
	}
	assert.Contains(t, logs.String(), "db.internal:5432", "the operator sees the cause")
}

// A store that cannot serve now is a 503 with Retry-After and no
// database detail; the log has the cause once per burst, not per request.
func TestStoreUnavailableIs503(t *testing.T) {
	t.Parallel()
	h, logs := failingHandler(t, errBusy)
	for range 50 {
		for _, target := range []string{"/pets", "/pets/1"} {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
			assert.Equal(t, 503, w.Code, target)
			assert.Equal(t, "1", w.Header().Get("Retry-After"), target)
			assert.Contains(t, w.Header().Get("Content-Type"), "application/problem+json", target)
			assert.Contains(t, w.Body.String(), "SERVICE_UNAVAILABLE", target)
			assert.NotContains(t, w.Body.String(), "db.internal", target)
		}
	}
	assert.Equal(t, 1, strings.Count(logs.String(), "too many clients"), "one log line per burst:\n%s", logs.String())
}
