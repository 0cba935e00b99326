package httpx

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestStatusWriter(t *testing.T) {
	tests := []struct {
		name  string
		write func(w http.ResponseWriter)
		want  int
	}{
		{"nothing written", func(http.ResponseWriter) {}, 200},
		{"body only", func(w http.ResponseWriter) { _, _ = w.Write([]byte("x")) }, 200},
		{"explicit", func(w http.ResponseWriter) { w.WriteHeader(404) }, 404},
		{"first wins", func(w http.ResponseWriter) { w.WriteHeader(201); w.WriteHeader(500) }, 201},
		{"informational skipped", func(w http.ResponseWriter) { w.WriteHeader(103); w.WriteHeader(204) }, 204},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sw := &StatusWriter{ResponseWriter: httptest.NewRecorder()}
			tc.write(sw)
			assert.Equal(t, tc.want, sw.Status())
		})
	}
}
