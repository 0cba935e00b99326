package auth_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/store"
)

// bodyEcho answers 200 with the body it read, after checking a principal.
var bodyEcho = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if p, ok := auth.PrincipalFrom(r.Context()); !ok || p.Method != auth.MethodKey {
		http.Error(w, "not let in by key", http.StatusInternalServerError)
		return
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	_, _ = w.Write(b)
})

func multipartBody(t testing.TB, fields ...string) (string, []byte) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for i := 0; i < len(fields); i += 2 {
		require.NoError(t, mw.WriteField(fields[i], fields[i+1]))
	}
	fw, err := mw.CreateFormFile("upload", "big.bin")
	require.NoError(t, err)
	_, _ = fw.Write(bytes.Repeat([]byte("x"), 3000))
	require.NoError(t, mw.Close())
	return mw.FormDataContentType(), buf.Bytes()
}

func TestCredentialLocations(t *testing.T) {
	t.Parallel()
	e := newEnv(t, auth.Options{MaxFormBytes: 1 << 12})
	s := e.key(t, nil, project)
	withQuery := e.guard.Protect(&auth.Policy{Project: project, Visibility: store.Private, AllowQueryToken: true})(bodyEcho)
	noQuery := e.guard.Protect(&auth.Policy{Project: project, Visibility: store.Private})(bodyEcho)

	form := url.Values{"name": {"Rex"}, "apidogToken": {s}, "tail": {"z"}}.Encode()
	mpType, mpBody := multipartBody(t, "name", "Rex", "apidogToken", s)
	for _, tc := range []struct {
		name string
		h    http.Handler
		req  func() *http.Request
		want int
	}{
		{"bearer", noQuery, func() *http.Request {
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("Authorization", "Bearer "+s)
			return r
		}, 200},
		{"bearer scheme in any case", noQuery, func() *http.Request {
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("authorization", "bEaReR  "+s)
			return r
		}, 200},
		{"x-api-key lower case", noQuery, func() *http.Request {
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("x-api-key", s)
			return r
		}, 200},
		{"apidogToken header", noQuery, func() *http.Request {
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("apidogToken", s)
			return r
		}, 200},
		{"query", withQuery, func() *http.Request {
			return httptest.NewRequest("GET", "/?a=1&apidogToken="+url.QueryEscape(s), nil)
		}, 200},
		{"query name in any case", withQuery, func() *http.Request {
			return httptest.NewRequest("GET", "/?APIDOGTOKEN="+s, nil)
		}, 200},
		{"query disabled for the project", noQuery, func() *http.Request {
			return httptest.NewRequest("GET", "/?apidogToken="+s, nil)
		}, 401},
		{"urlencoded body", noQuery, func() *http.Request {
			r := httptest.NewRequest("POST", "/", strings.NewReader(form))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}, 200},
		{"urlencoded body, unknown length", noQuery, func() *http.Request {
			r := httptest.NewRequest("POST", "/", io.NopCloser(strings.NewReader(form)))
			r.ContentLength = -1
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			return r
		}, 200},
		{"multipart body", noQuery, func() *http.Request {
			r := httptest.NewRequest("POST", "/", bytes.NewReader(mpBody))
			r.Header.Set("Content-Type", mpType)
			return r
		}, 200},
		{"urlencoded token past the bound", noQuery, func() *http.Request {
			body := "pad=" + strings.Repeat("p", 5000) + "&apidogToken=" + s
			r := httptest.NewRequest("POST", "/", strings.NewReader(body))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}, 401},
		{"key in X-API-Key beside the caller's own bearer JWT", noQuery, func() *http.Request {
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig")
			r.Header.Set("X-API-Key", s)
			return r
		}, 200},
		{"key in apidogToken beside a basic Authorization", withQuery, func() *http.Request {
			r := httptest.NewRequest("GET", "/?apidogToken="+s, nil)
			r.Header.Set("Authorization", "Basic dXNlcjpwYXNz")
			return r
		}, 200},
		{"key in apidogToken beside the spec's own X-API-Key value", noQuery, func() *http.Request {
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("X-API-Key", "spec-own-key-123")
			r.Header.Set("apidogToken", s)
			return r
		}, 200},
		{"a bearer JWT alone is no key", noQuery, func() *http.Request {
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig")
			return r
		}, 401},
		{"json body is not a form", noQuery, func() *http.Request {
			r := httptest.NewRequest("POST", "/", strings.NewReader(`{"apidogToken":"`+s+`"}`))
			r.Header.Set("Content-Type", "application/json")
			return r
		}, 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.req()
			var sent []byte
			if r.Body != nil {
				sent, _ = io.ReadAll(r.Body)
				r.Body = io.NopCloser(bytes.NewReader(sent))
			}
			w, _ := do(t, tc.h, r)
			require.Equal(t, tc.want, w.Code, w.Body.String())
			if tc.want == http.StatusOK {
				// The handler behind read the whole body, unchanged.
				require.Equal(t, string(sent), w.Body.String())
				require.Equal(t, "no-store", w.Header().Get("Cache-Control"))
				require.Equal(t, "no-referrer", w.Header().Get("Referrer-Policy"))
			}
		})
	}
}

// A key sent in the query to a project that does not read it there is
// refused with a detail that says so, without quoting the key.
func TestQueryTokenRefusalSaysWhy(t *testing.T) {
	t.Parallel()
	e := newEnv(t, auth.Options{})
	s := e.key(t, nil, project)
	noQuery := e.guard.Protect(&auth.Policy{Project: project, Visibility: store.Private})(bodyEcho)
	for _, tc := range []struct {
		name, target string
		wantWhy      bool
	}{
		{"key in the query", "/?apidogToken=" + url.QueryEscape(s), true},
		{"name in another case", "/?x=1&ApidogToken=" + url.QueryEscape(s), true},
		{"no credentials at all", "/?x=1", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, _ := do(t, noQuery, httptest.NewRequest("GET", tc.target, nil))
			require.Equal(t, http.StatusUnauthorized, w.Code)
			body := w.Body.String()
			assert.Equal(t, tc.wantWhy, strings.Contains(body, "allow_query_token"), body)
			assert.NotContains(t, body, s)
		})
	}
}

func TestNoStoreOnlyWithSecrets(t *testing.T) {
	t.Parallel()
	e := newEnv(t, auth.Options{})
	h := e.guard.Protect(&auth.Policy{Project: project, Visibility: store.Public})(echo)
	w, _ := do(t, h, httptest.NewRequest("GET", "/", nil))
	require.Equal(t, 200, w.Code)
	require.Empty(t, w.Header().Get("Cache-Control"))
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Authorization", "Basic dXNlcjpwYXNz")
	w, _ = do(t, h, r)
	require.Equal(t, 200, w.Code)
	require.Equal(t, "no-store", w.Header().Get("Cache-Control"))
}

// A bearer token that is not a key goes to the Authenticator (a JWT, say).
func TestBearerForAuthenticator(t *testing.T) {
	t.Parallel()
	e := newEnv(t, auth.Options{Authenticator: func(r *http.Request) (*auth.Principal, error) {
		if r.Header.Get("Authorization") == "Bearer eyJ.good" {
			return &auth.Principal{UserID: "jwt-user"}, nil
		}
		return nil, nil
	}})
	h := e.guard.Protect(&auth.Policy{Project: project, Visibility: store.Authenticated})(echo)
	for tok, want := range map[string]outcome{"eyJ.good": ok, "eyJ.bad": needAuth, "mk_bad": invalidKey} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		w, p := do(t, h, r)
		require.Equal(t, want, outcome{w.Code, p.Code}, tok)
	}
}

// An apidogToken field in a multipart body is a credential as it is in an
// urlencoded one, wherever it is among the parts, within MaxFormBytes; the
// handler behind reads the body unchanged.
func TestMultipartToken(t *testing.T) {
	t.Parallel()
	const bound = 1 << 12
	e := newEnv(t, auth.Options{MaxFormBytes: bound})
	s := e.key(t, nil, project)
	h := e.guard.Protect(&auth.Policy{Project: project, Visibility: store.Private})(bodyEcho)

	type part struct{ name, value, file string }
	build := func(parts ...part) (string, []byte) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for _, p := range parts {
			var w io.Writer
			var err error
			if p.file != "" {
				w, err = mw.CreateFormFile(p.name, p.file)
			} else {
				w, err = mw.CreateFormField(p.name)
			}
			require.NoError(t, err)
			_, err = io.WriteString(w, p.value)
			require.NoError(t, err)
		}
		require.NoError(t, mw.Close())
		return mw.FormDataContentType(), buf.Bytes()
	}
	token := part{name: "apidogToken", value: s}
	// A pad that puts the bound in the middle of the key.
	_, unpadded := build(part{name: "pad"}, token)
	cut := bound - bytes.Index(unpadded, []byte(s)) - len(s)/2
	tests := []struct {
		name    string
		parts   []part
		ct      func(string) string // rewrites the Content-Type; nil keeps it
		unknown bool                // the request's length is unknown
		want    outcome
	}{
		{"token first", []part{token, {name: "name", value: "Rex"}}, nil, false, ok},
		{"token after a file", []part{{name: "photo", value: strings.Repeat("x", 3000), file: "a.png"}, token}, nil, false, ok},
		{"token name in another case", []part{{name: "APIDOGTOKEN", value: s}}, nil, false, ok},
		{"token padded with spaces", []part{{name: "apidogToken", value: " " + s + "\r\n"}}, nil, false, ok},
		{"media type in another case", []part{token}, func(ct string) string { return "Multipart/Form-Data" + ct[len("multipart/form-data"):] }, false, ok},
		{"unknown length", []part{{name: "name", value: "Rex"}, token}, nil, true, ok},
		{"token past the bound", []part{{name: "pad", value: strings.Repeat("p", bound)}, token}, nil, false, needAuth},
		{"token cut by the bound", []part{{name: "pad", value: strings.Repeat("p", cut)}, token}, nil, false, needAuth},
		{"a file named apidogToken is not a key", []part{{name: "apidogToken", value: s, file: "key.txt"}}, nil, false, needAuth},
		{"no boundary", []part{token}, func(string) string { return "multipart/form-data" }, false, needAuth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ct, body := build(tt.parts...)
			if tt.ct != nil {
				ct = tt.ct(ct)
			}
			var rd io.Reader = bytes.NewReader(body)
			if tt.unknown {
				rd = io.NopCloser(rd)
			}
			r := httptest.NewRequest("POST", "/", rd)
			if tt.unknown {
				r.ContentLength = -1
			}
			r.Header.Set("Content-Type", ct)
			w, p := do(t, h, r)
			require.Equal(t, tt.want, outcome{w.Code, p.Code}, w.Body.String())
			if tt.want == ok {
				require.Equal(t, string(body), w.Body.String(), "the handler behind read the whole body, unchanged")
			}
		})
	}
}
