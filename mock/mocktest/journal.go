package mocktest

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/mockapi-go/mockapi/mock"
)

// Call is one request the server received, in the journal.
type Call struct {
	// Operation is the operationId the request was routed to; "" when it
	// matched no operation of the spec.
	Operation string
	// Method and Path are as sent (Path decoded).
	Method string
	Path   string
	// PathParams are the decoded path parameters; Query the decoded query.
	PathParams map[string]string
	Query      url.Values
	Header     http.Header
	// Body is the request body (its first MiB).
	Body []byte
	// Status is the status answered; 0 when the client went away (or the
	// test ended) during a stub's Delay.
	Status int
	// Stubbed is true when a stub's reply answered, false when the spec did.
	Stubbed bool
	// Stub names the stub that matched ("getPet (client_test.go:42)"), also
	// one without replies that only delayed the spec's answer.
	Stub string
	// Canceled is true when the client went away during a stub's Delay.
	Canceled bool
	// Violations are how the request broke the spec (route, parameters,
	// content type, body, credentials); nil when it kept it.
	Violations []mock.Violation
	// ResponseViolations are how the answer of a ReplyFunc stub, or of a
	// mock.WithOperation override, broke the spec.
	ResponseViolations []mock.Violation
}

// String is "GET /pets/1 -> getPet -> 200 (stub)".
func (c Call) String() string {
	target := c.Path
	if len(c.Query) > 0 {
		target += "?" + c.Query.Encode()
	}
	op := c.Operation
	if op == "" {
		op = "no operation"
	}
	by := "spec"
	if c.Stubbed {
		by = "stub"
	}
	status := fmt.Sprint(c.Status)
	if c.Canceled {
		status = "canceled"
	}
	return fmt.Sprintf("%s %s -> %s -> %s (%s)", c.Method, target, op, status, by)
}

// Calls returns the requests routed to operation (an operationId or
// "METHOD /path/template"), oldest first.
func (s *Server) Calls(operation string) []Call {
	id := operation
	if op := s.operation(operation); op != nil {
		id = op.ID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if c.Operation == id && id != "" {
			out = append(out, c)
		}
	}
	return out
}

// Journal returns every request received, oldest first, including those
// that matched no operation.
func (s *Server) Journal() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// TestingT is what the assertions need of a test: *testing.T, *testing.B
// and testing.TB satisfy it.
type TestingT interface {
	Errorf(format string, args ...any)
}

type helper interface{ Helper() }

// AssertCalled checks that operation (an operationId or "METHOD
// /path/template") was called exactly times times; times < 0 means at least
// once. On failure it lists the calls made to it, or, when there are none,
// every call made instead. It returns whether the check held.
func (s *Server) AssertCalled(t TestingT, operation string, times int) bool {
	if h, ok := t.(helper); ok {
		h.Helper()
	}
	if s.operation(operation) == nil {
		t.Errorf("mocktest: AssertCalled(%q): %s", operation, s.noSuchOperation(operation))
		return false
	}
	got := s.Calls(operation)
	if (times < 0 && len(got) > 0) || len(got) == times {
		return true
	}
	want := fmt.Sprintf("%d %s", times, plural(times, "time", "times"))
	if times < 0 {
		want = "at least once"
	}
	t.Errorf("mocktest: %s was called %d %s, want %s\n%s", operation, len(got), plural(len(got), "time", "times"), want, s.listing(got))
	return false
}

// AssertNotCalled checks that operation was never called; on failure it
// lists the calls made to it. It returns whether the check held.
func (s *Server) AssertNotCalled(t TestingT, operation string) bool {
	if h, ok := t.(helper); ok {
		h.Helper()
	}
	if s.operation(operation) == nil {
		t.Errorf("mocktest: AssertNotCalled(%q): %s", operation, s.noSuchOperation(operation))
		return false
	}
	got := s.Calls(operation)
	if len(got) == 0 {
		return true
	}
	t.Errorf("mocktest: %s was called %d %s, want none\n%s", operation, len(got), plural(len(got), "time", "times"), s.listing(got))
	return false
}

// listing shows the calls to the operation, or all calls when there are
// none, testify style.
func (s *Server) listing(got []Call) string {
	title := "calls to it:"
	if len(got) == 0 {
		got = s.Journal()
		title = "calls made instead:"
		if len(got) == 0 {
			return "\tno requests reached the server"
		}
	}
	var b strings.Builder
	b.WriteString("\t")
	b.WriteString(title)
	for i, c := range got {
		fmt.Fprintf(&b, "\n\t\t%d. %s", i+1, c)
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
