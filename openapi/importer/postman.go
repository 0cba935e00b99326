package importer

import (
	"encoding/json"
	"net/url"
	"strings"
)

// A Postman collection v2.1
// (https://schema.postman.com/collection/json/v2.1.0/draft-07/docs/index.html),
// the fields read. Folders nest items; a request is a URL string or an
// object; a saved response ("example" in Postman) carries the request
// that produced it.
type pmCollection struct {
	Info struct {
		Name        string          `json:"name"`
		Description json.RawMessage `json:"description"`
	} `json:"info"`
	Item     []pmItem     `json:"item"`
	Variable []pmVariable `json:"variable"`
	Auth     *pmAuth      `json:"auth"`
}

// pmAuth is a collection's, folder's or request's authorization: only
// where the credential goes is kept, never its value.
type pmAuth struct {
	Type   string `json:"type"`
	APIKey []pmKV `json:"apikey"`
}

// header returns the header the authorization sends, with its value
// redacted, or ok false when it sends none (noauth, a query key, types
// this package does not read).
func (a *pmAuth) header() (h [2]string, ok bool) {
	if a == nil {
		return h, false
	}
	switch a.Type {
	case "bearer", "oauth2", "jwt":
		return [2]string{"Authorization", "Bearer " + Redacted}, true
	case "basic", "digest":
		return [2]string{"Authorization", "Basic " + Redacted}, true
	case "apikey":
		key, in := "X-API-Key", "header"
		for _, kv := range a.APIKey {
			switch kv.Key {
			case "key":
				key = kv.Value
			case "in":
				in = kv.Value
			}
		}
		if in == "header" && key != "" {
			return [2]string{key, Redacted}, true
		}
	}
	return h, false
}

type pmVariable struct {
	Key   string `json:"key"`
	Value any    `json:"value"`
}

type pmItem struct {
	Name     string       `json:"name"`
	Item     []pmItem     `json:"item"`
	Request  *pmRequest   `json:"request"`
	Response []pmResponse `json:"response"`
	Auth     *pmAuth      `json:"auth"`
}

type pmRequest struct {
	Method string
	URL    pmURL
	Header []pmKV
	Body   *pmBody
	Auth   *pmAuth
}

func (r *pmRequest) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*r = pmRequest{Method: "GET", URL: pmURL{Raw: s}}
		return nil
	}
	var o struct {
		Method string          `json:"method"`
		URL    pmURL           `json:"url"`
		Header json.RawMessage `json:"header"`
		Body   *pmBody         `json:"body"`
		Auth   *pmAuth         `json:"auth"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return err
	}
	*r = pmRequest{Method: o.Method, URL: o.URL, Body: o.Body, Auth: o.Auth}
	_ = json.Unmarshal(o.Header, &r.Header) // a header given as a string is ignored
	return nil
}

type pmURL struct {
	Raw      string
	Path     []string
	Query    []pmKV
	Variable []pmKV
}

func (u *pmURL) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		u.Raw = s
		return nil
	}
	var o struct {
		Raw      string          `json:"raw"`
		Path     json.RawMessage `json:"path"`
		Query    []pmKV          `json:"query"`
		Variable []pmKV          `json:"variable"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return err
	}
	u.Raw, u.Query, u.Variable = o.Raw, o.Query, o.Variable
	var path []json.RawMessage
	if json.Unmarshal(o.Path, &path) == nil {
		for _, p := range path {
			var seg string
			if json.Unmarshal(p, &seg) != nil {
				var v struct {
					Value string `json:"value"`
				}
				_ = json.Unmarshal(p, &v)
				seg = v.Value
			}
			u.Path = append(u.Path, seg)
		}
	}
	return nil
}

type pmKV struct {
	Key      string `json:"key"`
	Value    string `json:"value"`
	Disabled bool   `json:"disabled"`
	Type     string `json:"type"`
	Src      any    `json:"src"`
}

type pmBody struct {
	Mode       string `json:"mode"`
	Raw        string `json:"raw"`
	URLEncoded []pmKV `json:"urlencoded"`
	FormData   []pmKV `json:"formdata"`
	GraphQL    *struct {
		Query     string `json:"query"`
		Variables string `json:"variables"`
	} `json:"graphql"`
	Options struct {
		Raw struct {
			Language string `json:"language"`
		} `json:"raw"`
	} `json:"options"`
}

type pmResponse struct {
	Name            string          `json:"name"`
	OriginalRequest *pmRequest      `json:"originalRequest"`
	Code            int             `json:"code"`
	Header          json.RawMessage `json:"header"` // a list of pmKV, or a string, or null
	Body            string          `json:"body"`
}

// maxFolderDepth bounds folder nesting.
const maxFolderDepth = 64

func readPostman(data []byte) (capture, error) {
	var col pmCollection
	if err := json.Unmarshal(data, &col); err != nil {
		return capture{}, err
	}
	c := capture{title: col.Info.Name}
	vars := map[string]string{}
	for _, v := range col.Variable {
		if s, ok := v.Value.(string); ok && v.Key != "" {
			vars[v.Key] = s
		}
	}
	// Authorization is inherited: request, else folder, else collection.
	var walk func(items []pmItem, auth *pmAuth, depth int)
	walk = func(items []pmItem, auth *pmAuth, depth int) {
		for i := range items {
			it := &items[i]
			a := auth
			if it.Auth != nil {
				a = it.Auth
			}
			if len(it.Item) > 0 {
				if depth < maxFolderDepth {
					walk(it.Item, a, depth+1)
				} else {
					c.skipped++
				}
				continue
			}
			if it.Request == nil {
				c.skipped++
				continue
			}
			if it.Request.Auth != nil {
				a = it.Request.Auth
			}
			if len(it.Response) == 0 {
				c.add(withAuth(pmExchange(it.Name, it.Request, nil, vars), a))
				continue
			}
			for j := range it.Response {
				resp := &it.Response[j]
				req := it.Request
				if resp.OriginalRequest != nil && resp.OriginalRequest.URL.Raw != "" {
					req = resp.OriginalRequest
				}
				c.add(withAuth(pmExchange(it.Name, req, resp, vars), a))
			}
		}
	}
	walk(col.Item, col.Auth, 0)
	return c, nil
}

// pmExchange turns a Postman request and, when there is one, a saved
// response into an exchange. Variables the collection defines are
// substituted; path segments ":name" and "{{name}}" are parameters.
func pmExchange(name string, req *pmRequest, resp *pmResponse, vars map[string]string) *exchange {
	// {{baseUrl}} naming "https://host/api/v2": "/api/v2" is the server's
	// base path, not part of each path.
	var base string
	if strings.HasPrefix(req.URL.Raw, "{{") {
		if end := strings.Index(req.URL.Raw, "}}"); end > 2 {
			if v, ok := vars[strings.TrimSpace(req.URL.Raw[2:end])]; ok {
				if u, err := url.Parse(substitute(v, vars)); err == nil && u.Host != "" {
					base = strings.TrimRight(u.EscapedPath(), "/")
				}
			}
		}
	}
	raw := substitute(req.URL.Raw, vars)
	// Whatever is left of {{host}} cannot be a URL's origin: drop it.
	if strings.HasPrefix(raw, "{{") {
		if end := strings.Index(raw, "}}"); end >= 0 {
			raw = raw[end+2:]
		}
	}
	if !strings.Contains(raw, "://") && !strings.HasPrefix(raw, "/") {
		if i := strings.IndexByte(raw, '/'); i >= 0 && !strings.Contains(raw[:i], "{{") && strings.Contains(raw[:i], ".") {
			raw = "https://" + raw // "api.example.com/users"
		} else if i >= 0 {
			raw = raw[i:]
		} else {
			raw = "/" + raw
		}
	}
	// Keep {{var}} and :var through url.Parse.
	u, err := url.Parse(strings.NewReplacer("{{", "%7B%7B", "}}", "%7D%7D").Replace(raw))
	if err != nil {
		return nil
	}
	x := &exchange{method: strings.ToUpper(strings.TrimSpace(req.Method)), url: u, summary: name}
	for _, v := range req.URL.Variable {
		if v.Key != "" && v.Value != "" && len(x.pathVars) < 64 {
			if x.pathVars == nil {
				x.pathVars = map[string]string{}
			}
			x.pathVars[v.Key] = substitute(v.Value, vars)
		}
	}
	if p := u.EscapedPath(); base != "" && strings.HasPrefix(p, base) && (len(p) == len(base) || p[len(base)] == '/') {
		x.base = base
	}
	if x.method == "" {
		x.method = "GET"
	}
	if len(req.URL.Query) > 0 {
		q := url.Values{}
		for _, kv := range req.URL.Query {
			if !kv.Disabled && kv.Key != "" {
				q.Add(kv.Key, substitute(kv.Value, vars))
			}
		}
		u.RawQuery = q.Encode()
	}
	for _, h := range req.Header {
		if !h.Disabled && h.Key != "" {
			x.header = append(x.header, [2]string{h.Key, substitute(h.Value, vars)})
		}
	}
	if b := req.Body; b != nil {
		switch b.Mode {
		case "raw":
			x.reqBody = []byte(substitute(b.Raw, vars))
			x.reqType = headerValue(x.header, "Content-Type")
			if x.reqType == "" {
				switch b.Options.Raw.Language {
				case "json":
					x.reqType = "application/json"
				case "xml":
					x.reqType = "application/xml"
				default:
					x.reqType = "text/plain"
				}
			}
		case "urlencoded":
			x.reqType = "application/x-www-form-urlencoded"
			for _, kv := range b.URLEncoded {
				if !kv.Disabled && kv.Key != "" {
					x.form = append(x.form, [2]string{kv.Key, substitute(kv.Value, vars)})
				}
			}
		case "formdata":
			x.reqType = "multipart/form-data"
			for _, kv := range b.FormData {
				if !kv.Disabled && kv.Key != "" {
					v := substitute(kv.Value, vars)
					if kv.Type == "file" {
						v = fileField
					}
					x.form = append(x.form, [2]string{kv.Key, v})
				}
			}
		case "graphql":
			if b.GraphQL != nil {
				body := map[string]any{"query": b.GraphQL.Query}
				var v any
				if json.Unmarshal([]byte(b.GraphQL.Variables), &v) == nil {
					body["variables"] = v
				}
				x.reqBody, _ = json.Marshal(body)
				x.reqType = "application/json"
			}
		}
	}
	if resp != nil {
		x.status = resp.Code
		x.example = resp.Name
		x.respBody = []byte(resp.Body)
		var hs []pmKV
		if json.Unmarshal(resp.Header, &hs) == nil {
			for _, h := range hs {
				if strings.EqualFold(h.Key, "Content-Type") {
					x.respType = h.Value
				}
			}
		}
		if x.respType == "" && len(resp.Body) > 0 {
			if json.Valid([]byte(resp.Body)) {
				x.respType = "application/json"
			} else {
				x.respType = "text/plain"
			}
		}
	}
	return x
}

func withAuth(x *exchange, a *pmAuth) *exchange {
	if h, ok := a.header(); ok && x != nil {
		if headerValue(x.header, h[0]) == "" {
			x.header = append(x.header, h)
		}
		x.auth = append(x.auth, h[0])
	}
	return x
}

// fileField stands for the content of a file form field.
const fileField = "\x00file"

// substitute replaces {{name}} by the collection's variable, a few times
// over (variables may name variables); unknown ones stay.
func substitute(s string, vars map[string]string) string {
	for range 4 {
		if !strings.Contains(s, "{{") {
			return s
		}
		changed := false
		var b strings.Builder
		rest := s
		for {
			i := strings.Index(rest, "{{")
			if i < 0 {
				b.WriteString(rest)
				break
			}
			j := strings.Index(rest[i:], "}}")
			if j < 0 {
				b.WriteString(rest)
				break
			}
			name := strings.TrimSpace(rest[i+2 : i+j])
			b.WriteString(rest[:i])
			if v, ok := vars[name]; ok && b.Len()+len(v) < 1<<16 {
				b.WriteString(v)
				changed = true
			} else {
				b.WriteString(rest[i : i+j+2])
			}
			rest = rest[i+j+2:]
		}
		s = b.String()
		if !changed {
			break
		}
	}
	return s
}
