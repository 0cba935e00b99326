package fake

import (
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/brianvoe/gofakeit/v6"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Strict readings of the formats, as real clients check them.
var (
	rfc1123 = regexp.MustCompile(`^(?i:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.(?i:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?))*$`)
	uuidRE  = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

func strictURI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.IsAbs() && u.Host != "" && !strings.ContainsAny(s, " \t\n") && rfc1123.MatchString(u.Hostname())
}

func strictEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return false
	}
	_, host, _ := strings.Cut(s, "@")
	return rfc1123.MatchString(host)
}

// Every value generated for a format, or for a property named like one,
// passes the strict reading of that format: absolute URIs with an RFC 1123
// host and no spaces, net/mail addresses, RFC 1123 host names, RFC 4122
// uuids. gofakeit's words (with spaces and apostrophes) once made
// "https://www.careenough of.net/troupe".
func TestFormatsPassStrictChecks(t *testing.T) {
	str := func(format string) *openapi3.Schema {
		return &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, Format: format}
	}
	plain := &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}}
	cases := []struct {
		name   string
		schema *openapi3.Schema
		prop   string
		ok     func(string) bool
	}{
		{"format uri", str("uri"), "x", strictURI},
		{"format url", str("url"), "x", strictURI},
		{"format email", str("email"), "x", strictEmail},
		{"format hostname", str("hostname"), "x", rfc1123.MatchString},
		{"format uuid", str("uuid"), "x", uuidRE.MatchString},
		{"named url", plain, "url", strictURI},
		{"named website", plain, "website", strictURI},
		{"named homepage", plain, "homepage", strictURI},
		{"named html_url", plain, "html_url", strictURI},
		{"named avatar_url", plain, "avatar_url", strictURI},
		{"named callbackUrl", plain, "callbackUrl", strictURI},
		{"named email", plain, "email", strictEmail},
		{"named domain", plain, "domain", rfc1123.MatchString},
		{"named trip_id with format uuid", str("uuid"), "trip_id", uuidRE.MatchString},
	}
	g := New(Options{})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obj := &openapi3.Schema{
				Type:       &openapi3.Types{openapi3.TypeObject},
				Required:   []string{tc.prop},
				Properties: openapi3.Schemas{tc.prop: {Value: tc.schema}},
			}
			for seed := int64(1); seed <= 300; seed++ {
				v, err := g.Value(gofakeit.New(seed), obj, "")
				require.NoError(t, err)
				s, _ := v.(map[string]any)[tc.prop].(string)
				if !assert.True(t, tc.ok(s), "seed %d: %q", seed, s) {
					return
				}
			}
		})
	}
}
