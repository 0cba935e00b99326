package mock

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mockapi-go/mockapi/internal/oas"
	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/mock/rules"
	"github.com/mockapi-go/mockapi/openapi"
)

// Rules (package mock/rules) come from an operation's x-mock-rules
// extension and from WithRules, spec rules first. The first rule whose
// conditions hold answers; a request that asks for an answer itself
// (Prefer: code, example or dynamic) skips the rules. A spec rule that
// contradicts the spec (a status the operation does not declare, an
// example it lacks, a body its schema refuses) is reported in Warnings
// and never used; a WithRules rule that does makes New fail.

// WithRules adds rules to the operation named by its operationId or by
// "METHOD /path/template", tried in order after the spec's own
// x-mock-rules.
func WithRules(operation string, rs ...rules.Rule) Option {
	return func(c *config) {
		c.rules = append(c.rules, namedRules{operation, rs})
	}
}

type namedRules struct {
	name  string
	rules []rules.Rule
}

// loadRules reads and checks every operation's rules.
func (h *Handler) loadRules() error {
	for _, op := range h.doc.Operations() {
		ext, ok := op.Extension("x-mock-rules")
		if !ok {
			continue
		}
		at := "/paths/" + jsonPointerEscape(op.Key) + "/" + strings.ToLower(op.Method) + "/x-mock-rules"
		rs, err := rules.Parse(ext)
		if err != nil {
			h.warn(at, err.Error()+"; the operation's rules are not used")
			continue
		}
		for i, r := range rs {
			if err := h.checkRule(op, r); err != nil {
				h.warn(at+"/"+strconv.Itoa(i), "rule "+rules.Label(r, i)+": "+err.Error()+"; it is not used")
				continue
			}
			h.addRule(op, r)
		}
	}
	for _, nr := range h.cfg.rules {
		op := h.doc.Lookup(nr.name)
		if op == nil {
			return fmt.Errorf("mock: WithRules(%q): the document has no such operation", nr.name)
		}
		for i := range nr.rules {
			r := nr.rules[i] // a copy: the caller's value stays theirs
			if err := r.Compile(); err != nil {
				return fmt.Errorf("mock: WithRules(%q) rule %s: %w", nr.name, rules.Label(&r, i), err)
			}
			if err := h.checkRule(op, &r); err != nil {
				return fmt.Errorf("mock: WithRules(%q) rule %s: %w", nr.name, rules.Label(&r, i), err)
			}
			h.addRule(op, &r)
		}
	}
	return nil
}

func (h *Handler) addRule(op *openapi.Operation, r *rules.Rule) {
	if h.rules == nil {
		h.rules = map[*openapi.Operation][]*rules.Rule{}
	}
	h.rules[op] = append(h.rules[op], r)
}

// checkRule holds a rule's answer to the spec: its status declared, its
// example present, its body (when it has no template) valid.
func (h *Handler) checkRule(op *openapi.Operation, r *rules.Rule) error {
	p := h.plan(op)
	if p == nil {
		return fmt.Errorf("the operation cannot be compiled")
	}
	status := r.Status
	if status == 0 {
		if p.primary == nil {
			return fmt.Errorf("the operation declares no response")
		}
		status = statusOf(p.primary, http.StatusOK)
	}
	if p.declaredFor(status) == nil {
		return fmt.Errorf("status %d is not declared; the operation declares %s", status, p.declared)
	}
	if r.Example != "" {
		if _, _, err := h.Example(op, status, r.Example); err != nil {
			return err
		}
	}
	if r.HasBody() && !r.Templated() {
		b, err := r.RenderBody(&rules.Env{Request: &rules.Request{}})
		if err != nil {
			return err
		}
		ct := ruleContentType(p.declaredFor(status))
		if vs := h.CheckResponse(op, status, ct, b); len(vs) > 0 {
			return fmt.Errorf("the body breaks the spec: %s", vs[0])
		}
	}
	return nil
}

// ruleContentType is the media type a rule's inline body is sent as: the
// response's first JSON media type, else its first.
func ruleContentType(sp *statusPlan) string {
	for _, mp := range sp.media {
		if mp.kind == renderJSON {
			return mp.contentType
		}
	}
	if len(sp.media) > 0 {
		return sp.media[0].contentType
	}
	return "application/json"
}

// matchRule returns the first of rs whose conditions hold for r.
func (h *Handler) matchRule(r *http.Request, m openapi.Match, rs []*rules.Rule, body []byte) (*rules.Rule, *rules.Request) {
	req := h.ruleRequest(r, m, body)
	for _, rule := range rs {
		if rule.Matches(req) {
			return rule, req
		}
	}
	return nil, nil
}

// ruleRequest is what rules read of r.
func (h *Handler) ruleRequest(r *http.Request, m openapi.Match, body []byte) *rules.Request {
	req := &rules.Request{Path: map[string]any{}, Query: rules.QueryValues(r.URL.Query()), Header: r.Header, Cookies: map[string]string{}}
	types := paramTypes(h.plan(m.Operation))
	for k, v := range m.Params() {
		req.Path[k] = typed(v, types["path:"+k])
	}
	for k, v := range req.Query {
		if s, ok := v.(string); ok {
			req.Query[k] = typed(s, types["query:"+k])
		}
	}
	for _, c := range r.Cookies() {
		req.Cookies[c.Name] = c.Value
	}
	if len(body) > 0 && kindOf(r.Header.Get("Content-Type")) == renderJSON {
		var v any
		if json.Unmarshal(body, &v) == nil {
			req.Body, req.HasBody = v, true
		}
	}
	return req
}

// paramTypes maps "in:name" to each parameter's schema type.
func paramTypes(p *opPlan) map[string]string {
	out := map[string]string{}
	if p == nil || p.route == nil {
		return out
	}
	for _, ref := range oas.Parameters(p.route.PathItem, p.route.Operation) {
		if ref == nil || ref.Value == nil || ref.Value.Schema == nil || ref.Value.Schema.Value == nil {
			continue
		}
		s := ref.Value.Schema.Value
		for _, t := range []string{openapi3.TypeInteger, openapi3.TypeNumber, openapi3.TypeBoolean} {
			if s.Type != nil && s.Type.Is(t) {
				out[ref.Value.In+":"+ref.Value.Name] = t
			}
		}
	}
	return out
}

// typed reads a parameter's text as its schema's type, when it is one.
func typed(v, typ string) any {
	switch typ {
	case openapi3.TypeInteger:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	case openapi3.TypeNumber:
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return f
		}
	case openapi3.TypeBoolean:
		if b, err := strconv.ParseBool(v); err == nil {
			return b
		}
	}
	return v
}

// serveRule answers with a rule, or with a located 500 when it cannot.
func (h *Handler) serveRule(w http.ResponseWriter, r *http.Request, p *opPlan, rule *rules.Rule, req *rules.Request, ctl controls, body []byte) {
	if err := h.answerRule(w, r, p, rule, req, ctl, body); err != nil {
		h.ruleFailure(w, rule, err)
	}
}

// answerRule writes a rule's answer; when its templates or its example
// fail, or its rendered body breaks the spec, it writes nothing and
// returns the error.
func (h *Handler) answerRule(w http.ResponseWriter, r *http.Request, p *opPlan, rule *rules.Rule, req *rules.Request, ctl controls, body []byte) error {
	if d := rule.DelayDuration(); d > 0 && h.cfg.maxDelay > 0 && !sleep(r.Context(), min(d, h.cfg.maxDelay)) {
		return nil
	}
	status := rule.Status
	if status == 0 {
		status = statusOf(p.primary, http.StatusOK)
	}
	f := h.faker(r, body, status)
	env := &rules.Env{Request: req, Rand: f.Rand, Now: h.cfg.clock()}
	hdrs, err := rule.RenderHeaders(env)
	if err != nil {
		return err
	}
	var b []byte
	var ct string
	switch {
	case rule.Example != "":
		if b, ct, err = h.Example(p.op, status, rule.Example); err != nil {
			return err
		}
	case rule.HasBody():
		if b, err = rule.RenderBody(env); err != nil {
			return err
		}
		ct = ruleContentType(p.declaredFor(status))
		if rule.Templated() {
			if vs := h.CheckResponse(p.op, status, ct, b); len(vs) > 0 {
				return fmt.Errorf("the rendered body breaks the spec: %s", vs[0])
			}
		}
	}
	for k, v := range hdrs {
		w.Header().Set(k, v)
	}
	if ct != "" {
		writeBody(w, r, status, ct, b)
		return nil
	}
	ctl.code, ctl.hasCode = status, true
	h.respond(w, r, p, ctl, body)
	return nil
}

// CheckRule compiles rule and holds its answer to op's responses, as New
// does for WithRules: its status declared, its example present, its body
// (when it has no template) valid. A layer over the handler
// (mock/mocktest) checks its own rules with it.
func (h *Handler) CheckRule(op *openapi.Operation, rule *rules.Rule) error {
	if op == nil || h.plan(op) == nil {
		return fmt.Errorf("mock: CheckRule: the operation is not one of this handler's document")
	}
	if err := rule.Compile(); err != nil {
		return err
	}
	return h.checkRule(op, rule)
}

// RuleMatches reports whether rule's conditions hold for r, read as the
// handler reads requests for x-mock-rules: parameters typed by their
// schemas, a JSON body decoded. r's body is read and replaced. A request
// that matches no operation matches no rule, nor does a rule not compiled
// (CheckRule compiles it).
func (h *Handler) RuleMatches(r *http.Request, rule *rules.Rule) bool {
	if !rule.Compiled() {
		return false
	}
	m, body, ok := h.ruleInput(r)
	if !ok {
		return false
	}
	return rule.Matches(h.ruleRequest(r, m, body))
}

// ServeRule answers r with rule's answer, conditions aside (see
// RuleMatches): its status, example or rendered body, headers and delay,
// as an x-mock-rules rule answers. rule must have passed CheckRule. When a
// template fails or the rendered body breaks the spec, nothing is written
// and the error is returned.
func (h *Handler) ServeRule(w http.ResponseWriter, r *http.Request, rule *rules.Rule) error {
	if !rule.Compiled() {
		return fmt.Errorf("mock: ServeRule: the rule is not compiled; check it with CheckRule first")
	}
	m, body, ok := h.ruleInput(r)
	if !ok {
		return fmt.Errorf("mock: ServeRule: %s %s matches no operation of the document", r.Method, r.URL.Path)
	}
	return h.answerRule(w, r, h.plan(m.Operation), rule, h.ruleRequest(r, m, body), controls{}, body)
}

// ruleInput is the match of r (from its context when the handler's own
// document made it) and its body, which is replaced so r can be read
// again.
func (h *Handler) ruleInput(r *http.Request) (openapi.Match, []byte, bool) {
	m, ok := openapi.MatchFrom(r.Context())
	if !ok || m.Document() != h.doc {
		var err error
		if m, err = h.doc.Match(r); err != nil {
			return openapi.Match{}, nil, false
		}
	}
	if h.plan(m.Operation) == nil {
		return openapi.Match{}, nil, false
	}
	body, err := h.readBody(r)
	if err != nil {
		return openapi.Match{}, nil, false
	}
	return m, body, true
}

func writeBody(w http.ResponseWriter, r *http.Request, status int, contentType string, b []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b)
	}
}

// ruleFailure is a located 500: the rule's template or answer failed.
func (h *Handler) ruleFailure(w http.ResponseWriter, rule *rules.Rule, err error) {
	name := rule.Name
	if name == "" {
		name = "(unnamed)"
	}
	problem.Write(w, problem.New(http.StatusInternalServerError, problem.CodeMockFailure,
		fmt.Sprintf("mock rule %q could not answer: %v", name, err)))
}

// jsonPointerEscape escapes a JSON pointer token.
func jsonPointerEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
