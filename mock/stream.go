package mock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v6"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mockapi-go/mockapi/openapi"
)

// Streams. A response whose media type is a stream of items
// (text/event-stream, application/x-ndjson, application/jsonl,
// application/json-seq) and that has no example to serve is answered as a
// stream: a number of generated items, each flushed as it is written, a
// set interval apart, ending early when the client goes away. Each item is
// a value of the item schema: the array's items when the media type's
// schema is an array, else the schema itself. Event-stream items that are
// objects with a "data" member are sent as events (their event, id and
// retry members become those fields); other values go out as one data
// field. `Prefer: stream-count=N, stream-interval=D` (or WithStream) sets
// how many items and how far apart.

// streamKind tells how a media type streams its items.
type streamKind uint8

const (
	streamNone streamKind = iota
	streamSSE
	streamLines // one JSON text per line
	streamSeq   // RFC 7464: RS before each JSON text, LF after
)

func streamKindOf(contentType string) streamKind {
	t := strings.ToLower(contentType)
	if i := strings.IndexByte(t, ';'); i >= 0 {
		t = strings.TrimSpace(t[:i])
	}
	switch t {
	case "text/event-stream":
		return streamSSE
	case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines":
		return streamLines
	case "application/json-seq":
		return streamSeq
	}
	return streamNone
}

// Bounds of a stream, whatever a client asks.
const (
	defaultStreamCount    = 5
	defaultStreamInterval = 200 * time.Millisecond
	maxStreamCount        = 1000
	maxStreamDuration     = 30 * time.Second
)

// WithStream sets how many items a streamed response sends (default 5, at
// most 1000) and how far apart (default 200ms, at most the handler's
// maximum delay); a stream lasts at most 30 seconds. Prefer: stream-count=N, stream-interval=D overrides
// both per request, within the same bounds.
func WithStream(count int, interval time.Duration) Option {
	return func(c *config) { c.streamCount, c.streamInterval = count, interval }
}

// streamParams are the count and interval of one stream.
func (h *Handler) streamParams(ctl controls) (int, time.Duration) {
	n, every := h.cfg.streamCount, h.cfg.streamInterval
	if n <= 0 {
		n = defaultStreamCount
	}
	if every <= 0 {
		every = defaultStreamInterval
	}
	if ctl.streamCount > 0 {
		n = ctl.streamCount
	}
	if ctl.streamEvery > 0 {
		every = ctl.streamEvery
	}
	n = min(n, maxStreamCount)
	if h.cfg.maxDelay > 0 {
		every = min(every, h.cfg.maxDelay)
	}
	// The whole stream fits in maxStreamDuration (servers' write timeouts
	// leave at least that beyond the longest delay).
	n = min(n, 1+int(maxStreamDuration/every))
	return n, every
}

// streams reports whether a response of mp is answered as a stream: a
// stream media type, no example asked for by name, and no example to serve
// (or generated data asked for).
func (h *Handler) streams(mp *mediaPlan, ctl controls) bool {
	if streamKindOf(mp.contentType) == streamNone || ctl.example != "" {
		return false
	}
	return h.dynamicFor(ctl) || mp.fallback == nil || mp.fallback.encoded == nil
}

// dynamicFor reports whether the answer is generated even where an example
// exists: WithDynamic, or Prefer: dynamic=true, which dynamic=false undoes.
func (h *Handler) dynamicFor(ctl controls) bool {
	if ctl.dynamic != 0 {
		return ctl.dynamic > 0
	}
	return h.cfg.dynamic
}

// itemSchema is the schema of one item of a streamed media type.
func itemSchema(s *openapi3.Schema) *openapi3.Schema {
	if s != nil && s.Type != nil && s.Type.Is(openapi3.TypeArray) && s.Items != nil && s.Items.Value != nil {
		return s.Items.Value
	}
	return s
}

// stream writes the status and then the items, one at a time.
func (h *Handler) stream(w http.ResponseWriter, r *http.Request, mp *mediaPlan, status int, ctl controls, dynamic bool, faker func() *gofakeit.Faker) {
	n, every := h.streamParams(ctl)
	item := itemSchema(mp.schema)
	gen := h.gen
	if dynamic {
		gen = h.genDynamic
	}
	hdr := w.Header()
	hdr["Content-Type"] = mp.ctHeader
	hdr.Set("Cache-Control", "no-cache")
	hdr.Del("Content-Length")
	w.WriteHeader(status)
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	t := time.NewTimer(0)
	defer t.Stop()
	<-t.C
	var buf bytes.Buffer
	for i := range n {
		if i > 0 {
			t.Reset(every)
			select {
			case <-r.Context().Done():
				return
			case <-t.C:
			}
		}
		var v any
		if item != nil {
			v, _ = gen.Value(faker(), item, "")
		} else {
			v = faker().Sentence(6)
		}
		buf.Reset()
		if err := encodeItem(&buf, mp, v, i); err != nil {
			return
		}
		if _, err := w.Write(buf.Bytes()); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

// encodeItem appends one item in the stream's framing.
func encodeItem(buf *bytes.Buffer, mp *mediaPlan, v any, i int) error {
	switch streamKindOf(mp.contentType) {
	case streamSSE:
		return encodeEvent(buf, v, i)
	case streamSeq:
		buf.WriteByte(0x1e)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	buf.Write(b)
	buf.WriteByte('\n')
	return nil
}

// encodeEvent writes one server-sent event. An object with a data member
// is an event already (event, id, retry and data fields); anything else is
// its data, with the item's index as its id.
func encodeEvent(buf *bytes.Buffer, v any, i int) error {
	if m, ok := v.(map[string]any); ok {
		if data, has := m["data"]; has {
			for _, field := range []string{"event", "id", "retry"} {
				if fv, ok := m[field]; ok && fv != nil {
					fmt.Fprintf(buf, "%s: %s\n", field, oneLine(scalarString(fv)))
				}
			}
			writeData(buf, data)
			buf.WriteByte('\n')
			return nil
		}
	}
	fmt.Fprintf(buf, "id: %d\n", i+1)
	writeData(buf, v)
	buf.WriteByte('\n')
	return nil
}

// writeData writes a data field per line of the value: a string as it is,
// anything else as JSON.
func writeData(buf *bytes.Buffer, v any) {
	s, ok := v.(string)
	if !ok {
		b, _ := json.Marshal(v)
		s = string(b)
	}
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		buf.WriteString("data: ")
		buf.WriteString(strings.ReplaceAll(line, "\r", ""))
		buf.WriteByte('\n')
	}
}

func oneLine(s string) string { return strings.NewReplacer("\r", "", "\n", " ").Replace(s) }

// Stream answers r with items as a stream: framed as the streaming media
// type (text/event-stream, application/x-ndjson or JSON lines,
// application/json-seq) that op declares for status, interval apart, each
// flushed as it is written, ending early when the client goes away. An
// event-stream item with a data member is an event (event, id, retry and
// data fields); any other item is an event's data. It is for Go code that
// answers a stream itself: an Override (WithOperation), or a stub of
// mock/mocktest.
//
// Every item is checked against the item schema (the array's items when
// the media type's schema is an array) before anything is written: when
// status declares no streaming media type, or an item breaks the schema,
// nothing is written and the error says which item and where.
func (h *Handler) Stream(w http.ResponseWriter, r *http.Request, op *openapi.Operation, status int, interval time.Duration, items ...any) error {
	p := h.plan(op)
	if p == nil {
		return fmt.Errorf("mock: Stream: the operation is not one of this handler's document")
	}
	sp := p.declaredFor(status)
	var mp *mediaPlan
	if sp != nil {
		for _, m := range sp.media {
			if streamKindOf(m.contentType) != streamNone {
				mp = m
				break
			}
		}
	}
	if mp == nil {
		return fmt.Errorf("mock: Stream: %s declares no streaming media type for status %d", op.ID, status)
	}
	item := itemSchema(mp.schema)
	frames := make([][]byte, len(items))
	for i, v := range items {
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("mock: Stream: item %d: %w", i, err)
		}
		var back any
		if err := json.Unmarshal(b, &back); err != nil {
			return fmt.Errorf("mock: Stream: item %d: %w", i, err)
		}
		if item != nil {
			if err := h.checks.validate(item, back); err != nil {
				return fmt.Errorf("mock: Stream: item %d breaks the item schema: %w", i, err)
			}
		}
		var buf bytes.Buffer
		if err := encodeItem(&buf, mp, back, i); err != nil {
			return fmt.Errorf("mock: Stream: item %d: %w", i, err)
		}
		frames[i] = buf.Bytes()
	}
	hdr := w.Header()
	hdr["Content-Type"] = mp.ctHeader
	hdr.Set("Cache-Control", "no-cache")
	hdr.Del("Content-Length")
	w.WriteHeader(status)
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	for i, frame := range frames {
		if i > 0 && !sleep(r.Context(), interval) {
			return nil
		}
		if _, err := w.Write(frame); err != nil {
			return nil
		}
		if err := rc.Flush(); err != nil {
			return nil
		}
	}
	return nil
}
