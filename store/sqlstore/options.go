package sqlstore

import (
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/sqlstore/internal/sqlcore"
)

// Option configures Open and New of packages sqlite and postgres.
type Option func(*sqlcore.Config)

// WithStore passes options to the portable store.Store (touch interval,
// clock).
func WithStore(opts ...store.Option) Option {
	return func(c *sqlcore.Config) { c.Store = append(c.Store, opts...) }
}

// WithoutMigrate leaves the schema alone: the caller has migrated it
// already, with the dialect package's Migrate or its own tooling. Without
// it, Open and New migrate the schema forward first.
func WithoutMigrate() Option {
	return func(c *sqlcore.Config) { c.SkipMigrate = true }
}
