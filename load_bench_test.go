package mockapi

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
	"github.com/mockapi-go/mockapi/store/sqlstore"
	"github.com/mockapi-go/mockapi/store/sqlstore/postgres"
	"github.com/mockapi-go/mockapi/store/sqlstore/sqlite"
	"github.com/mockapi-go/mockapi/store/storetest"
)

// loadClients is how many HTTP clients per GOMAXPROCS a load benchmark
// runs at once (64 on two cores).
const loadClients = 32

// loadRates keeps memory's req/s per operation, so that the SQL stores,
// which run after it, can report their ratio to it.
var loadRates sync.Map // op name -> float64

// BenchmarkLoad holds the Server under load over real HTTP: many
// keep-alive clients read a list page of 20 (with X-Total-Count) or get one
// record, while a few writers create records in the background, or all
// clients create. It runs on memory, SQLite and, when
// MOCKAPI_TEST_POSTGRES names a server, PostgreSQL, and reports req/s,
// failed requests (any answer but the expected one; there must be none),
// the ratio to memory's req/s (x-memory, when memory ran first) and, on
// PostgreSQL, the peak number of connections the database saw.
func BenchmarkLoad(b *testing.B) {
	stores := []struct {
		name string
		open func(b *testing.B) (*store.Store, string)
	}{
		{"memory", func(*testing.B) (*store.Store, string) { return memory.New(store.WithTouchInterval(time.Minute)), "" }},
		{"sqlite", func(b *testing.B) (*store.Store, string) {
			s, err := sqlite.Open(context.Background(), "sqlite:"+filepath.Join(b.TempDir(), "load.db"), sqlstore.WithStore(store.WithTouchInterval(time.Minute)))
			require.NoError(b, err)
			return s, ""
		}},
		{"postgres", func(b *testing.B) (*store.Store, string) {
			base := os.Getenv("MOCKAPI_TEST_POSTGRES")
			if base == "" {
				b.Skip("MOCKAPI_TEST_POSTGRES holds no PostgreSQL DSN")
			}
			dsn := storetest.PostgresSchema(b, base)
			s, err := postgres.Open(context.Background(), dsn, sqlstore.WithStore(store.WithTouchInterval(time.Minute)))
			require.NoError(b, err)
			return s, base
		}},
	}
	for _, st := range stores {
		b.Run(st.name, func(b *testing.B) {
			s, pg := st.open(b)
			b.Cleanup(func() { _ = s.Close() })
			env := newLoadEnv(b, s)
			for _, op := range []struct {
				name    string
				writers bool
				do      func(c *http.Client, i int) bool
			}{
				{"list", true, func(c *http.Client, _ int) bool {
					return env.get(c, "/pets?_limit=20", func(h http.Header) bool { return h.Get("X-Total-Count") != "" })
				}},
				{"get", true, func(c *http.Client, i int) bool {
					return env.get(c, "/pets/"+env.ids[i%len(env.ids)], nil)
				}},
				{"create", false, func(c *http.Client, i int) bool {
					_, ok := env.create(c, i)
					return ok
				}},
			} {
				b.Run(op.name, func(b *testing.B) {
					env.run(b, st.name, op.name, pg, op.writers, op.do)
				})
			}
		})
	}
}

// loadPetsSpec is a CRUD collection of pets whose ids the mock assigns.
const loadPetsSpec = `openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Pet"}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
  /pets/{petId}:
    get:
      parameters: [{name: petId, in: path, required: true, schema: {type: integer}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
        "404": {description: not found}
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: integer, readOnly: true}
        name: {type: string}
        tag: {type: string}
`

// loadEnv is a Server on a store behind an HTTP test server, with a
// collection of pets to read.
type loadEnv struct {
	srv     *httptest.Server
	client  *http.Client
	ids     []string // of stored pets
	created atomic.Int64
}

func newLoadEnv(b *testing.B, st *store.Store) *loadEnv {
	ctx := context.Background()
	s, err := New(Options{Store: st, MockOptions: []mock.Option{mock.WithSeed(1)},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(b, err)
	b.Cleanup(func() { _ = s.Close() })
	_, err = s.PutProject(ctx, "default", "Pets", []byte(loadPetsSpec), store.Public)
	require.NoError(b, err)
	env := &loadEnv{srv: httptest.NewServer(s)}
	b.Cleanup(env.srv.Close)
	env.client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1024}, Timeout: 30 * time.Second}
	b.Cleanup(env.client.CloseIdleConnections)
	for i := range 200 {
		id, ok := env.create(env.client, i)
		require.True(b, ok, "seeding pet %d", i)
		env.ids = append(env.ids, id)
	}
	return env
}

// get reads a path and wants 200 (and check, when given, of its headers).
func (env *loadEnv) get(c *http.Client, path string, check func(http.Header) bool) bool {
	resp, err := c.Get(env.srv.URL + path)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK && (check == nil || check(resp.Header))
}

// create posts a pet, wants 201 and returns its id.
func (env *loadEnv) create(c *http.Client, i int) (string, bool) {
	resp, err := c.Post(env.srv.URL+"/pets", "application/json", strings.NewReader(fmt.Sprintf(`{"name":"pet %d"}`, i)))
	if err != nil {
		return "", false
	}
	defer resp.Body.Close()
	var pet struct {
		ID json.Number `json:"id"`
	}
	if resp.StatusCode != http.StatusCreated || json.NewDecoder(resp.Body).Decode(&pet) != nil || pet.ID == "" {
		return "", false
	}
	env.created.Add(1)
	return pet.ID.String(), true
}

// run measures do from loadClients*GOMAXPROCS clients, with four
// background writers creating ten records a second in all when writers is
// set, and on PostgreSQL (pg is its DSN) samples the connections.
func (env *loadEnv) run(b *testing.B, storeName, op, pg string, writers bool, do func(c *http.Client, i int) bool) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var writeFails atomic.Int64
	if writers {
		for w := range 4 {
			wg.Go(func() {
				tick := time.NewTicker(400 * time.Millisecond)
				defer tick.Stop()
				for i := w; ; i += 4 {
					select {
					case <-stop:
						return
					case <-tick.C:
					}
					if _, ok := env.create(env.client, i); !ok {
						writeFails.Add(1)
					}
				}
			})
		}
	}
	var peak atomic.Int64
	if pg != "" {
		db, err := sql.Open("pgx", withoutPoolSettings(b, pg))
		require.NoError(b, err)
		defer db.Close()
		wg.Go(func() {
			for {
				var n int64
				if db.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`).Scan(&n) == nil && n > peak.Load() {
					peak.Store(n)
				}
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		})
	}
	var fails, seq atomic.Int64
	b.SetParallelism(loadClients)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if !do(env.client, int(seq.Add(1))) {
				fails.Add(1)
			}
		}
	})
	b.StopTimer()
	close(stop)
	wg.Wait()
	rate := float64(b.N) / b.Elapsed().Seconds()
	b.ReportMetric(rate, "req/s")
	b.ReportMetric(float64(fails.Load()), "failed")
	if storeName == "memory" {
		loadRates.Store(op, rate)
	} else if m, ok := loadRates.Load(op); ok {
		b.ReportMetric(rate/m.(float64), "x-memory")
	}
	if pg != "" {
		b.ReportMetric(float64(peak.Load()), "pg-conns-peak")
	}
	if n := fails.Load() + writeFails.Load(); n > 0 {
		b.Errorf("%d of %d requests failed (%d background creates)", n, b.N, writeFails.Load())
	}
}

// withoutPoolSettings drops sqlstore's pool_ settings from a DSN for a
// plain pgx connection, which would send them to the server.
func withoutPoolSettings(b *testing.B, dsn string) string {
	u, err := url.Parse(dsn)
	require.NoError(b, err)
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(k, "pool_") {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}
