package sqlstore_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A program links only the driver of the dialect it uses: the SQLite
// package does not depend on pgx, the PostgreSQL package not on
// modernc.org/sqlite, and the shared package on neither.
func TestDialectPackagesLinkOneDriver(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not available:", err)
	}
	const (
		pgx    = "github.com/jackc/"
		sqlite = "modernc.org/sqlite"
	)
	for _, tc := range []struct {
		pkg       string
		want      []string
		forbidden []string
	}{
		{"github.com/mockapi-go/mockapi/store/sqlstore/sqlite", []string{sqlite}, []string{pgx}},
		{"github.com/mockapi-go/mockapi/store/sqlstore/postgres", []string{pgx}, []string{sqlite}},
		{"github.com/mockapi-go/mockapi/store/sqlstore", nil, []string{pgx, sqlite}},
	} {
		out, err := exec.Command(goTool, "list", "-deps", tc.pkg).Output()
		require.NoError(t, err, "go list -deps %s", tc.pkg)
		deps := strings.Fields(string(out))
		has := func(prefix string) bool {
			for _, d := range deps {
				if strings.HasPrefix(d, prefix) {
					return true
				}
			}
			return false
		}
		for _, p := range tc.want {
			assert.True(t, has(p), "%s links %s", tc.pkg, p)
		}
		for _, p := range tc.forbidden {
			assert.False(t, has(p), "%s must not link %s", tc.pkg, p)
		}
	}
}
