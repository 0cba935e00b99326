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

// Where the schema is silent, hinted numbers are plausible: a year is
// never in the future nor before 1970, an age within 0..120, a percentage
// within 0..100, coordinates in range; schema bounds still win.
func TestPlausibleNumbers(t *testing.T) {
	integer := &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeInteger}}
	number := &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeNumber}}
	yearStr := &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, Pattern: `^\d{4}$`}
	bounded := &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeInteger}, Min: openapi3.Float64Ptr(3000), Max: openapi3.Float64Ptr(3001)}
	obj := &openapi3.Schema{
		Type:     &openapi3.Types{openapi3.TypeObject},
		Required: []string{"year", "releaseYear", "age", "percent", "latitude", "longitude", "yearText", "boundedYear"},
		Properties: openapi3.Schemas{
			"year": {Value: integer}, "releaseYear": {Value: integer}, "age": {Value: integer},
			"percent": {Value: number}, "latitude": {Value: number}, "longitude": {Value: number},
			"yearText": {Value: yearStr}, "boundedYear": {Value: bounded},
		},
	}
	g := New(Options{})
	for seed := int64(1); seed <= 200; seed++ {
		v, err := g.Value(gofakeit.New(seed), obj, "")
		require.NoError(t, err)
		m := v.(map[string]any)
		num := func(k string) float64 {
			switch x := m[k].(type) {
			case int64:
				return float64(x)
			case float64:
				return x
			}
			t.Fatalf("%s is %T", k, m[k])
			return 0
		}
		for _, k := range []string{"year", "releaseYear"} {
			assert.True(t, num(k) >= 1970 && num(k) <= float64(thisYear), "seed %d: %s %v", seed, k, m[k])
		}
		assert.True(t, num("age") >= 0 && num("age") <= 120)
		assert.True(t, num("percent") >= 0 && num("percent") <= 100)
		assert.True(t, num("latitude") >= -90 && num("latitude") <= 90)
		assert.True(t, num("longitude") >= -180 && num("longitude") <= 180)
		assert.True(t, num("boundedYear") >= 3000, "schema bounds win over the hint")
	}
}
