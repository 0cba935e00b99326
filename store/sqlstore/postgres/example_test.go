package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/sqlstore"
	"github.com/mockapi-go/mockapi/store/sqlstore/postgres"
)

// Open connects, bounds the pool and migrates the schema. (It needs a
// server, so this example only compiles.)
func ExampleOpen() {
	ctx := context.Background()
	s, err := postgres.Open(ctx, "postgres://mockapi@db/mockapi?pool_max_conns=8",
		sqlstore.WithStore(store.WithTouchInterval(0)))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	defer s.Close()
}

// A program that owns its pool migrates the schema itself (here with
// Migrate) and hands the pool to New. (It needs a server, so this example
// only compiles.)
func ExampleNew() {
	ctx := context.Background()
	db, err := sql.Open("pgx", os.Getenv("DATABASE_URL"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	if err := postgres.Migrate(ctx, db); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	s, err := postgres.New(ctx, db, sqlstore.WithoutMigrate())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	defer s.Close() // closes db too
}
