package mockapi

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store/memory"
)

// New refuses a base URL that cannot prefix the Server's paths.
func TestBaseURLValidated(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		base string
		ok   bool
		want string // Options.BaseURL as kept
	}{
		{"", true, ""},
		{"https://mock.example.com", true, "https://mock.example.com"},
		{"https://mock.example.com/", true, "https://mock.example.com"},
		{"http://127.0.0.1:8080/mock/", true, "http://127.0.0.1:8080/mock"},
		{"mock.example.com", false, ""},
		{"/mock", false, ""},
		{"ftp://mock.example.com", false, ""},
		{"https://", false, ""},
		{"https://mock.example.com/?x=1", false, ""},
		{"https://mock.example.com/?", false, ""},
		{"https://mock.example.com/#top", false, ""},
		{"https://user:pw@mock.example.com", false, ""},
		{"https://mock.example.com/%zz", false, ""},
	} {
		t.Run(tc.base, func(t *testing.T) {
			st := memory.New()
			t.Cleanup(func() { _ = st.Close() })
			s, err := New(Options{Store: st, BaseURL: tc.base})
			if !tc.ok {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "BaseURL")
				assert.NotContains(t, err.Error(), "pw", "no credential is echoed")
				return
			}
			require.NoError(t, err)
			t.Cleanup(func() { _ = s.Close() })
			assert.Equal(t, tc.want, s.o.BaseURL)
		})
	}
}

// With a base URL, every URL the management API returns is absolute, and
// appending an operation path never doubles a slash.
func TestBaseURLMakesURLsAbsolute(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"https://mock.example.com/", "http://127.0.0.1:9/mock"} {
		t.Run(base, func(t *testing.T) {
			s, c, _ := startWith(t, Options{BaseURL: base})
			want := strings.TrimSuffix(base, "/")
			status, hdr, body := c.do("POST", "/_admin/projects", `{"id":"pets","name":"Pets","spec":`+jsonString(petsSpec)+`,"visibility":"public"}`,
				"Authorization", "Bearer "+adminToken)
			require.Equal(t, 201, status, string(body))
			assert.Equal(t, want+"/_admin/projects/pets", hdr.Get("Location"))
			p := c.admin("GET", "/projects/pets", nil, 200)
			assert.Equal(t, want+"/p/pets", p["invoke_url"])
			link := c.admin("POST", "/projects/pets/links", map[string]any{}, 201)
			shareURL := link["url"].(string)
			assert.True(t, strings.HasPrefix(shareURL, want+"/s/msl_"), shareURL)
			for _, u := range []string{p["invoke_url"].(string), shareURL, s.InvokeURL("pets"), s.ShareURL("msl_x")} {
				joined := u + "/orders"
				_, rest, _ := strings.Cut(joined, "://")
				assert.NotContains(t, rest, "//", "%s + /orders", u)
			}

			// Paged logs name their next page absolutely.
			for range 2 {
				status, _, _ := c.do("GET", "/p/pets/pets", "")
				require.Equal(t, 200, status)
			}
			status, hdr, _ = c.do("GET", "/_admin/projects/pets/logs?limit=1", "", "Authorization", "Bearer "+adminToken)
			require.Equal(t, 200, status)
			assert.True(t, strings.HasPrefix(hdr.Get("Link"), "<"+want+"/_admin/projects/pets/logs?"), hdr.Get("Link"))
		})
	}
}

// Without a base URL the URLs are paths, with no trailing slash either.
func TestURLsWithoutBaseURL(t *testing.T) {
	t.Parallel()
	s, c, _ := startWith(t, Options{})
	p := c.admin("POST", "/projects", map[string]any{"id": "pets", "name": "Pets", "spec": petsSpec, "visibility": "public"}, 201)
	assert.Equal(t, "/p/pets", p["invoke_url"])
	status, _, body := c.do("GET", p["invoke_url"].(string)+"/pets/1", "")
	assert.Equal(t, 200, status, "invoke_url + an operation path is the operation: %s", body)
	link := c.admin("POST", "/projects/pets/links", map[string]any{}, 201)
	status, _, body = c.do("GET", link["url"].(string)+"/pets/1", "")
	assert.Equal(t, 200, status, "url + an operation path is the operation: %s", body)
	status, _, body = c.do("GET", link["url"].(string), "", "Accept", "text/html")
	assert.Equal(t, 200, status, "the url itself leads to the page")
	assert.Contains(t, string(body), "<html")
	assert.Equal(t, "/s/msl_x", s.ShareURL("msl_x"))
}
