package mock_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/openapi"
)

const streamSpec = `openapi: 3.0.3
info: {title: Streams, version: "1"}
paths:
  /events:
    get:
      responses:
        "200":
          description: server-sent events
          content:
            text/event-stream:
              schema:
                type: object
                required: [event, data]
                properties:
                  event: {type: string, enum: [token, done]}
                  id: {type: string}
                  data: {$ref: "#/components/schemas/Token"}
  /ticks:
    get:
      responses:
        "200":
          description: plain values as events
          content:
            text/event-stream:
              schema: {type: integer, minimum: 1, maximum: 9}
  /lines:
    get:
      responses:
        "200":
          description: JSON lines
          content:
            application/x-ndjson:
              schema: {type: array, items: {$ref: "#/components/schemas/Token"}}
  /seq:
    get:
      responses:
        "200":
          description: JSON text sequence
          content:
            application/json-seq:
              schema: {$ref: "#/components/schemas/Token"}
  /example:
    get:
      responses:
        "200":
          description: a recorded stream
          content:
            text/event-stream:
              schema: {type: string}
              example: "data: hello\n\n"
components:
  schemas:
    Token:
      type: object
      required: [index, text]
      additionalProperties: false
      properties:
        index: {type: integer, minimum: 0}
        text: {type: string, minLength: 1}
`

func streamHandler(t *testing.T, opts ...mock.Option) http.Handler {
	t.Helper()
	doc, err := openapi.Parse(context.Background(), []byte(streamSpec))
	require.NoError(t, err)
	h, err := mock.New(doc, append([]mock.Option{mock.WithSeed(1), mock.WithStream(3, time.Millisecond)}, opts...)...)
	require.NoError(t, err)
	return h
}

// token checks one item against the Token schema.
func token(t *testing.T, raw string) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	var tok struct {
		Index *int    `json:"index"`
		Text  *string `json:"text"`
	}
	require.NoError(t, dec.Decode(&tok), "item %q", raw)
	require.NotNil(t, tok.Index, "index is required: %q", raw)
	require.NotNil(t, tok.Text, "text is required: %q", raw)
	assert.GreaterOrEqual(t, *tok.Index, 0)
	assert.NotEmpty(t, *tok.Text)
}

// events splits an event stream into its events' fields.
func events(t *testing.T, body string) []map[string]string {
	t.Helper()
	var out []map[string]string
	for _, block := range strings.Split(strings.TrimSuffix(body, "\n\n"), "\n\n") {
		ev := map[string]string{}
		for _, line := range strings.Split(block, "\n") {
			k, v, ok := strings.Cut(line, ": ")
			require.True(t, ok, "field line %q", line)
			ev[k] += v
		}
		out = append(out, ev)
	}
	return out
}

func TestStreams(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, path, prefer, ctype string
		items                     int
		check                     func(t *testing.T, body string) int // returns the item count
	}{
		{name: "events from an event schema", path: "/events", ctype: "text/event-stream", items: 3,
			check: func(t *testing.T, body string) int {
				evs := events(t, body)
				for _, ev := range evs {
					assert.Contains(t, []string{"token", "done"}, ev["event"])
					token(t, ev["data"])
				}
				return len(evs)
			}},
		{name: "plain values as data", path: "/ticks", ctype: "text/event-stream", items: 3,
			check: func(t *testing.T, body string) int {
				evs := events(t, body)
				for i, ev := range evs {
					assert.Equal(t, string(rune('1'+i)), ev["id"], "ids count the events")
					assert.Regexp(t, `^[1-9]$`, ev["data"])
				}
				return len(evs)
			}},
		{name: "JSON lines of the array's items", path: "/lines", ctype: "application/x-ndjson", items: 3,
			check: func(t *testing.T, body string) int {
				n := 0
				sc := bufio.NewScanner(strings.NewReader(body))
				for sc.Scan() {
					token(t, sc.Text())
					n++
				}
				return n
			}},
		{name: "JSON text sequence", path: "/seq", ctype: "application/json-seq", items: 3,
			check: func(t *testing.T, body string) int {
				parts := strings.Split(body, "\x1e")
				assert.Empty(t, parts[0], "every text starts with RS")
				for _, p := range parts[1:] {
					require.True(t, strings.HasSuffix(p, "\n"))
					token(t, p)
				}
				return len(parts) - 1
			}},
		{name: "Prefer sets the count", path: "/lines", prefer: "stream-count=7, stream-interval=0s", ctype: "application/x-ndjson", items: 7,
			check: func(t *testing.T, body string) int { return strings.Count(body, "\n") }},
		{name: "an example is served as written", path: "/example", ctype: "text/event-stream", items: 1,
			check: func(t *testing.T, body string) int {
				assert.Equal(t, "data: hello\n\n", body)
				return 1
			}},
		{name: "dynamic streams even with an example", path: "/example", prefer: "dynamic=true", ctype: "text/event-stream", items: 3,
			check: func(t *testing.T, body string) int { return len(events(t, body)) }},
	}
	h := streamHandler(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", tc.path, nil)
			if tc.prefer != "" {
				req.Header.Set("Prefer", tc.prefer)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			assert.Equal(t, tc.ctype, rec.Header().Get("Content-Type"))
			assert.Equal(t, tc.items, tc.check(t, rec.Body.String()), "items sent")
		})
	}
}

// A stream is flushed item by item and ends when the client goes away.
func TestStreamEndsWithTheClient(t *testing.T) {
	t.Parallel()
	h := streamHandler(t, mock.WithStream(1000, time.Hour), mock.WithMaxDelay(time.Hour))
	srv := httptest.NewServer(h)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", srv.URL+"/lines", nil)
	require.NoError(t, err)
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	line, err := bufio.NewReader(resp.Body).ReadBytes('\n')
	require.NoError(t, err, "the first item arrives before the stream ends")
	token(t, string(bytes.TrimSpace(line)))
	cancel()
	// The handler returns once the client is gone: the server closes with
	// no request in flight (Close would block on a stuck handler).
	srv.Close()
}
