package mockapi

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/driver"
	"github.com/mockapi-go/mockapi/store/memory"
)

// busyDriver is a memory store whose database is out of connections when
// the Server reads a project's version.
type busyDriver struct{ driver.Driver }

func (d busyDriver) Projects() driver.Projects { return busyProjects{d.Driver.Projects()} }

type busyProjects struct{ driver.Projects }

func (busyProjects) Version(context.Context, string) (int64, error) {
	return 0, fmt.Errorf("sqlstore: project: %w (FATAL: sorry, too many clients already at db.internal)", store.ErrUnavailable)
}

// A project the store cannot load now is a 503 with Retry-After and no
// database detail, logged once per burst.
func TestServerStoreUnavailable(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	st := store.New(busyDriver{memory.NewDriver()})
	t.Cleanup(func() { _ = st.Close() })
	s, err := New(Options{Store: st, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	for range 20 {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest("GET", "/p/pets/pets", nil))
		assert.Equal(t, 503, w.Code)
		assert.Equal(t, "1", w.Header().Get("Retry-After"))
		assert.Contains(t, w.Body.String(), "SERVICE_UNAVAILABLE")
		assert.NotContains(t, w.Body.String(), "db.internal")
	}
	assert.Equal(t, 1, strings.Count(logs.String(), "too many clients"), "one log line per burst:\n%s", logs.String())
}
