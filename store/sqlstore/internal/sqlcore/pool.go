package sqlcore

import (
	"database/sql"
	"fmt"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/mockapi-go/mockapi/store"
)

// Pool is how many connections a store keeps and for how long. A request
// that finds every connection busy waits for one, as long as its context
// allows; it is never refused because the database is busy.
type Pool struct {
	maxConns        int           // open connections at most, busy or idle
	maxConnIdleTime time.Duration // an idle connection is closed after it; 0: never
	maxConnLifetime time.Duration // a connection is closed after it; 0: never
}

// maxDefaultConns caps the default pool, so that a few instances on a big
// machine stay within PostgreSQL's default max_connections (100).
const maxDefaultConns = 16

// defaultPool is a few connections per core: enough to keep the cores
// busy while others wait on I/O, few enough that several instances share
// one PostgreSQL server.
func defaultPool() Pool {
	return Pool{
		maxConns:        DefaultMaxConns(),
		maxConnIdleTime: 5 * time.Minute,
	}
}

// DefaultMaxConns is the bound of a pool whose DSN sets no
// pool_max_conns: 2 per GOMAXPROCS, at least 4, at most 16.
func DefaultMaxConns() int {
	return min(max(4, 2*runtime.GOMAXPROCS(0)), maxDefaultConns)
}

// Pool settings in a DSN's query, named as pgxpool names them. They are
// taken out of the DSN before the driver sees it.
const (
	paramMaxConns        = "pool_max_conns"
	paramMaxConnIdleTime = "pool_max_conn_idle_time"
	paramMaxConnLifetime = "pool_max_conn_lifetime"
)

// SplitPool takes the pool settings out of a DSN's query string and
// returns the DSN without them and the pool they set over the default.
func SplitPool(dsn string) (string, Pool, error) {
	p := defaultPool()
	base, query, ok := strings.Cut(dsn, "?")
	if !ok {
		return dsn, p, nil
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return "", p, fmt.Errorf("sqlstore: DSN query: %w (%v)", store.ErrInvalid, err)
	}
	if v, ok := q[paramMaxConns]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 1 {
			return "", p, fmt.Errorf("sqlstore: DSN %s=%q: want a positive integer: %w", paramMaxConns, v[0], store.ErrInvalid)
		}
		p.maxConns = n
	}
	for name, dst := range map[string]*time.Duration{paramMaxConnIdleTime: &p.maxConnIdleTime, paramMaxConnLifetime: &p.maxConnLifetime} {
		if v, ok := q[name]; ok {
			d, err := time.ParseDuration(v[0])
			if err != nil || d < 0 {
				return "", p, fmt.Errorf("sqlstore: DSN %s=%q: want a duration such as 5m: %w", name, v[0], store.ErrInvalid)
			}
			*dst = d
		}
	}
	for _, name := range []string{paramMaxConns, paramMaxConnIdleTime, paramMaxConnLifetime} {
		q.Del(name)
	}
	if len(q) == 0 {
		return base, p, nil
	}
	return base + "?" + q.Encode(), p, nil
}

// Apply bounds a database/sql pool: every connection it may open stays
// open while idle, so a burst reuses connections instead of opening new
// ones (database/sql keeps two idle by default).
func (p Pool) Apply(db *sql.DB) {
	db.SetMaxOpenConns(p.maxConns)
	db.SetMaxIdleConns(p.maxConns)
	db.SetConnMaxIdleTime(p.maxConnIdleTime)
	db.SetConnMaxLifetime(p.maxConnLifetime)
}
