package importer

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/openapi"
)

// Recorded bodies may hold keys that mean something in a description
// ("$ref", "$id", "properties", "x-..."): they stay data, never become
// references or keywords.
func TestImportKeepsKeywordsAsData(t *testing.T) {
	t.Parallel()
	har := `{"log":{"entries":[{"request":{"method":"POST","url":"http://a.example/x","postData":{"mimeType":"application/json",
	  "text":"{\"$ref\":\"#/components/schemas/Nope\",\"$id\":\"x\",\"properties\":{\"$ref\":1}}"}},
	  "response":{"status":200,"content":{"mimeType":"application/json","text":"{\"$ref\":\"other.yaml\",\"nested\":{\"$ref\":\"#/paths\"},\"x-y\":1,\"\":2}"}}}]}}`
	r, err := Import([]byte(har), Options{})
	require.NoError(t, err)
	doc, err := openapi.Parse(context.Background(), r.YAML(), openapi.Strict())
	require.NoError(t, err)
	require.Empty(t, doc.Warnings())
	h, err := mock.New(doc, mock.WithoutState(), mock.WithSelfCheck())
	require.NoError(t, err)
	require.Empty(t, h.Warnings())
	req := httptest.NewRequest("POST", "/x", strings.NewReader(`{"$ref":"a","$id":"b","properties":{"$ref":2}}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	require.Equal(t, 200, rec.Code, rec.Body.String())
	assert.JSONEq(t, `{"$ref":"other.yaml","nested":{"$ref":"#/paths"},"x-y":1,"":2}`, rec.Body.String())
}
