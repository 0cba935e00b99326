package mock

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestNegotiate pins the media type chosen for an Accept header, and that
// the headers most clients send (none, "*/*") are read without allocating.
// Not parallel: AllocsPerRun may not be.
func TestNegotiate(t *testing.T) {
	jsonMP := &mediaPlan{declared: "application/json", typ: "application", sub: "json"}
	xmlMP := &mediaPlan{declared: "application/xml", typ: "application", sub: "xml"}
	text := &mediaPlan{declared: "text/plain", typ: "text", sub: "plain"}
	media := []*mediaPlan{jsonMP, xmlMP, text}
	for _, tc := range []struct {
		accept string
		want   *mediaPlan
	}{
		{"", jsonMP},
		{"  ", jsonMP},
		{"*/*", jsonMP},
		{" */* ", jsonMP},
		{"*", jsonMP},
		{"application/xml", xmlMP},
		{"text/*", text},
		{"application/json;q=0.5, application/xml", xmlMP},
		{"application/json;q=0, */*;q=0.1", xmlMP},
		{"image/png", nil},
		{"garbage", jsonMP}, // no media range at all: disregarded
	} {
		assert.Equal(t, tc.want, negotiate(tc.accept, media), "Accept: %q", tc.accept)
	}
	for _, accept := range []string{"", "*/*"} {
		assert.Zero(t, testing.AllocsPerRun(20, func() { negotiate(accept, media) }), "Accept: %q", accept)
	}
}
