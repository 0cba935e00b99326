package mock

import (
	"fmt"
	"math/rand"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/openapi"
)

// Faults. A client asks for one with Prefer: fault=KIND, after its request
// was validated:
//
//   - reset: the connection is closed with no answer.
//   - timeout: no answer until the client gives up (at most the handler's
//     maximum delay), then the connection is closed.
//   - truncate: the answer's headers and half its body, then the
//     connection is closed: the client reads an unexpected end.
//   - a status (500, 503, ...): the operation's declared response for it,
//     as Prefer: code=... gives. A status the operation does not declare is
//     refused with 404 naming those it declares, unless the request also
//     says Prefer: fault-off-contract=true: then a problem document with
//     that status is sent.
//
// WithChaos injects the same faults at random, at a rate, deterministic
// under WithSeed.

// Fault kinds that are not statuses.
const (
	faultReset    = "reset"
	faultTimeout  = "timeout"
	faultTruncate = "truncate"
)

// Chaos injects faults into a share of the answers: each answered request
// fails with probability ErrorRate, with one of Statuses (only those the
// operation declares; an operation that declares none of them is never
// failed with a status) or, when Statuses is empty, a connection reset.
// Every answer is first delayed by a random duration in [LatencyMin,
// LatencyMax]. Operations restricts chaos to the operations named
// (operationId or "METHOD /path"); empty means all. Under WithSeed the
// sequence of faults is the same on every run.
type Chaos struct {
	ErrorRate              float64
	Statuses               []int
	LatencyMin, LatencyMax time.Duration
	Operations             []string
}

// WithChaos turns chaos on for the handler.
func WithChaos(c Chaos) Option { return func(cfg *config) { cfg.chaos = &c } }

// chaos is a Chaos resolved against the document.
type chaos struct {
	Chaos
	ops map[*openapi.Operation]bool // nil: every operation
	mu  sync.Mutex
	rng *rand.Rand
}

func newChaos(doc *openapi.Document, c *Chaos, seed int64, seeded bool) (*chaos, error) {
	if c == nil {
		return nil, nil
	}
	if c.ErrorRate < 0 || c.ErrorRate > 1 {
		return nil, fmt.Errorf("mock: WithChaos: ErrorRate %v is not between 0 and 1", c.ErrorRate)
	}
	if c.LatencyMin < 0 || c.LatencyMax < c.LatencyMin {
		return nil, fmt.Errorf("mock: WithChaos: latency %v-%v is not a range", c.LatencyMin, c.LatencyMax)
	}
	for _, s := range c.Statuses {
		if s < 100 || s > 599 {
			return nil, fmt.Errorf("mock: WithChaos: %d is not an HTTP status", s)
		}
	}
	if !seeded {
		seed = time.Now().UnixNano()
	}
	ch := &chaos{Chaos: *c, rng: rand.New(rand.NewSource(seed))}
	if len(c.Operations) > 0 {
		ch.ops = map[*openapi.Operation]bool{}
		for _, name := range c.Operations {
			op := doc.Lookup(name)
			if op == nil {
				return nil, fmt.Errorf("mock: WithChaos: the document has no operation %q", name)
			}
			ch.ops[op] = true
		}
	}
	return ch, nil
}

// draw decides one request's fate: a delay, and a fault or "".
func (c *chaos) draw(op *openapi.Operation, p *opPlan) (time.Duration, string) {
	if c.ops != nil && !c.ops[op] {
		return 0, ""
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var d time.Duration
	if span := c.LatencyMax - c.LatencyMin; span > 0 {
		d = c.LatencyMin + time.Duration(c.rng.Int63n(int64(span)+1))
	} else {
		d = c.LatencyMin
	}
	if c.ErrorRate == 0 || c.rng.Float64() >= c.ErrorRate {
		return d, ""
	}
	if len(c.Statuses) == 0 {
		return d, faultReset
	}
	declared := make([]int, 0, len(c.Statuses))
	for _, s := range c.Statuses {
		if p.byCode[s] != nil || p.byRange[s/100] != nil {
			declared = append(declared, s)
		}
	}
	if len(declared) == 0 {
		return d, ""
	}
	return d, strconv.Itoa(declared[c.rng.Intn(len(declared))])
}

// fault carries out a fault; it reports false when the request is to be
// answered as usual (with ctl changed to ask for a status).
func (h *Handler) fault(w http.ResponseWriter, r *http.Request, p *opPlan, ctl *controls, kind string, offContract bool) bool {
	switch strings.ToLower(kind) {
	case faultReset:
		panic(http.ErrAbortHandler) // net/http closes the connection, unanswered
	case faultTimeout:
		t := time.NewTimer(h.cfg.maxDelay)
		defer t.Stop()
		select {
		case <-r.Context().Done():
		case <-t.C:
		}
		panic(http.ErrAbortHandler)
	case faultTruncate:
		cw := &captureWriter{header: http.Header{}}
		h.respond(cw, r, p, *ctl, nil)
		for k, v := range cw.header {
			w.Header()[k] = v
		}
		body := cw.body.Bytes()
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		status := cw.status
		if status == 0 {
			status = http.StatusOK
		}
		w.WriteHeader(status)
		_, _ = w.Write(body[:len(body)/2])
		_ = http.NewResponseController(w).Flush()
		panic(http.ErrAbortHandler)
	}
	status, err := strconv.Atoi(kind)
	if err != nil || status < 100 || status > 599 {
		pr := problem.New(http.StatusBadRequest, problem.CodeValidation,
			fmt.Sprintf("Prefer: fault=%q is not reset, timeout, truncate or an HTTP status", kind))
		problem.Write(w, pr)
		return true
	}
	declared := p.byCode[status] != nil || p.byRange[status/100] != nil || p.def != nil
	if !declared && offContract {
		problem.Write(w, problem.New(status, problem.CodeMockFailure,
			fmt.Sprintf("an injected fault: %d, which the operation does not declare", status)))
		return true
	}
	ctl.code, ctl.hasCode = status, true // declared: its response; else 404 naming the declared
	return false
}
