package mockapi

import (
	"encoding/json"
	"maps"
	"slices"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/mock/rules"
	"github.com/mockapi-go/mockapi/openapi"
)

// Bounds on Settings.Rules.
const (
	// MaxRuleOperations bounds the operations a project's rules name.
	MaxRuleOperations = 1000
	// MaxRulesPerOperation bounds the rules of one operation.
	MaxRulesPerOperation = 100
)

// validateRules compiles each rule (conditions, templates, delay), without
// the spec; the Server holds them to the spec when they are written.
func validateRules(rs map[string][]rules.Rule) error {
	if len(rs) > MaxRuleOperations {
		return invalidf("rules", nil, "%d operations have rules; at most %d may", len(rs), MaxRuleOperations)
	}
	for _, name := range slices.Sorted(maps.Keys(rs)) {
		list := rs[name]
		if len(list) == 0 || len(list) > MaxRulesPerOperation {
			return invalidf("rules", nil, "%s: give 1 to %d rules (remove the operation's entry to drop them)", name, MaxRulesPerOperation)
		}
		for i := range list {
			r := list[i]
			if err := r.Compile(); err != nil {
				return invalidf("rules", err, "%s/%d (%s): %v", name, i, rules.Label(&r, i), err)
			}
		}
	}
	return nil
}

// checkRules holds a project's rules to its description: each names an
// operation the description has, and answers with a status it declares,
// an example it has, a body its schema accepts. The error locates the
// first rule that does not.
func checkRules(doc *openapi.Document, rs map[string][]rules.Rule) error {
	if len(rs) == 0 {
		return nil
	}
	if err := validateRules(rs); err != nil {
		return err
	}
	h, err := mock.New(doc, mock.WithoutState(), mock.WithoutCORS())
	if err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(rs)) {
		op := doc.Lookup(name)
		if op == nil {
			return invalidf("rules", nil, "%s: the spec has no such operation (name an operationId or \"METHOD /path\")", name)
		}
		for i := range rs[name] {
			r := rs[name][i]
			if err := h.CheckRule(op, &r); err != nil {
				return invalidf("rules", err, "%s/%d (%s): %v", name, i, rules.Label(&r, i), err)
			}
		}
	}
	return nil
}

// ruleOptions are the mock options that apply a project's rules.
func ruleOptions(rs map[string][]rules.Rule) []mock.Option {
	var out []mock.Option
	for _, name := range slices.Sorted(maps.Keys(rs)) {
		out = append(out, mock.WithRules(name, rs[name]...))
	}
	return out
}

// rulesEqual compares two rule sets by their JSON form.
func rulesEqual(a, b map[string][]rules.Rule) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

// decodeRules reads a "rules" object strictly.
func decodeRules(raw json.RawMessage) (map[string][]rules.Rule, error) {
	var generic map[string]any
	if err := json.Unmarshal(raw, &generic); err != nil {
		return nil, invalidf("rules", err, "an object of operation names to lists of rules: %v", err)
	}
	out := make(map[string][]rules.Rule, len(generic))
	for name, v := range generic {
		list, err := rules.Parse(v)
		if err != nil {
			return nil, invalidf("rules", err, "%s: %v", name, err)
		}
		rs := make([]rules.Rule, len(list))
		for i, r := range list {
			rs[i] = *r
		}
		out[name] = rs
	}
	return out, nil
}
