package share_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mockapi-go/mockapi/share"
)

// FuzzHandlerPath feeds the handler arbitrary paths; "{T}" in an input
// stands for a valid token. The handler must not panic, and a path that does
// not carry the valid token must get 404.
func FuzzHandlerPath(f *testing.F) {
	for _, seed := range []string{
		"/s/{T}/v1/pets", "/s/{T}", "/s/{T}/", "/s/{T}/?format=openapi", "/s/{T}/v1/pets/1",
		"/s/{T}/v1/admin/stats", "/s/{T}%2Fv1/pets", "/s/{T}/v1/pets%2F1", "/s/{T}/../{T}/v1/pets",
		"/s/{T}//v1//pets", "/s/{T}/v1/p%C3%A9ts", "/s/", "/s//v1/pets", "/s", "/", "/x/{T}/v1/pets",
		"/s/msl_AAAAAAAAAAAAAAAAAAAAAAAAAAA/v1/pets", "/s/msl_/v1", "/s/%6Dsl_x/v1", "/S/{T}/v1/pets",
	} {
		f.Add("GET", seed)
	}
	f.Add("POST", "/s/{T}")
	f.Add("DELETE", "/s/{T}/v1/pets/1")
	e := newEnv(f, envOptions{noRecord: true})
	token, _ := e.link(share.LinkOptions{})
	f.Fuzz(func(t *testing.T, method, path string) {
		path = strings.ReplaceAll(path, "{T}", token)
		req, err := http.NewRequest(method, "http://share.test"+path, strings.NewReader(`{"name":"x"}`))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		if !strings.Contains(req.URL.EscapedPath(), token) {
			if rec.Code != http.StatusNotFound {
				t.Fatalf("%s %q without the token: %d, want 404\n%s", method, path, rec.Code, rec.Body)
			}
		}
	})
}
