package storetest

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
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
	admin, err := sql.Open("pgx", base)
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
