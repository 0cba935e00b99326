package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/openapi"
)

const (
	harFile     = "../../openapi/importer/testdata/shop.har"
	postmanFile = "../../openapi/importer/testdata/library.postman_collection.json"
	curlFile    = "../../openapi/importer/testdata/api.curl"
)

// "mockserver import FILE" writes a description that loads without a
// warning, and says on stderr what it derived.
func TestImportCommand(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		ops  int
		json bool
	}{
		{[]string{"import", harFile}, 9, false},
		{[]string{"import", "-json", postmanFile}, 6, true},
		{[]string{"import", "-title", "Weather", curlFile}, 7, false},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			var out, errb syncBuffer
			code := run(context.Background(), tt.args, &out, &errb, nil)
			require.Equal(t, 0, code, errb.String())
			assert.Equal(t, tt.json, strings.HasPrefix(out.String(), "{"))
			doc, err := openapi.Parse(context.Background(), []byte(out.String()), openapi.Strict())
			require.NoError(t, err)
			assert.Empty(t, doc.Warnings())
			assert.Len(t, doc.Operations(), tt.ops)
			assert.Contains(t, errb.String(), "operations from")
		})
	}
	var out, errb syncBuffer
	assert.Equal(t, 2, run(context.Background(), []string{"import"}, &out, &errb, nil), "no file")
	assert.Equal(t, 1, run(context.Background(), []string{"import", "main.go"}, &out, &errb, nil))
	assert.Contains(t, errb.String(), "main.go: importer: not a HAR file")
}

// -spec takes recorded traffic directly, the format detected.
func TestServesRecordedTraffic(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		spec, path, header, want string
	}{
		{harFile, "/v1/users/42", "Authorization: Bearer x", `"email":"ada@example.com"`},
		{postmanFile, "/api/v2/books?genre=software&limit=2", "Authorization: Bearer x", `"next_cursor":"b2"`},
		{curlFile, "/v3/stations?country=NZ&active=true", "X-API-Key: x", ""},
	} {
		t.Run(tt.spec, func(t *testing.T) {
			t.Parallel()
			var out, errb syncBuffer
			require.Equal(t, 0, run(context.Background(), []string{"-spec", tt.spec, "-routes"}, &out, &errb, nil), errb.String())
			assert.NotEmpty(t, out.String())

			addr, _, stop := start(t, "-spec", tt.spec, "-stateless")
			defer stop()
			req, err := http.NewRequest("GET", "http://"+addr+tt.path, nil)
			require.NoError(t, err)
			k, v, _ := strings.Cut(tt.header, ": ")
			req.Header.Set(k, v)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			assert.Equal(t, 200, resp.StatusCode, string(body))
			assert.Contains(t, string(body), tt.want)
		})
	}
}
