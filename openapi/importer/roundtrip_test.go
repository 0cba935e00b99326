package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/openapi"
)

// captures are the recorded traffic in testdata, modelled on what Chrome's
// "Save all as HAR", a Postman export and a team wiki hold.
var captures = []struct {
	file     string
	format   Format
	requests int // described
	skipped  int
	ops      int
}{
	{"shop.har", HAR, 13, 4, 9},
	{"library.postman_collection.json", Postman, 8, 0, 6},
	{"api.curl", Curl, 7, 0, 7},
}

func importFile(t *testing.T, file string) (*Result, capture) {
	t.Helper()
	data, err := os.ReadFile("testdata/" + file)
	require.NoError(t, err)
	r, err := Import(data, Options{})
	require.NoError(t, err)
	var c capture
	switch r.Format {
	case HAR:
		c, err = readHAR(data)
	case Postman:
		c, err = readPostman(data)
	case Curl:
		c, err = readCurl(data)
	}
	require.NoError(t, err)
	return r, c
}

// TestImportLoadsStrictly: every capture becomes a description that loads
// with openapi.Parse without a warning, even under Strict, in YAML and in
// JSON, and that the mock compiles without a warning.
func TestImportLoadsStrictly(t *testing.T) {
	t.Parallel()
	for _, tc := range captures {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			r, _ := importFile(t, tc.file)
			assert.Equal(t, tc.format, r.Format)
			assert.Equal(t, tc.requests, r.Requests, "requests described")
			assert.Equal(t, tc.skipped, r.Skipped, "requests skipped")
			assert.Equal(t, tc.ops, r.Operations, "operations")
			for name, spec := range map[string][]byte{"yaml": r.YAML(), "json": r.JSON()} {
				doc, err := openapi.Parse(context.Background(), spec, openapi.Strict())
				require.NoError(t, err, name)
				assert.Empty(t, doc.Warnings(), name)
				assert.Len(t, doc.Operations(), tc.ops, name)
				h, err := mock.New(doc)
				require.NoError(t, err, name)
				assert.Empty(t, h.Warnings(), name)
			}
		})
	}
}

// TestImportRoundTrip imports each capture, serves it with the mock and
// replays every recorded request: the mock routes and accepts each one,
// answers the recorded status with the recorded media type, and every
// answer holds to the derived description (the mock's self-check refuses
// a lying answer with 500, and CheckResponse checks it again here). Each
// recorded JSON answer is one of the description's examples: asked for by
// name (Prefer: example=...), the stateless mock answers it, redacted.
func TestImportRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range captures {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			r, c := importFile(t, tc.file)
			spec := r.JSON()
			doc, err := openapi.Parse(context.Background(), spec)
			require.NoError(t, err)
			h, err := mock.New(doc, mock.WithoutState(), mock.WithSelfCheck(), mock.WithSeed(1))
			require.NoError(t, err)
			replayed := 0
			for i, x := range c.exchanges {
				name := fmt.Sprintf("#%d %s %s", i, x.method, x.url.Path)
				req := replay(t, x)
				m, err := doc.Match(req)
				require.NoError(t, err, name)
				require.Nil(t, h.Check(req), name+": the mock refuses the recorded request")
				want := x.status
				if want == 0 {
					want = http.StatusOK // nothing recorded: the description says 200
				}
				var wantBody []byte
				if v, ok := decodeJSON(x.respBody); ok && isJSON(mediaType(x.respType)) {
					wantBody, _ = json.Marshal(redact(v, 0))
					media := jsonAt(t, spec, "paths", m.Operation.Key, strings.ToLower(x.method), "responses", strconv.Itoa(want), "content", mediaType(x.respType))
					require.NotNil(t, media, name)
					if exs, ok := media.(map[string]any)["examples"].(map[string]any); ok {
						found := ""
						for n, e := range exs {
							if b, _ := json.Marshal(e.(map[string]any)["value"]); string(b) == string(wantBody) {
								found = n
							}
						}
						require.NotEmpty(t, found, name+": the recorded answer is an example")
						req.Header.Add("Prefer", "example="+found)
					}
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				require.Equal(t, want, rec.Code, name+": "+rec.Body.String())
				got := rec.Body.Bytes()
				assert.Empty(t, h.CheckResponse(m.Operation, rec.Code, rec.Header().Get("Content-Type"), got), name)
				if len(x.respBody) == 0 || x.method == "HEAD" || want == http.StatusNoContent {
					continue
				}
				assert.Equal(t, mediaType(x.respType), mediaType(rec.Header().Get("Content-Type")), name)
				if wantBody != nil {
					assert.JSONEq(t, string(wantBody), string(got), name+": the recorded answer, redacted")
					replayed++
				}
			}
			if tc.format != Curl { // curl records no answer
				assert.Positive(t, replayed, "recorded answers replayed")
			}
		})
	}
}

// TestImportRoundTripStateful replays the captures, without asking for a
// status, against the default, stateful mock, which keeps what the
// collections hold (seeded from the examples): it answers the recorded
// status by itself (an unknown id 404, a delete 204), but for a rule of
// the recorded API that no description states, and whatever it answers
// holds to the description.
func TestImportRoundTripStateful(t *testing.T) {
	t.Parallel()
	// Recorded answers that come from the real API's business rules.
	rules := map[string]bool{
		"shop.har POST /v1/users 422": true, // the e-mail is taken
	}
	for _, tc := range captures {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			r, c := importFile(t, tc.file)
			doc, err := openapi.Parse(context.Background(), r.YAML())
			require.NoError(t, err)
			h, err := mock.New(doc, mock.WithSelfCheck(), mock.WithSeed(1))
			require.NoError(t, err)
			for i, x := range c.exchanges {
				name := fmt.Sprintf("#%d %s %s", i, x.method, x.url.Path)
				req := replay(t, x)
				req.Header.Del("Prefer")
				m, err := doc.Match(req)
				require.NoError(t, err, name)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				want := x.status
				if want == 0 {
					want = http.StatusOK
				}
				if rule := tc.file + " " + x.method + " " + x.url.Path + " " + strconv.Itoa(want); rules[rule] {
					assert.NotEqual(t, want, rec.Code, "%s: the mock now knows the rule: drop it from the list", rule)
				} else {
					assert.Equal(t, want, rec.Code, name+": "+rec.Body.String())
				}
				assert.Empty(t, h.CheckResponse(m.Operation, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes()), name)
			}
		})
	}
}

// replay rebuilds a recorded request, asking the mock for the recorded
// status (Prefer: code=N): a mock answers the lowest 2xx unless asked.
func replay(t *testing.T, x *exchange) *http.Request {
	t.Helper()
	body := x.reqBody
	ct := x.reqType
	if len(x.form) > 0 {
		switch mediaType(x.reqType) {
		case "multipart/form-data":
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			for _, kv := range x.form {
				if kv[1] == fileField {
					w, err := mw.CreateFormFile(kv[0], "upload.bin")
					require.NoError(t, err)
					_, _ = io.WriteString(w, "a,b\n1,2\n")
					continue
				}
				require.NoError(t, mw.WriteField(kv[0], kv[1]))
			}
			require.NoError(t, mw.Close())
			body, ct = b.Bytes(), mw.FormDataContentType()
		default:
			v := url.Values{}
			for _, kv := range x.form {
				v.Add(kv[0], kv[1])
			}
			body = []byte(v.Encode())
		}
	}
	// Postman's :name placeholders are sent with their values.
	segs := strings.Split(x.url.EscapedPath(), "/")
	for i, seg := range segs {
		if v, ok := x.pathVars[strings.TrimPrefix(seg, ":")]; ok && strings.HasPrefix(seg, ":") {
			segs[i] = url.PathEscape(v)
		}
	}
	target := strings.Join(segs, "/")
	if x.url.RawQuery != "" {
		target += "?" + x.url.RawQuery
	}
	req := httptest.NewRequest(x.method, target, bytes.NewReader(body))
	for _, kv := range x.header {
		if !strings.EqualFold(kv[0], "Content-Type") && !strings.EqualFold(kv[0], "Content-Length") {
			req.Header.Add(kv[0], kv[1])
		}
	}
	if len(body) > 0 && ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if x.status != 0 {
		req.Header.Set("Prefer", "code="+strconv.Itoa(x.status))
	}
	return req
}
