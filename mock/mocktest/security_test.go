package mocktest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/mockapi-go/mockapi/mock/mocktest"
)

const keySpec = `
openapi: 3.0.3
info: {title: keys, version: "1"}
components:
  securitySchemes:
    hkey: {type: apiKey, in: header, name: X-API-Key}
    qkey: {type: apiKey, in: query, name: api_key}
    bearer: {type: http, scheme: bearer}
paths:
  /header: {get: {operationId: header, security: [{hkey: []}], responses: {"204": {description: ok}}}}
  /either: {get: {operationId: either, security: [{qkey: []}, {bearer: []}], responses: {"204": {description: ok}}}}
`

// A request without its credential is reported with the credential the
// spec declares, not a generic Authorization header.
func TestMissingCredentialViolationNamesTheDeclaredOne(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path    string
		want    []string
		notWant string
	}{
		{"/header", []string{"header -> 401", `header X-API-Key: the header "X-API-Key" of security scheme "hkey" is missing`}, "Authorization"},
		{"/either", []string{
			`query api_key: the query "api_key" of security scheme "qkey" is missing (alternative 1 of 2`,
			`header Authorization: an Authorization: Bearer credential (security scheme "bearer", http bearer) is missing (alternative 2 of 2`,
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			srv := mocktest.New(f, mocktest.Bytes([]byte(keySpec)))
			status, _ := do(t, srv, "GET", tt.path, "")
			assert.Equal(t, 401, status)
			f.end()
			assert.True(t, f.failed())
			report := f.report()
			for _, w := range tt.want {
				assert.Contains(t, report, w)
			}
			if tt.notWant != "" {
				assert.NotContains(t, report, tt.notWant)
			}
		})
	}
}
