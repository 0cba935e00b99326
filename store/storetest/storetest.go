// Package storetest is the conformance suite every store backend runs. A
// behaviour of package store exists when this suite tests it: for the
// in-memory backend, SQLite and PostgreSQL at once.
//
// A backend's test is a few lines:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, storetest.Harness{NewDatabase: func(t testing.TB) storetest.Opener {
//			return func(t testing.TB, opts ...store.Option) *store.Store { return memory.New(opts...) }
//		}})
//	}
//
// # Compatibility
//
// Run, Harness, Opener and PostgresSchema keep their signatures through
// v1. The suite itself grows with every behaviour added to package store,
// so a backend outside this module that passes it today may fail a newer
// one, as store/driver's interfaces may grow.
package storetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store"
)

// Opener opens a Store with the options on one database. Each call returns
// a new, independent Store instance; the suite closes each.
type Opener func(t testing.TB, opts ...store.Option) *store.Store

// Harness makes stores for the suite.
type Harness struct {
	// NewDatabase makes a fresh, empty database and returns its Opener.
	// Anything it creates is removed with t.Cleanup.
	NewDatabase func(t testing.TB) Opener
	// Shared says that two Stores from one Opener see each other's writes
	// (true for a database server or file, false for memory). The
	// multi-instance tests skip when it is false.
	Shared bool
}

// open returns a Store on a fresh database, closed when the test ends.
func (h Harness) open(t testing.TB, opts ...store.Option) *store.Store {
	return h.opener(t)(t, opts...)
}

// opener returns an Opener whose stores are closed when the test ends.
func (h Harness) opener(t testing.TB) Opener {
	open := h.NewDatabase(t)
	return func(t testing.TB, opts ...store.Option) *store.Store {
		s := open(t, opts...)
		require.NotNil(t, s)
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
}

// Run runs the conformance suite against the backend the harness makes.
func Run(t *testing.T, h Harness) {
	t.Run("Projects", func(t *testing.T) { testProjects(t, h) })
	t.Run("Keys", func(t *testing.T) { testKeys(t, h) })
	t.Run("Links", func(t *testing.T) { testLinks(t, h) })
	t.Run("Users", func(t *testing.T) { testUsers(t, h) })
	t.Run("Teams", func(t *testing.T) { testTeams(t, h) })
	t.Run("Quotas", func(t *testing.T) { testQuotas(t, h) })
	t.Run("Clock", func(t *testing.T) { testClock(t, h) })
	t.Run("Records", func(t *testing.T) { testRecords(t, h) })
	t.Run("Queries", func(t *testing.T) { testQueries(t, h) })
	t.Run("Sessions", func(t *testing.T) { testSessions(t, h) })
	t.Run("RequestLog", func(t *testing.T) { testRequestLog(t, h) })
	t.Run("Concurrency", func(t *testing.T) { testConcurrency(t, h) })
	t.Run("Closed", func(t *testing.T) { testClosed(t, h) })
	t.Run("Multi", func(t *testing.T) {
		if !h.Shared {
			t.Skip("storetest: the harness cannot open two stores on one database")
		}
		testMulti(t, h)
		t.Run("Users", func(t *testing.T) { testMultiUsers(t, h) })
	})
}

func ctx(t testing.TB) context.Context { return t.Context() }
