package mock

import (
	"encoding/base64"
	"errors"
	"net/mail"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
)

// The tests of this package check formats strictly, at least as strictly as
// real clients do (#15); kin's defaults let many values through. These
// validators are registered for the test binary only: the mock itself stays
// liberal in what it accepts.
func init() {
	for name, check := range strictFormats {
		openapi3.DefineStringFormatValidator(name, openapi3.NewCallbackValidator(check))
	}
}

var (
	rfc1123Host = regexp.MustCompile(`^(?i:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.(?i:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?))*\.?$`)
	uuidForm    = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	isoDuration = regexp.MustCompile(`^P(?:\d+(?:[.,]\d+)?W|(?:\d+(?:[.,]\d+)?Y)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?D)?(?:T(?:\d+(?:[.,]\d+)?H)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?S)?)?)$`)
	errFormat   = errors.New("does not match the format strictly")
)

func validHost(h string) bool {
	if _, err := netip.ParseAddr(strings.Trim(h, "[]")); err == nil {
		return true
	}
	return rfc1123Host.MatchString(h)
}

var strictFormats = map[string]func(string) error{
	"uri": func(s string) error {
		u, err := url.Parse(s)
		if err != nil || !u.IsAbs() || strings.ContainsAny(s, " \t\r\n") || (u.Host != "" && !validHost(u.Hostname())) {
			return errFormat
		}
		return nil
	},
	"uri-reference": func(s string) error {
		if _, err := url.Parse(s); err != nil || strings.ContainsAny(s, " \t\r\n") {
			return errFormat
		}
		return nil
	},
	"hostname": func(s string) error {
		if len(s) > 253 || !rfc1123Host.MatchString(s) {
			return errFormat
		}
		return nil
	},
	"email": func(s string) error {
		a, err := mail.ParseAddress(s)
		if err != nil || a.Address != s || a.Name != "" {
			return errFormat
		}
		return nil
	},
	"ipv4": func(s string) error {
		if a, err := netip.ParseAddr(s); err != nil || !a.Is4() {
			return errFormat
		}
		return nil
	},
	"ipv6": func(s string) error {
		if a, err := netip.ParseAddr(s); err != nil || !a.Is6() {
			return errFormat
		}
		return nil
	},
	"uuid": func(s string) error {
		if !uuidForm.MatchString(s) {
			return errFormat
		}
		return nil
	},
	"date": func(s string) error {
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return errFormat
		}
		return nil
	},
	"date-time": func(s string) error {
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			return errFormat
		}
		return nil
	},
	"time": func(s string) error {
		for _, layout := range []string{"15:04:05Z07:00", "15:04:05.999999999Z07:00"} {
			if _, err := time.Parse(layout, s); err == nil {
				return nil
			}
		}
		return errFormat
	},
	"duration": func(s string) error {
		if s == "P" || strings.HasSuffix(s, "T") || !isoDuration.MatchString(s) {
			return errFormat
		}
		return nil
	},
	"byte": func(s string) error {
		if _, err := base64.StdEncoding.DecodeString(s); err == nil {
			return nil
		}
		if _, err := base64.URLEncoding.DecodeString(s); err == nil {
			return nil
		}
		return errFormat
	},
}

// The strict readings are the ones this package's tests validate with.
func TestStrictFormatsAreInForce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		format, value string
		ok            bool
	}{
		{"uri", "https://www.example.com/pets", true},
		{"uri", "https://www.careenough of.net/troupe", false},
		{"uri", "/relative/path", false},
		{"uri-reference", "/relative/path", true},
		{"hostname", "api.example.com", true},
		{"hostname", "bad_host.example", false},
		{"email", "ann.lee@example.com", true},
		{"email", "Ann <ann@example.com>", false},
		{"uuid", "4f4e4e1-c824-4b0e-8f3a-1d2c3b4a5f60", false},
		{"uuid", "3f2504e0-4f89-41d3-9a0c-0305e82c3301", true},
		{"ipv4", "10.0.0.300", false},
		{"date-time", "2024-02-30T10:00:00Z", false},
		{"duration", "P1DT2H", true},
		{"duration", "P", false},
	} {
		s := &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, Format: tc.format}
		err := s.VisitJSON(tc.value, openapi3.EnableFormatValidation())
		assert.Equal(t, tc.ok, err == nil, "%s %q: %v", tc.format, tc.value, err)
	}
}
