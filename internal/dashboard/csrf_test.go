package dashboard

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckCSRF(t *testing.T) {
	t.Parallel()
	const want = "tok-0123456789abcdefghijk"
	for _, tc := range []struct {
		name    string
		form    string
		headers map[string]string
		ok      bool
	}{
		{"the token", want, nil, true},
		{"the token from the same origin", want, map[string]string{"Origin": "http://dash.example", "Sec-Fetch-Site": "same-origin"}, true},
		{"the token typed in by hand", want, map[string]string{"Sec-Fetch-Site": "none"}, true},
		{"the token through a proxy", want, map[string]string{"Origin": "https://mock.example.com", "X-Forwarded-Host": "mock.example.com"}, true},
		{"no token", "", nil, false},
		{"another token", "tok-0123456789abcdefghijX", nil, false},
		{"a prefix of the token", want[:10], nil, false},
		{"another origin", want, map[string]string{"Origin": "https://evil.example"}, false},
		{"another port", want, map[string]string{"Origin": "http://dash.example:8080"}, false},
		{"an opaque origin", want, map[string]string{"Origin": "null"}, false},
		{"a cross-site request", want, map[string]string{"Sec-Fetch-Site": "cross-site"}, false},
		{"a same-site request", want, map[string]string{"Sec-Fetch-Site": "same-site"}, false},
		{"a forged forwarded host", want, map[string]string{"Origin": "https://evil.example", "X-Forwarded-Host": "mock.example.com"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest("POST", "http://dash.example/_admin/ui/keys", strings.NewReader(url.Values{CSRFField: {tc.form}}.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tc.headers {
				r.Header.Set(k, v)
			}
			require.NoError(t, r.ParseForm())
			err := CheckCSRF(r, want)
			if tc.ok {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, ErrCSRF)
			}
		})
	}
	// An empty expected token (no session) refuses everything.
	r := httptest.NewRequest("POST", "/", strings.NewReader(CSRFField+"="))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	assert.ErrorIs(t, CheckCSRF(r, ""), ErrCSRF)
}
