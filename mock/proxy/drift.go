package proxy

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/mockapi-go/mockapi/mock"
)

// Drift is one way the upstream disagreed with the description, and how
// often: the same operation, status, place and message are counted once.
type Drift struct {
	Operation string
	Status    int
	// In is where: "status", "header" (Content-Type) or "body".
	In string
	// Pointer is the JSON pointer into the body, when In is "body".
	Pointer string
	// Schema is where in the description the rule is written.
	Schema  string
	Message string
	Count   int64
	Last    time.Time
}

// maxDrifts bounds the distinct drifts a Proxy remembers; past it, new
// kinds are only counted in Stats.
const maxDrifts = 1000

type driftKey struct {
	op      string
	status  int
	in      string
	pointer string
	message string
}

type driftTable struct {
	mu sync.Mutex
	m  map[driftKey]*Drift
}

func (t *driftTable) add(op string, status int, vs []mock.Violation, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m == nil {
		t.m = map[driftKey]*Drift{}
	}
	for _, v := range vs {
		k := driftKey{op, status, string(v.In), v.Pointer, v.Message}
		d := t.m[k]
		if d == nil {
			if len(t.m) >= maxDrifts {
				continue
			}
			d = &Drift{Operation: op, Status: status, In: string(v.In), Pointer: v.Pointer, Schema: v.Schema, Message: v.Message}
			t.m[k] = d
		}
		d.Count++
		d.Last = now
	}
}

// Drift returns every distinct disagreement seen so far, by operation,
// status, place and message.
func (p *Proxy) Drift() []Drift {
	p.drift.mu.Lock()
	out := make([]Drift, 0, len(p.drift.m))
	for _, d := range p.drift.m {
		out = append(out, *d)
	}
	p.drift.mu.Unlock()
	slices.SortFunc(out, func(a, b Drift) int {
		return cmp.Or(cmp.Compare(a.Operation, b.Operation), cmp.Compare(a.Status, b.Status),
			cmp.Compare(a.In, b.In), cmp.Compare(a.Pointer, b.Pointer), cmp.Compare(a.Message, b.Message))
	})
	return out
}
