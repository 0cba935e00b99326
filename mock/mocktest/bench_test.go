package mocktest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/mock/mocktest"
	"github.com/mockapi-go/mockapi/openapi"
)

// BenchmarkServe compares, in process, the plain mock handler with the
// mocktest server answering from the spec (routing once, the contract
// check, stub lookup, the journal) and with a stub answering (ten stubs on
// the operation, the match found on the last tried).
func BenchmarkServe(b *testing.B) {
	doc, err := openapi.Parse(context.Background(), []byte(petSpec))
	if err != nil {
		b.Fatal(err)
	}
	plain, err := mock.New(doc, mock.WithSeed(1))
	if err != nil {
		b.Fatal(err)
	}
	spec := mocktest.New(b, mocktest.Document(doc), mocktest.WithMockOptions(mock.WithSeed(1)))
	stubbed := mocktest.New(b, mocktest.Document(doc), mocktest.WithMockOptions(mock.WithSeed(1)))
	stubbed.On("getPet", mocktest.MatchPath("id", "1"), mocktest.Reply(200, Pet{1, "Rex"}))
	for range 9 {
		stubbed.On("getPet", mocktest.MatchPath("id", "2"), mocktest.Reply(200, Pet{2, "Tom"}))
	}
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{{"mock", plain}, {"mocktest-spec", spec}, {"mocktest-stub", stubbed}} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/v1/pets/1", nil)
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				bc.h.ServeHTTP(w, req)
				if w.Code != 200 {
					b.Fatal(w.Code, w.Body.String())
				}
			}
		})
	}
}
