package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/sqlstore"
	"github.com/mockapi-go/mockapi/store/sqlstore/sqlite"
)

// Open migrates the schema; the data outlives the Store.
func ExampleOpen() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "mockapi")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	dsn := "sqlite:" + filepath.Join(dir, "state.db")

	s, err := sqlite.Open(ctx, dsn)
	if err != nil {
		log.Fatal(err)
	}
	pets := store.Scope{Project: "petstore"}
	if _, err := s.Records().Create(ctx, pets, "pets", "1", []byte(`{"name":"Rex"}`)); err != nil {
		log.Fatal(err)
	}
	s.Close()

	s, err = sqlite.Open(ctx, dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	rec, err := s.Records().Get(ctx, pets, "pets", "1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(rec.Data))
	// Output: {"name":"Rex"}
}

// A program that owns its connection pool migrates the schema itself
// (here with Migrate, at deploy time) and hands the pool to New.
func ExampleNew() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "mockapi")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "own.db")+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
	if err != nil {
		log.Fatal(err)
	}
	db.SetMaxOpenConns(4)
	if err := sqlite.Migrate(ctx, db); err != nil {
		log.Fatal(err)
	}

	s, err := sqlite.New(ctx, db, sqlstore.WithoutMigrate())
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close() // closes db too
	pets := store.Scope{Project: "petstore"}
	if _, err := s.Records().Create(ctx, pets, "pets", "1", []byte(`{"name":"Rex"}`)); err != nil {
		log.Fatal(err)
	}
	n, err := s.Records().Count(ctx, pets, "pets", store.Query{})
	fmt.Println(n, err)
	// Output: 1 <nil>
}
