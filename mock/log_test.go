package mock

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Secrets stay out of logs: every credential in a query string is
// redacted, whatever the case of its name.
func TestLogRedactsCredentialQueries(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		query  string
		redact bool
	}{
		{"x-api-key=s3cret", true},
		{"X-API-KEY=s3cret", true},
		{"X-Api-Key=s3cret", true},
		{"API_KEY=s3cret", true},
		{"ApiDogToken=s3cret", true},
		{"access_token=s3cret", true},
		{"client_secret=s3cret", true},
		{"Password=s3cret", true},
		{"sessionId=s3cret", true},
		{"auth=s3cret", true},
		{"X-Amz-Signature=s3cret", true},
		{"sig=s3cret", true},
		{"KEY=s3cret", true},
		{"limit=s3cret", false},
		{"monkey=s3cret", false},
		{"code=s3cret", true},     // an OAuth code
		{"__code=s3cret", false},  // the mock's own control
		{"__delay=s3cret", false}, // likewise
	} {
		t.Run(tc.query, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			h := newHandler(t, WithLogger(slog.New(slog.NewJSONHandler(&buf, nil))))
			do(h, "GET", "/v1/pets?"+tc.query, "")
			out := buf.String()
			name, _, _ := strings.Cut(tc.query, "=")
			assert.Contains(t, out, name, "the parameter's name stays")
			if tc.redact {
				assert.NotContains(t, out, "s3cret")
				assert.Contains(t, out, "REDACTED")
			} else {
				assert.Contains(t, out, "s3cret")
			}
		})
	}
}
