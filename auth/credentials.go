package auth

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
)

// TokenParam is the Apidog-style name of a key outside the standard headers:
// a header, a query parameter or a form field.
const TokenParam = "apidogToken"

// source says where a request carried its key.
type source uint8

const (
	sourceNone   source = iota
	sourceBearer        // Authorization: Bearer
	sourceAPIKey        // X-API-Key
	sourceHeader        // apidogToken header
	sourceQuery         // apidogToken query parameter
	sourceForm          // apidogToken form field
)

var sourceNames = [...]string{"none", "bearer", "x-api-key", "header", "query", "form"}

func (s source) String() string { return sourceNames[s] }

// credential is what a request carried.
type credential struct {
	token string
	from  source
	// carried: the request bore something secret (a key, an Authorization
	// header of any scheme, an empty key field): its response is not cached.
	carried bool
	// foreign: an Authorization header that is not a mockapi key (another
	// scheme, or a bearer token not shaped like a key), for an Authenticator.
	foreign bool
}

// extract finds the request's key. A value shaped like a key (KeyPrefix)
// wins wherever it is, in order: Authorization: Bearer, X-API-Key, an
// apidogToken header, query parameter (when query is true) or form field
// (a body of at most maxBody bytes is looked at; the body stays readable
// in full for the handler behind). So a caller may send its own
// "Authorization: Bearer <jwt>" for the API it mocks together with a key in
// X-API-Key or apidogToken, and the key decides.
//
// Without a key-shaped value, the first value in X-API-Key or apidogToken
// is taken as a (malformed) key, unless it is shaped like a user token
// (UserTokenPrefix) and there is an Authenticator: that one is foreign. An Authorization header that is not a
// key is foreign: left to an Authenticator, or, when keysOnly is true and
// nothing else was sent, taken as a malformed key.
func extract(r *http.Request, query, keysOnly bool, maxBody int64) credential {
	var c credential
	var bearer string // an Authorization: Bearer value that is not a key
	if v := r.Header.Get("Authorization"); v != "" {
		c.carried = true
		scheme, tok, _ := strings.Cut(strings.TrimSpace(v), " ")
		tok = strings.TrimSpace(tok)
		switch {
		case !strings.EqualFold(scheme, "Bearer"):
			c.foreign = true
		case strings.HasPrefix(tok, KeyPrefix):
			c.token, c.from = tok, sourceBearer
			return c
		default:
			c.foreign, bearer = true, tok
		}
	}
	// other is the first value found outside Authorization that is not
	// shaped like a key.
	var other credential
	take := func(tok string, from source) bool {
		c.carried = true
		if !keysOnly && strings.HasPrefix(tok, UserTokenPrefix) {
			c.foreign = true // a user token: the Authenticator's (UserTokens)
			return false
		}
		if strings.HasPrefix(tok, KeyPrefix) {
			c.token, c.from = tok, from
			return true
		}
		if other.from == sourceNone {
			other.token, other.from = tok, from
		}
		return false
	}
	for _, h := range [...]struct {
		name string
		from source
	}{{"X-Api-Key", sourceAPIKey}, {"Apidogtoken", sourceHeader}} {
		if vs, ok := r.Header[h.name]; ok && len(vs) > 0 && take(strings.TrimSpace(vs[0]), h.from) {
			return c
		}
	}
	if query && r.URL != nil && r.URL.RawQuery != "" {
		if tok, ok := queryToken(r.URL.RawQuery); ok && take(tok, sourceQuery) {
			return c
		}
	}
	if tok, ok := formToken(r, maxBody); ok && take(tok, sourceForm) {
		return c
	}
	switch {
	case other.from != sourceNone:
		c.token, c.from = other.token, other.from
	case keysOnly && bearer != "":
		c.token, c.from, c.foreign = bearer, sourceBearer, false
	}
	return c
}

// queryToken finds apidogToken (any case) in a raw query without building a
// map of the whole query.
func queryToken(raw string) (string, bool) {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		name, val, _ := strings.Cut(pair, "=")
		if !isTokenName(name) {
			continue
		}
		v, err := url.QueryUnescape(val)
		if err != nil {
			return "", true // present but undecodable: a malformed key
		}
		return strings.TrimSpace(v), true
	}
	return "", false
}

func isTokenName(name string) bool {
	if strings.EqualFold(name, TokenParam) {
		return true
	}
	if !strings.ContainsAny(name, "%+") {
		return false
	}
	n, err := url.QueryUnescape(name)
	return err == nil && strings.EqualFold(n, TokenParam)
}

// maxFieldBytes bounds a form field read as a key.
const maxFieldBytes = 1 << 10

// formToken looks for apidogToken in a urlencoded or multipart body. It
// reads at most maxBody bytes and puts them back in front of the rest, so
// the handler behind reads the body unchanged.
func formToken(r *http.Request, maxBody int64) (string, bool) {
	if r.Body == nil || r.Body == http.NoBody || maxBody <= 0 {
		return "", false
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return "", false
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/x-www-form-urlencoded" && mt != "multipart/form-data" {
		return "", false
	}
	data, truncated := peekBody(r, maxBody)
	if mt == "application/x-www-form-urlencoded" {
		if truncated {
			// The last pair may be cut short: use only whole pairs.
			i := bytes.LastIndexByte(data, '&')
			if i < 0 {
				return "", false
			}
			data = data[:i]
		}
		return queryToken(string(data))
	}
	boundary := params["boundary"]
	if boundary == "" {
		return "", false
	}
	// Parts wholly inside the peeked bytes are read; a cut part ends the
	// search with an error. A key field cut by the bound is not seen, as a
	// cut urlencoded pair is not.
	mr := multipart.NewReader(bytes.NewReader(data), boundary)
	for {
		p, err := mr.NextPart()
		if err != nil {
			return "", false
		}
		if p.FileName() == "" && strings.EqualFold(p.FormName(), TokenParam) {
			b, err := io.ReadAll(io.LimitReader(p, maxFieldBytes+1))
			switch {
			case len(b) > maxFieldBytes:
				return "", true // too long: a malformed key
			case err != nil && truncated:
				return "", false
			case err != nil:
				return "", true // present but unreadable: a malformed key
			}
			return strings.TrimSpace(string(b)), true
		}
	}
}

// peekBody reads up to max bytes of the body and replaces the body with
// those bytes followed by the rest (and any read error). truncated reports
// that the body is longer than max.
func peekBody(r *http.Request, max int64) (data []byte, truncated bool) {
	n := max + 1
	if r.ContentLength >= 0 && r.ContentLength < n {
		n = r.ContentLength + 1 // +1 sees EOF without growing the buffer
	}
	buf := bytes.NewBuffer(make([]byte, 0, n))
	_, err := buf.ReadFrom(io.LimitReader(r.Body, max+1))
	data = buf.Bytes()
	var rest io.Reader = r.Body
	if err != nil {
		rest = errReader{err}
	}
	r.Body = &replayBody{Reader: io.MultiReader(bytes.NewReader(data), rest), body: r.Body}
	if int64(len(data)) > max {
		return data[:max], true
	}
	return data, false
}

// replayBody serves peeked bytes then the rest of the original body, and
// closes the original.
type replayBody struct {
	io.Reader
	body io.ReadCloser
}

func (b *replayBody) Close() error { return b.body.Close() }

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
