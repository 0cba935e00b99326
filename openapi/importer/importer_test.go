package importer

import (
	"context"
	"encoding/json"
	"maps"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/openapi"
)

func TestDetect(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		in   string
		want Format
	}{
		{"har", `{"log":{"version":"1.2","entries":[]}}`, HAR},
		{"har with BOM", "\xef\xbb\xbf" + `{"log":{"entries":[]}}`, HAR},
		{"postman", `{"info":{"name":"x"},"item":[]}`, Postman},
		{"curl", "curl https://a.example/x", Curl},
		{"curl after comments", "# wiki\n\n$ curl -X POST https://a.example/x", Curl},
		{"openapi json", `{"openapi":"3.1.0","info":{},"paths":{},"log":{"entries":[]}}`, ""},
		{"swagger json", `{"swagger":"2.0","info":{},"item":[]}`, ""},
		{"openapi first, spaced", "{\n  \"openapi\" : \"3.0.3\", \"log\": {\"entries\": []}}", ""},
		{"openapi later", `{"info":{"name":"x"},"openapi":"3.0.0","item":[]}`, ""},
		{"har whose first key is a prefix", `{"openapiX":1,"log":{"entries":[]}}`, HAR},
		{"openapi yaml", "openapi: 3.1.0\ninfo: {title: x}\n", ""},
		{"a json object", `{"log":"x"}`, ""},
		{"wget", "wget https://a.example", ""},
		{"curly, not curl", "curly https://a.example", ""},
		{"empty", "  \n", ""},
		{"broken json", `{"log":{"entries":[`, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, Detect([]byte(tt.in)))
		})
	}
}

// TestImportKeepsNoCredential: no credential of the captures reaches the
// description: not the Authorization, Cookie or key headers' values, not
// the fields named like secrets in bodies, not curl -u.
func TestImportKeepsNoCredential(t *testing.T) {
	t.Parallel()
	secrets := []string{"eyJ", "c2ln", "hunter2", "correct horse", "tok_live", "wx_8c7f", "lib_live", "s3cret", "abc123def",
		"newsecret", "session=abc", "admin:", "payload.sig"}
	for _, tc := range captures {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			r, _ := importFile(t, tc.file)
			for _, out := range []string{string(r.YAML()), string(r.JSON())} {
				for _, s := range secrets {
					assert.NotContains(t, out, s)
				}
			}
		})
	}
}

// TestImportDescribes checks what the HAR capture's description says:
// templated paths, parameters, formats, required properties and
// security.
func TestImportDescribes(t *testing.T) {
	t.Parallel()
	r, _ := importFile(t, "shop.har")
	doc, err := openapi.Parse(context.Background(), r.JSON())
	require.NoError(t, err)
	var got []string
	for _, op := range doc.Operations() {
		got = append(got, op.Method+" "+op.Path)
	}
	assert.ElementsMatch(t, []string{
		"POST /v1/auth/login", "GET /v1/search", "GET /v1/status", "GET /v1/users", "POST /v1/users",
		"GET /v1/users/{userId}", "DELETE /v1/users/{userId}",
		"GET /v1/users/{userId}/orders/{orderId}", "PATCH /v1/users/{userId}/orders/{orderId}",
	}, got)

	var spec map[string]any
	require.NoError(t, json.Unmarshal(r.JSON(), &spec))
	at := func(path ...string) any {
		var v any = spec
		for _, p := range path {
			switch x := v.(type) {
			case map[string]any:
				v = x[p]
			case []any:
				i := 0
				for _, e := range x {
					if m, ok := e.(map[string]any); ok && m["name"] == p {
						v = m
						i = -1
						break
					}
				}
				if i == 0 {
					return nil
				}
			}
		}
		return v
	}
	assert.Equal(t, "api.shop.example.com", at("info", "title"), "the host most requests went to")
	user := []string{"paths", "/v1/users/{userId}", "get", "responses", "200", "content", "application/json", "schema"}
	for prop, format := range map[string]string{"email": "email", "created_at": "date-time", "birthday": "date",
		"website": "uri", "last_login_ip": "ipv4"} {
		assert.Equal(t, format, at(append(user, "properties", prop, "format")...), prop)
	}
	assert.Equal(t, "uuid", at("paths", "/v1/users/{userId}/orders/{orderId}", "get", "parameters", "orderId", "schema", "format"))
	assert.Equal(t, "integer", at("paths", "/v1/users/{userId}/orders/{orderId}", "get", "parameters", "userId", "schema", "type"))
	assert.Equal(t, []any{"integer", "null"}, at(append(user, "properties", "manager_id", "type")...))
	assert.Nil(t, at(append(user, "properties", "api_token", "format")...), "a secret's format says something of it")
	assert.Contains(t, at(append(user, "required")...), "email")
	assert.NotContains(t, at("paths", "/v1/users/{userId}", "get", "responses", "200", "content", "application/json",
		"schema", "properties", "address", "required"), "postcode", "present in one record of two")
	assert.Equal(t, true, at("paths", "/v1/users", "get", "parameters", "page", "required"))
	assert.Nil(t, at("paths", "/v1/users", "get", "parameters", "role", "required"), "in one request of two")
	assert.Equal(t, "header", at("paths", "/v1/users", "post", "parameters", "x-request-id", "in"))
	assert.Equal(t, map[string]any{"type": "http", "scheme": "bearer"}, at("components", "securitySchemes", "bearerAuth"))
	assert.Equal(t, "REDACTED", at("paths", "/v1/users", "post", "requestBody", "content", "application/json", "example", "password"))
}

func TestTemplate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		url, want string
	}{
		{"/users/42", "/users/{userId}"},
		{"/users/42/posts/7", "/users/{userId}/posts/{postId}"},
		{"/categories/3", "/categories/{categoryId}"},
		{"/boxes/3", "/boxes/{boxId}"},
		{"/orders/3fa85f64-5717-4562-b3fc-2c963f66afa6", "/orders/{orderId}"},
		{"/commits/0123456789abcdef0123", "/commits/{commitId}"},
		{"/customers/cus_9s6XKzkNRiz8i3", "/customers/{customerId}"},
		{"/order-items/12", "/order-items/{orderItemId}"},
		{"/42", "/{id}"},
		{"/a/1/b/2/a/3", "/a/{aId}/b/{bId}/a/{aId2}"},
		{"/users/me", "/users/me"},
		{"/password-resets/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl", "/password-resets/{passwordResetId}"},
		{"/invites/Xk9fQ2LmP7rT4vW8yZ1aB3cD", "/invites/{inviteId}"},
		{"/settings/getNotificationSettingsForUsers", "/settings/getNotificationSettingsForUsers"},
		{"/v2/users", "/v2/users"},
		{"/files/deadbeef", "/files/deadbeef"},
		{"/books/:bookId", "/books/{bookId}"},
		{"/books/%7B%7Bid%7D%7D", "/books/{id}"},
		{"/weird/%7Bx", "/weird/%7Bx"},
		{"/x//double//slash/", "/x/double/slash"},
	} {
		t.Run(tt.url, func(t *testing.T) {
			t.Parallel()
			u, err := url.Parse(tt.url)
			require.NoError(t, err)
			segs, names, _ := template(&exchange{url: u})
			names = uniqueNames(names)
			n := 0
			for i, s := range segs {
				if s == "{}" {
					segs[i] = "{" + names[n] + "}"
					n++
				}
			}
			assert.Equal(t, tt.want, "/"+strings.Join(segs, "/"))
		})
	}
}

func TestFormats(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		values []any
		want   string // "" for none
	}{
		{[]any{"2026-03-02T10:15:30Z", "2026-03-02T10:15:30.123+01:00"}, "date-time"},
		{[]any{"2026-03-02"}, "date"},
		{[]any{"2026-02-30"}, ""},
		{[]any{"3fa85f64-5717-4562-b3fc-2c963f66afa6"}, "uuid"},
		{[]any{"ada@example.com"}, "email"},
		{[]any{"Ada <ada@example.com>"}, ""},
		{[]any{"https://example.com/a?b=c"}, "uri"},
		{[]any{"example.com"}, ""},
		{[]any{"192.0.2.1"}, "ipv4"},
		{[]any{"2001:db8::1"}, "ipv6"},
		{[]any{"2026-03-02", "not a date"}, ""},
		{[]any{"192.0.2.1", "2001:db8::1"}, ""},
	} {
		s := newShape()
		for _, v := range tt.values {
			s.add(v, 0)
		}
		f, _ := s.schema().get("format")
		if tt.want == "" {
			assert.Nil(t, f, "%v", tt.values)
		} else {
			assert.Equal(t, tt.want, f, "%v", tt.values)
		}
	}
}

func TestSecretName(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"password": true, "new_password": true, "api_key": true, "X-API-Key": true, "apiKey": true, "access_token": true,
		"Authorization": true, "X-Auth": true, "client_secret": true, "sessionId": true, "X-CSRF-Token": true, "pin": true,
		"oauth": true, "key": true, "cvv": true,
		"author": false, "token_type": false, "keyboard": false, "monkey": false, "name": false, "email": false,
		"spinner": false, "password_length": false, "shipping": false, "id": false,
	} {
		assert.Equal(t, want, secretName(name), name)
	}
}

// TestImportRefuses: input of no known format, and input that holds no
// request, are errors callers can test.
func TestImportRefuses(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		in   string
		want error
	}{
		{"openapi", "openapi: 3.1.0\n", ErrUnknownFormat},
		{"empty har", `{"log":{"entries":[]}}`, ErrNothingToImport},
		{"only assets", `{"log":{"entries":[{"request":{"method":"GET","url":"https://a.example/app.js"},"response":{"status":200}}]}}`, ErrNothingToImport},
		{"curl without url", "curl -X POST", ErrNothingToImport},
		{"unterminated quote", "curl 'https://a.example/x", ErrNothingToImport},
		{"postman, folders only", `{"info":{"name":"x"},"item":[{"name":"f","item":[]}]}`, ErrNothingToImport},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Import([]byte(tt.in), Options{})
			assert.ErrorIs(t, err, tt.want)
		})
	}
	_, err := Import(make([]byte, MaxInputSize+1), Options{})
	assert.Error(t, err, "too large")
}

func TestCurlWords(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{`curl -H 'A: b c' "x\"y" $'a\nb' d\ e`, []string{"curl", "-H", "A: b c", `x"y`, "a\nb", "d e"}},
		{`curl 'it'"'"'s'`, []string{"curl", "it's"}},
	} {
		got, err := shellWords(tt.in)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got)
	}
	x := curlExchange([]string{"-XPUT", "-H'X-Trace: 1'", "--data=a=1", "https://a.example/p?q=1"})
	require.NotNil(t, x)
	assert.Equal(t, "PUT", x.method)
	assert.Equal(t, "/p", x.url.Path)
	x = curlExchange([]string{"-G", "-d", "q=go", "https://a.example/search"})
	require.NotNil(t, x)
	assert.Equal(t, "GET", x.method)
	assert.Equal(t, "q=go", x.url.RawQuery)
}

// jsonAt reads a value of a description by keys (and parameter names in
// lists); nil when absent.
func jsonAt(t *testing.T, spec []byte, path ...string) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(spec, &v))
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			v = nil
			for _, e := range x {
				if m, ok := e.(map[string]any); ok && m["name"] == p {
					v = m
				}
			}
		default:
			return nil
		}
	}
	return v
}

// TestImportPostman checks what the Postman collection's description
// says: the base path of {{baseUrl}}, :name parameters, inherited auth,
// form bodies and saved responses.
func TestImportPostman(t *testing.T) {
	t.Parallel()
	r, _ := importFile(t, "library.postman_collection.json")
	spec := r.JSON()
	at := func(path ...string) any { return jsonAt(t, spec, path...) }
	assert.Equal(t, "Library API", at("info", "title"))
	assert.Equal(t, "https://library.example.org/api/v2", at("servers").([]any)[0].(map[string]any)["url"])
	assert.Equal(t, "uuid", at("paths", "/books/{bookId}", "get", "parameters", "bookId", "schema", "format"))
	assert.Equal(t, "Get a book", at("paths", "/books/{bookId}", "get", "summary"))
	assert.NotNil(t, at("paths", "/books/{bookId}", "get", "responses", "404"), "a saved error response")
	assert.Equal(t, []any{map[string]any{"bearerAuth": []any{}}}, at("paths", "/books", "get", "security"), "the collection's auth")
	assert.Equal(t, []any{map[string]any{"X-Library-Key": []any{}}}, at("paths", "/books/{bookId}/loans", "post", "security"), "the folder's auth")
	assert.Nil(t, at("paths", "/health", "get", "security"), "noauth")
	loan := []string{"paths", "/books/{bookId}/loans", "post", "requestBody", "content", "application/x-www-form-urlencoded"}
	assert.Equal(t, []any{"member_id", "due"}, at(append(loan, "schema", "required")...))
	assert.Equal(t, "1024", at(append(loan, "example", "member_id")...))
	cover := []string{"paths", "/books/{bookId}/cover", "put", "requestBody", "content", "multipart/form-data", "schema", "properties"}
	assert.Equal(t, "binary", at(append(cover, "cover", "format")...))
	assert.Nil(t, at("paths", "/books/{bookId}/cover", "put", "responses", "204", "content"))
	assert.Equal(t, "2.4.1", at("paths", "/books", "post", "parameters", "X-Client-Version", "example"))
}

// A query parameter sent several times is an array; tracing headers are
// not the API's parameters; a forced format is not detected.
func TestImportDetails(t *testing.T) {
	t.Parallel()
	calls := "curl 'https://a.example/items?tag=a&tag=b&limit=5' -H 'traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' -H 'X-Tenant: acme'\n"
	r, err := Import([]byte(calls), Options{})
	require.NoError(t, err)
	spec := r.JSON()
	assert.Equal(t, "array", jsonAt(t, spec, "paths", "/items", "get", "parameters", "tag", "schema", "type"))
	assert.Equal(t, "string", jsonAt(t, spec, "paths", "/items", "get", "parameters", "tag", "schema", "items", "type"))
	assert.Equal(t, "integer", jsonAt(t, spec, "paths", "/items", "get", "parameters", "limit", "schema", "type"))
	assert.Nil(t, jsonAt(t, spec, "paths", "/items", "get", "parameters", "traceparent"))
	assert.Equal(t, "acme", jsonAt(t, spec, "paths", "/items", "get", "parameters", "X-Tenant", "example"))
	doc, err := openapi.Parse(context.Background(), spec, openapi.Strict())
	require.NoError(t, err)
	h, err := mock.New(doc, mock.WithoutState())
	require.NoError(t, err)
	req := httptest.NewRequest("GET", "/items?tag=x&tag=y&limit=2", nil)
	req.Header.Set("X-Tenant", "acme")
	assert.Nil(t, h.Check(req))

	// A token in a path is a parameter without an example.
	r, err = Import([]byte("curl https://a.example/invitations/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl/accept -X POST\n"), Options{})
	require.NoError(t, err)
	assert.NotContains(t, string(r.YAML()), "eyJ")
	assert.NotNil(t, jsonAt(t, r.JSON(), "paths", "/invitations/{invitationId}/accept", "post"))

	_, err = Import([]byte(calls), Options{Format: HAR})
	assert.Error(t, err, "curl read as HAR")
	_, err = Import([]byte(calls), Options{Format: "xml"})
	assert.ErrorIs(t, err, ErrUnknownFormat)
}

// Several answers of one status are named examples: Postman's saved
// names, else recorded-N; identical answers are kept once.
func TestImportNamedExamples(t *testing.T) {
	t.Parallel()
	r, _ := importFile(t, "library.postman_collection.json")
	exs := jsonAt(t, r.JSON(), "paths", "/books/{bookId}", "get", "responses", "200", "content", "application/json", "examples")
	require.IsType(t, map[string]any{}, exs)
	assert.ElementsMatch(t, []string{"found", "another-book"}, slices.Collect(maps.Keys(exs.(map[string]any))))

	r, _ = importFile(t, "shop.har")
	exs = jsonAt(t, r.JSON(), "paths", "/v1/users/{userId}", "get", "responses", "200", "content", "application/json", "examples")
	require.IsType(t, map[string]any{}, exs)
	assert.ElementsMatch(t, []string{"recorded-1", "recorded-2"}, slices.Collect(maps.Keys(exs.(map[string]any))))
	assert.NotNil(t, jsonAt(t, r.JSON(), "paths", "/v1/users/{userId}", "get", "responses", "404", "content", "application/problem+json", "example"), "one answer: example")
}

// A HAR keeps a multipart body as its text: its fields are read.
func TestImportHARMultipart(t *testing.T) {
	t.Parallel()
	body := "--XyZ\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nFirst edition\r\n" +
		"--XyZ\r\nContent-Disposition: form-data; name=\"cover\"; filename=\"c.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n--XyZ--\r\n"
	b, err := json.Marshal(body)
	require.NoError(t, err)
	har := `{"log":{"entries":[{"request":{"method":"PUT","url":"https://a.example/books/7/cover",
	  "postData":{"mimeType":"multipart/form-data; boundary=XyZ","text":` + string(b) + `}},"response":{"status":204}}]}}`
	r, err := Import([]byte(har), Options{})
	require.NoError(t, err)
	props := []string{"paths", "/books/{bookId}/cover", "put", "requestBody", "content", "multipart/form-data", "schema", "properties"}
	assert.Equal(t, "string", jsonAt(t, r.JSON(), append(props, "caption", "type")...))
	assert.Equal(t, "binary", jsonAt(t, r.JSON(), append(props, "cover", "format")...))
	_, err = openapi.Parse(context.Background(), r.YAML(), openapi.Strict())
	require.NoError(t, err)
}
