package proxy_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/mock/proxy"
	"github.com/mockapi-go/mockapi/openapi"
)

// secrets are the values the recording tests send or receive that must
// never be written down.
var secrets = []string{"k-secret", "b-secret", "c-secret", "q-secret", "pw-secret", "tok-secret", "srv-secret"}

// record drives traffic through a recording proxy and returns the
// recorder.
func record(t *testing.T, o proxy.RecordOptions) (*proxy.Recorder, *upstream) {
	t.Helper()
	up := newUpstream(t)
	rec := proxy.NewRecorder(o)
	po := allowed
	po.Recorder = rec
	po.FallbackOn = []string{"404"}
	h, _ := newMock(t, up.URL, po)
	for _, c := range []struct{ method, target, body string }{
		{"GET", "/pets?token=q-secret", ""},
		{"GET", "/pets?limit=3", ""}, // the same shape: no second example
		{"GET", "/pets/3", ""},
		{"GET", "/pets/4", ""},   // the same shape again
		{"GET", "/pets/404", ""}, // a fallback: the mock's data is not recorded
		{"POST", "/pets", `{"name":"Kit","password":"pw-secret"}`},
		{"GET", "/owners", ""}, // drift: kept apart
		{"GET", "/me", ""},     // a secret member and a cookie
		{"GET", "/me/pin", ""}, // a secret member whose scrubbing breaks the schema
	} {
		w, _ := do(h, c.method, c.target, c.body, "X-API-Key", "k-secret", "Authorization", "Bearer b-secret", "Cookie", "sid=c-secret")
		require.Less(t, w.Code, 300, "%s %s: %s", c.method, c.target, w.Body.String())
	}
	return rec, up
}

func TestRecorderKeepsDistinctScrubbedExamples(t *testing.T) {
	t.Parallel()
	rec, _ := record(t, proxy.RecordOptions{Clock: FallbackClock()})
	overlay, err := rec.Overlay()
	require.NoError(t, err)
	for _, s := range secrets {
		assert.NotContains(t, string(overlay), s)
	}

	var ov struct {
		Overlay string `json:"overlay"`
		Actions []struct {
			Target string `json:"target"`
			Update struct {
				Examples map[string]struct {
					Value    json.RawMessage `json:"value"`
					Recorded bool            `json:"x-mockapi-recorded"`
				} `json:"examples"`
			} `json:"update"`
		} `json:"actions"`
		Rejected []proxy.Rejected `json:"x-mockapi-rejected"`
	}
	require.NoError(t, json.Unmarshal(overlay, &ov))
	assert.Equal(t, "1.0.0", ov.Overlay)
	got := map[string]int{}
	for _, a := range ov.Actions {
		got[a.Target] = len(a.Update.Examples)
		for _, e := range a.Update.Examples {
			assert.True(t, e.Recorded)
		}
	}
	assert.Equal(t, map[string]int{
		"$.paths['/pets'].get.responses['200'].content['application/json']":         1,
		"$.paths['/pets/{petId}'].get.responses['200'].content['application/json']": 1,
		"$.paths['/pets'].post.responses['201'].content['application/json']":        1,
		"$.paths['/me'].get.responses['200'].content['application/json']":           1,
	}, got, "one example per operation, status and shape; drift and fallbacks none")
	assert.Equal(t, 4, rec.Examples())

	require.Len(t, rec.Rejected(), 2)
	byOp := map[string]proxy.Rejected{}
	for _, r := range rec.Rejected() {
		byOp[r.Operation] = r
		assert.NotEmpty(t, r.Violations)
	}
	assert.Contains(t, string(byOp["listOwners"].Value), `"name":42`)
	assert.Contains(t, byOp["getPin"].Violations[0].Message, "after secrets were scrubbed")
	assert.JSONEq(t, `{"pin":"REDACTED"}`, string(byOp["getPin"].Value))
	assert.Len(t, ov.Rejected, 2, "written apart, under x-mockapi-rejected")
	for i, r := range rec.Rejected() {
		assert.Equal(t, r.Violations, ov.Rejected[i].Violations, "read back as written")
		assert.JSONEq(t, string(r.Value), string(ov.Rejected[i].Value))
	}
	assert.Contains(t, string(overlay), `"pointer": "/1/name"`)
	assert.Contains(t, string(overlay), `"apiToken": "REDACTED"`)
}

// FallbackClock is a fixed clock for reproducible recordings.
func FallbackClock() func() time.Time {
	at := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	return func() time.Time { return at }
}

func TestRecorderOperations(t *testing.T) {
	t.Parallel()
	rec, _ := record(t, proxy.RecordOptions{Operations: []string{"getPet", "GET /owners"}})
	assert.Equal(t, 1, rec.Examples(), "only getPet's answers are examples")
	require.Len(t, rec.Rejected(), 1)
	assert.Equal(t, "listOwners", rec.Rejected()[0].Operation)
	har, err := rec.HAR()
	require.NoError(t, err)
	var l struct {
		Log struct{ Entries []any } `json:"log"`
	}
	require.NoError(t, json.Unmarshal(har, &l))
	assert.Len(t, l.Log.Entries, 3, "getPet twice, listOwners once")
}

// The mock replays a recording applied to its description: recorded
// examples first, the author's by name, rejected answers never, and every
// answer valid.
func TestApplyReplaysRecording(t *testing.T) {
	t.Parallel()
	rec, _ := record(t, proxy.RecordOptions{})
	overlay, err := rec.Overlay()
	require.NoError(t, err)
	spec, warnings, err := proxy.Apply(loadDoc(t), overlay)
	require.NoError(t, err)
	assert.Empty(t, warnings)
	doc, err := openapi.Parse(t.Context(), spec)
	require.NoError(t, err)
	h, err := mock.New(doc, mock.WithoutState(), mock.WithSeed(1))
	require.NoError(t, err)
	assert.Empty(t, h.Warnings(), "every recorded example is valid")

	tests := []struct {
		name, target, prefer, op, want string
	}{
		{"a list replays", "/pets", "", "listPets", `[{"id":1,"name":"Real Rex"},{"id":2,"name":"Real Tom"}]`},
		{"recorded before the author's example", "/pets/9", "", "getPet", `{"id":3,"name":"Real Pet"}`},
		{"the author's example by name", "/pets/9", "example=example", "getPet", `{"id":1,"name":"Mock"}`},
		{"a recording by name", "/pets/9", "example=recorded-1", "getPet", `{"id":3,"name":"Real Pet"}`},
		{"scrubbed", "/me", "", "getMe", `{"id":1,"name":"Ann","apiToken":"REDACTED"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var header []string
			if tc.prefer != "" {
				header = []string{"Prefer", tc.prefer}
			}
			w, _ := do(h, "GET", tc.target, "", header...)
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			assert.JSONEq(t, tc.want, w.Body.String())
			assertValid(t, h, tc.op, w)
		})
	}
	w, _ := do(h, "GET", "/owners", "")
	require.Equal(t, http.StatusOK, w.Code)
	assert.NotContains(t, w.Body.String(), "42", "a rejected answer is never served")
	assertValid(t, h, "listOwners", w)
	assert.NotContains(t, string(spec), `"name":42`)

	// Only the operation's copy of a shared response changes.
	w, _ = do(h, "GET", "/pets/9", "", "Prefer", "code=404")
	assert.Equal(t, http.StatusNotFound, w.Code)
	assertValid(t, h, "getPet", w)
}

func TestApplyWarnsOfVanishedTargets(t *testing.T) {
	t.Parallel()
	overlay := []byte(`{"overlay":"1.0.0","info":{"title":"t","version":"1"},"actions":[
		{"target":"$.paths['/gone'].get.responses['200'].content['application/json']","update":{"examples":{"recorded-1":{"value":1}}}},
		{"target":"$.paths['/pets'].get.responses['200'].content['application/json']","update":{"examples":{"recorded-1":{"value":[]}}}}]}`)
	_, warnings, err := proxy.Apply(loadDoc(t), overlay)
	require.NoError(t, err)
	require.Len(t, warnings, 1)
	assert.Contains(t, warnings[0].Message, "/gone")

	_, _, err = proxy.Apply(loadDoc(t), []byte(`{"actions":[{"target":"$.info"}]}`))
	assert.ErrorContains(t, err, "$.info")
}

func TestRecorderHARIsScrubbed(t *testing.T) {
	t.Parallel()
	rec, up := record(t, proxy.RecordOptions{})
	har, err := rec.HAR()
	require.NoError(t, err)
	for _, s := range secrets {
		assert.NotContains(t, string(har), s)
	}
	var l struct {
		Log struct {
			Version string
			Entries []struct {
				Request struct {
					Method, URL string
					Headers     []struct{ Name, Value string }
					QueryString []struct{ Name, Value string }
					PostData    *struct{ MimeType, Text string }
				}
				Response struct {
					Status  int
					Cookies []struct{ Name, Value string }
					Content struct {
						MimeType, Text string
					}
				}
			}
		}
	}
	require.NoError(t, json.Unmarshal(har, &l))
	assert.Equal(t, "1.2", l.Log.Version)
	require.Len(t, l.Log.Entries, 8, "every forwarded exchange, the fallback excepted")
	first := l.Log.Entries[0]
	assert.Equal(t, "GET", first.Request.Method)
	assert.Equal(t, up.URL+"/pets?token=REDACTED", first.Request.URL)
	assert.Equal(t, []struct{ Name, Value string }{{"token", "REDACTED"}}, first.Request.QueryString)
	assert.Contains(t, first.Request.Headers, struct{ Name, Value string }{"Authorization", "REDACTED"})
	assert.Contains(t, first.Request.Headers, struct{ Name, Value string }{"X-Api-Key", "REDACTED"})
	assert.Contains(t, first.Response.Content.Text, "Real Rex")

	post := l.Log.Entries[4]
	require.NotNil(t, post.Request.PostData)
	assert.JSONEq(t, `{"name":"Kit","password":"REDACTED"}`, post.Request.PostData.Text)
	me := l.Log.Entries[6]
	assert.Equal(t, []struct{ Name, Value string }{{"sid", "REDACTED"}}, me.Response.Cookies)

	dir := t.TempDir()
	require.NoError(t, rec.WriteHAR(filepath.Join(dir, "rec.har")))
	b, err := os.ReadFile(filepath.Join(dir, "rec.har"))
	require.NoError(t, err)
	assert.JSONEq(t, string(har), string(b))
}

// A recording saved and loaded continues: what it holds is not recorded
// twice.
func TestRecorderLoadContinues(t *testing.T) {
	t.Parallel()
	rec, _ := record(t, proxy.RecordOptions{Clock: FallbackClock()})
	path := filepath.Join(t.TempDir(), "rec.json")
	require.NoError(t, rec.WriteFile(path))
	saved, err := os.ReadFile(path)
	require.NoError(t, err)

	again := proxy.NewRecorder(proxy.RecordOptions{Clock: FallbackClock()})
	require.NoError(t, again.Load(saved))
	assert.Equal(t, rec.Examples(), again.Examples())
	up := newUpstream(t)
	po := allowed
	po.Recorder = again
	h, _ := newMock(t, up.URL, po)
	for _, target := range []string{"/pets", "/pets/8", "/owners"} {
		w, _ := do(h, "GET", target, "")
		require.Equal(t, http.StatusOK, w.Code)
	}
	assert.Equal(t, rec.Examples(), again.Examples(), "nothing new")
	assert.Len(t, again.Rejected(), len(rec.Rejected()), "not rejected twice")
	out, err := again.Overlay()
	require.NoError(t, err)
	assert.JSONEq(t, string(saved), string(out), "the same recording")

	assert.Error(t, again.Load([]byte("not json")))
	assert.True(t, strings.Contains(string(out), "x-mockapi-operation"))
}

func TestSecret(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"password": true, "Authorization": true, "X-API-Key": true, "api_key": true, "client_secret": true,
		"access_token": true, "Set-Cookie": true, "sessionId": true, "pin": true, "key": true,
		"name": false, "author": false, "keyboard": false, "id": false, "monkey": false, "tokenizer_name": true,
	} {
		assert.Equal(t, want, proxy.Secret(name), name)
	}
}

// A recording applies to OpenAPI 3.1 and Swagger 2.0 descriptions too.
func TestApplyOtherVersions(t *testing.T) {
	t.Parallel()
	specs := map[string]string{
		"3.1": `openapi: 3.1.0
info: {title: T, version: "1"}
paths:
  /things:
    get:
      operationId: listThings
      responses:
        "200":
          description: things
          content:
            application/json:
              schema: {type: array, items: {type: [string, "null"]}}
`,
		"2.0": `swagger: "2.0"
info: {title: T, version: "1"}
produces: [application/json]
paths:
  /things:
    get:
      operationId: listThings
      responses:
        "200":
          description: things
          schema: {type: array, items: {type: string}}
`,
	}
	overlay := []byte(`{"overlay":"1.0.0","info":{"title":"t","version":"1"},"actions":[
		{"target":"$.paths['/things'].get.responses['200'].content['application/json']",
		 "update":{"examples":{"recorded-1":{"value":["real"],"x-mockapi-recorded":true}}}}]}`)
	for version, spec := range specs {
		t.Run(version, func(t *testing.T) {
			doc, err := openapi.Parse(t.Context(), []byte(spec))
			require.NoError(t, err)
			out, warnings, err := proxy.Apply(doc, overlay)
			require.NoError(t, err)
			require.Empty(t, warnings)
			replayed, err := openapi.Parse(t.Context(), out)
			require.NoError(t, err)
			h, err := mock.New(replayed)
			require.NoError(t, err)
			w, _ := do(h, "GET", "/things", "")
			require.Equal(t, http.StatusOK, w.Code)
			assert.JSONEq(t, `["real"]`, w.Body.String())
			assertValid(t, h, "listThings", w)
		})
	}
}
