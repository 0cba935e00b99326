package auth

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// FuzzCredentials feeds hostile requests to the credential extraction: it
// must not panic, must leave the body byte-for-byte readable, and must only
// report a key that the request really carried in the place it names.
func FuzzCredentials(f *testing.F) {
	key, _ := NewKey("fuzz")
	f.Add("Bearer "+key, "", "", "", "", []byte(nil), true)
	f.Add("", key, "", "a=1", "", []byte(nil), false)
	f.Add("Basic abc", "", key, "", "", []byte(nil), false)
	f.Add("", "", "", "apidogToken="+key, "", []byte(nil), true)
	f.Add("", "", "", "apidog%54oken=%zz", "", []byte(nil), true)
	f.Add("", "", "", "", "application/x-www-form-urlencoded", []byte("a=1&apidogToken="+key), false)
	f.Add("", "", "", "", "multipart/form-data; boundary=XX",
		[]byte("--XX\r\nContent-Disposition: form-data; name=\"apidogToken\"\r\n\r\n"+key+"\r\n--XX--\r\n"), false)
	f.Add("", "", "", "", "multipart/form-data; boundary=XX", []byte("--XX\r\nContent-Disposition: form-data; name=\"apidogToken\"\r\n\r\n"), false)
	f.Add("", "", "", "", "multipart/form-data", []byte("--"), false)
	f.Add("bearer", "", "", "", "application/x-www-form-urlencoded;;", []byte("&&&="), true)
	f.Fuzz(func(t *testing.T, authz, apiKey, apidog, rawQuery, ctype string, body []byte, query bool) {
		r, err := http.NewRequest(http.MethodPost, "http://x/p", bytes.NewReader(body))
		if err != nil {
			t.Skip()
		}
		r.URL.RawQuery = rawQuery
		for name, v := range map[string]string{"Authorization": authz, "X-API-Key": apiKey, "apidogToken": apidog, "Content-Type": ctype} {
			if v != "" {
				r.Header.Set(name, v)
			}
		}
		c := extract(r, query, true, 256)
		got, err := io.ReadAll(r.Body)
		if err != nil || !bytes.Equal(got, body) {
			t.Fatalf("body changed: %q, %v; sent %q", got, err, body)
		}
		switch c.from {
		case sourceNone:
			if c.token != "" {
				t.Fatalf("token %q from nowhere", c.token)
			}
		case sourceBearer:
			if !strings.Contains(authz, c.token) {
				t.Fatalf("bearer %q not in %q", c.token, authz)
			}
		case sourceAPIKey:
			if !strings.Contains(apiKey, c.token) {
				t.Fatalf("x-api-key %q not in %q", c.token, apiKey)
			}
		case sourceHeader:
			if !strings.Contains(apidog, c.token) {
				t.Fatalf("apidogToken header %q not in %q", c.token, apidog)
			}
		case sourceQuery:
			if !query {
				t.Fatal("query token read with query tokens disabled")
			}
			if q, err := url.QueryUnescape(rawQuery); err == nil && !strings.Contains(q, c.token) {
				t.Fatalf("query token %q not in %q", c.token, rawQuery)
			}
		case sourceForm:
			if int64(len(body)) == 0 {
				t.Fatal("form token without a body")
			}
		}
		if c.from != sourceNone && !c.carried {
			t.Fatal("a key was found but the request is not marked as carrying one")
		}
	})
}
