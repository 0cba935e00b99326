package mock

import (
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestBorrowedFakerDrawsAsNew pins that a recycled faker, whatever it drew
// before (Rand.Read buffers bytes), draws for a seeded response exactly
// what a new one does, and that an unseeded handler's fakers differ.
func TestBorrowedFakerDrawsAsNew(t *testing.T) {
	t.Parallel()
	seeded := newHandler(t, WithSeed(7))
	r := httptest.NewRequest("GET", "/pets/1?b=2&a=1", nil)
	draw := func(f interface {
		Int63() int64
		Read([]byte) (int, error)
	}) []int64 {
		var out []int64
		b := make([]byte, 3)
		_, _ = f.Read(b)
		for _, x := range b {
			out = append(out, int64(x))
		}
		for i := 0; i < 5; i++ {
			out = append(out, f.Int63())
		}
		return out
	}
	want := draw(seeded.faker(r, nil, 200).Rand)
	for i := 0; i < 3; i++ {
		f := seeded.borrowFaker(r, nil, 200)
		assert.Equal(t, want, draw(f.Rand), "borrow %d", i)
		_, _ = f.Rand.Read(make([]byte, 2)) // leaves bytes buffered in the Rand
		returnFaker(f)
	}
	other := seeded.borrowFaker(r, nil, 201)
	assert.NotEqual(t, want, draw(other.Rand), "another status, another seed")
	returnFaker(other)

	fresh := newHandler(t)
	a, b := fresh.borrowFaker(r, nil, 200), fresh.borrowFaker(r, nil, 200)
	assert.NotEqual(t, draw(a.Rand), draw(b.Rand), "unseeded: fresh randomness per response")
	returnFaker(a)
	returnFaker(b)
}
