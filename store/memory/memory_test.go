package memory_test

import (
	"testing"

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
	"github.com/mockapi-go/mockapi/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		// Stores over one driver share its maps, like two processes on one database.
		NewDatabase: func(testing.TB) storetest.Opener {
			d := memory.NewDriver()
			return func(_ testing.TB, opts ...store.Option) *store.Store { return store.New(d, opts...) }
		},
		Shared: true,
	})
}

func BenchmarkStore(b *testing.B) {
	storetest.Benchmark(b, storetest.Harness{NewDatabase: func(testing.TB) storetest.Opener {
		return func(_ testing.TB, opts ...store.Option) *store.Store { return memory.New(opts...) }
	}})
}
