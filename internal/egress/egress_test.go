package egress

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPublic(t *testing.T) {
	for _, tc := range []struct {
		addr string
		want bool
	}{
		{"93.184.216.34", true},
		{"2606:2800:220:1:248:1893:25c8:1946", true},
		{"127.0.0.1", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false}, // cloud metadata
		{"100.64.0.1", false},
		{"0.0.0.0", false},
		{"::1", false},
		{"fe80::1", false},
		{"fc00::1", false},
		{"::ffff:127.0.0.1", false}, // mapped loopback
		{"::ffff:8.8.8.8", true},
		{"64:ff9b::a00:1", false},
		{"224.0.0.1", false},
		{"255.255.255.255", false},
	} {
		assert.Equal(t, tc.want, Public(netip.MustParseAddr(tc.addr)), tc.addr)
	}
}

func TestCheckURL(t *testing.T) {
	for _, tc := range []struct {
		name   string
		policy Policy
		url    string
		ok     bool
	}{
		{"public name", Policy{}, "https://hooks.example.com/x", true},
		{"public address", Policy{}, "http://93.184.216.34/x", true},
		{"loopback address", Policy{}, "http://127.0.0.1:8080/x", false},
		{"metadata address", Policy{}, "http://169.254.169.254/latest", false},
		{"localhost name", Policy{}, "http://localhost/x", false},
		{"localhost allowed", Policy{AllowPrivate: true}, "http://localhost/x", true},
		{"loopback allowed", Policy{AllowPrivate: true}, "http://127.0.0.1/x", true},
		{"not http", Policy{AllowPrivate: true}, "file:///etc/passwd", false},
		{"gopher", Policy{}, "gopher://example.com/", false},
		{"credentials", Policy{}, "https://user:pw@example.com/", false},
		{"host listed", Policy{Hosts: []string{"hooks.example.com"}}, "https://hooks.example.com/a", true},
		{"host not listed", Policy{Hosts: []string{"hooks.example.com"}}, "https://evil.example.net/a", false},
		{"wildcard", Policy{Hosts: []string{"*.example.com"}}, "https://a.b.example.com/", true},
		{"wildcard not the apex", Policy{Hosts: []string{"*.example.com"}}, "https://example.com/", false},
		{"address outside the list", Policy{Hosts: []string{"hooks.example.com"}}, "http://93.184.216.34/", false},
		{"private prefix listed", Policy{Hosts: []string{"10.0.0.0/8"}}, "http://10.2.3.4/", true},
		{"private prefix other address", Policy{Hosts: []string{"10.0.0.0/8"}}, "http://192.168.0.1/", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := url.Parse(tc.url)
			require.NoError(t, err)
			err = tc.policy.CheckURL(u)
			if tc.ok {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, ErrRefused)
			}
		})
	}
}

func TestPolicyCheck(t *testing.T) {
	assert.NoError(t, Policy{Hosts: []string{"a.example.com", "*.example.org", "10.0.0.0/8", "::1"}}.Check())
	assert.Error(t, Policy{Hosts: []string{"10.0.0.0/99"}}.Check())
	assert.Error(t, Policy{Hosts: []string{"a b"}}.Check())
	assert.Error(t, Policy{Hosts: []string{"*."}}.Check())
}

// The address is checked when the client connects, after resolution: a
// name the policy lets through is still refused when it resolves to a
// loopback address.
func TestClientChecksTheResolvedAddress(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	}))
	t.Cleanup(srv.Close)
	port := srv.URL[len("http://127.0.0.1:"):]

	refused := Policy{Hosts: []string{"localhost"}}.Client(2 * time.Second)
	u, _ := url.Parse("http://localhost:" + port + "/")
	require.NoError(t, Policy{Hosts: []string{"localhost"}}.CheckURL(u), "the name is listed")
	_, err := refused.Get(u.String())
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrRefused), "%v", err)

	allowed := Policy{AllowPrivate: true}.Client(2 * time.Second)
	resp, err := allowed.Get(srv.URL + "/")
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusFound, resp.StatusCode, "redirects are not followed")
}
