package storetest

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver for making schemas
	"github.com/stretchr/testify/require"
)

var schemaSeq atomic.Int64

// PostgresSchema makes a fresh schema on the PostgreSQL server at base (a
// DSN such as $MOCKAPI_TEST_POSTGRES), dropped when the test ends, and
// returns a DSN whose search_path points at it: each test gets an empty
// database of its own on one shared server.
func PostgresSchema(t testing.TB, base string) string {
	t.Helper()
	admin, err := sql.Open("pgx", withoutPool(base))
	require.NoError(t, err)
	schema := fmt.Sprintf("mockapi_test_%d_%d", os.Getpid(), schemaSeq.Add(1))
	_, err = admin.Exec(`CREATE SCHEMA ` + schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		_ = admin.Close()
	})
	u, err := url.Parse(base)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// withoutPool drops sqlstore's pool settings (pool_max_conns, ...) from a
// DSN, which the pgx driver alone would send to the server as settings.
func withoutPool(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(k, "pool_") {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}
