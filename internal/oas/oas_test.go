package oas

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
)

func TestServerPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url  string
		vars map[string]*openapi3.ServerVariable
		want string
	}{
		{"https://api.example.com/v1", nil, "/v1"},
		{"https://api.example.com/v1/", nil, "/v1"},
		{"https://api.example.com", nil, ""},
		{"/", nil, ""},
		{"/api", nil, "/api"},
		{"v2", nil, "/v2"},
		{"api.example.com/v3", nil, "/v3"},
		{"localhost:8080/base", nil, "/base"},
		{"{Endpoint}", map[string]*openapi3.ServerVariable{"Endpoint": {Default: ""}}, ""},
		{"{Endpoint}", nil, ""},
		{"https://{host}/{basePath}", map[string]*openapi3.ServerVariable{
			"host": {Default: "example.com"}, "basePath": {Default: "api/v2"}}, "/api/v2"},
		{"{scheme}://x.io/{ver}/", map[string]*openapi3.ServerVariable{
			"scheme": {Default: "https"}, "ver": {Enum: []string{"v9"}}}, "/v9"},
		{"https://x.io/a%20b", nil, "/a b"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			assert.Equal(t, tt.want, ServerPath(&openapi3.Server{URL: tt.url, Variables: tt.vars}))
		})
	}
}

func TestMergeParameters(t *testing.T) {
	t.Parallel()
	param := func(in, name, desc string) *openapi3.ParameterRef {
		return &openapi3.ParameterRef{Value: &openapi3.Parameter{In: in, Name: name, Description: desc}}
	}
	tests := []struct {
		name          string
		path, op      openapi3.Parameters
		wantNameDescs []string
	}{
		{"operation only", nil, openapi3.Parameters{param("query", "q", "op")}, []string{"q:op"}},
		{"path only", openapi3.Parameters{param("path", "id", "path")}, nil, []string{"id:path"}},
		{"operation wins on name and location",
			openapi3.Parameters{param("query", "q", "path"), param("path", "id", "path")},
			openapi3.Parameters{param("query", "q", "op")}, []string{"q:op", "id:path"}},
		{"same name, other location: both",
			openapi3.Parameters{param("header", "q", "path")},
			openapi3.Parameters{param("query", "q", "op")}, []string{"q:op", "q:path"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, p := range MergeParameters(tt.path, tt.op) {
				got = append(got, p.Value.Name+":"+p.Value.Description)
			}
			assert.Equal(t, tt.wantNameDescs, got)
		})
	}
}

func TestSecurity(t *testing.T) {
	t.Parallel()
	docReq := openapi3.SecurityRequirements{{"key": {}}}
	none := openapi3.SecurityRequirements{}
	own := openapi3.SecurityRequirements{{"bearer": {"read"}}}
	doc := &openapi3.T{Security: docReq}
	assert.Equal(t, docReq, Security(doc, &openapi3.Operation{}), "inherits the document's")
	assert.Equal(t, own, Security(doc, &openapi3.Operation{Security: &own}), "its own wins")
	got := Security(doc, &openapi3.Operation{Security: &none})
	assert.NotNil(t, got, "explicitly none stays non-nil")
	assert.Empty(t, got)
}
