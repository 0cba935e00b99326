package proxy_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/mock/proxy"
)

// BenchmarkProxy measures one forwarded request (loopback upstream,
// answer checked against the spec) against the mock answering alone, and a
// fallback after a 501.
func BenchmarkProxy(b *testing.B) {
	up := newUpstream(b)
	doc := loadDoc(b)
	bench := func(b *testing.B, h http.Handler, target string) {
		b.ReportAllocs()
		for b.Loop() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
			if w.Code != http.StatusOK {
				b.Fatal(w.Code, w.Body.String())
			}
		}
	}
	alone, err := mock.New(doc, mock.WithoutState(), mock.WithSeed(1))
	require.NoError(b, err)
	p, err := proxy.New(up.URL, allowed)
	require.NoError(b, err)
	defer p.Close()
	proxied, err := mock.New(doc, mock.WithoutState(), mock.WithSeed(1), mock.WithUpstream(p))
	require.NoError(b, err)
	b.Run("mock alone", func(b *testing.B) { bench(b, alone, "/pets") })
	b.Run("forwarded", func(b *testing.B) { bench(b, proxied, "/pets") })
	b.Run("fallback on 501", func(b *testing.B) { bench(b, proxied, "/pets/501") })
}
