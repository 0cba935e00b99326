package sqlstore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/sqlstore"
)

// Open picks the dialect from the DSN and migrates the schema; the data
// outlives the Store.
func ExampleOpen() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "mockapi")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	dsn := "sqlite:" + filepath.Join(dir, "state.db") // or postgres://user@host/db

	s, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		log.Fatal(err)
	}
	pets := store.Scope{Project: "petstore"}
	if _, err := s.Records().Create(ctx, pets, "pets", "1", []byte(`{"name":"Rex"}`)); err != nil {
		log.Fatal(err)
	}
	s.Close()

	s, err = sqlstore.Open(ctx, dsn)
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
