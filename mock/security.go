package mock

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/internal/problem"
)

// securityAlt is one alternative of a security requirement: every scheme in
// it must be present.
type securityAlt []securityCheck

type securityCheck struct {
	name      string
	kind      string // "apiKey", "http basic", "oauth2", ... for messages
	in        string // header, query, cookie for apiKey; "" otherwise
	param     string // the apiKey's parameter name
	scheme    string // "basic", "bearer", ... for http and oauth2/openIdConnect ("bearer")
	challenge string // WWW-Authenticate value
}

// buildSecurity turns the requirement in force into checks. An empty result
// means no credentials are needed.
func (h *Handler) buildSecurity(reqs openapi3.SecurityRequirements) []securityAlt {
	if len(reqs) == 0 {
		return nil
	}
	var schemes openapi3.SecuritySchemes
	if c := h.doc.Kin().Components; c != nil {
		schemes = c.SecuritySchemes
	}
	var alts []securityAlt
	for _, req := range reqs {
		if len(req) == 0 {
			return nil // {} means anonymous access is one alternative
		}
		names := make([]string, 0, len(req))
		for n := range req {
			names = append(names, n)
		}
		sort.Strings(names)
		var alt securityAlt
		for _, n := range names {
			ref := schemes[n]
			if ref == nil || ref.Value == nil {
				continue // an undeclared scheme cannot be checked
			}
			s := ref.Value
			c := securityCheck{name: n}
			switch strings.ToLower(s.Type) {
			case "apikey":
				c.in, c.param = strings.ToLower(s.In), s.Name
				c.kind = "apiKey"
				c.challenge = `ApiKey realm="mock", ` + c.in + `="` + s.Name + `"`
			case "http":
				c.scheme = strings.ToLower(s.Scheme)
				c.kind = "http " + c.scheme
				c.challenge = titleScheme(c.scheme) + ` realm="mock"`
			case "oauth2", "openidconnect":
				c.scheme = "bearer"
				c.kind = s.Type
				c.challenge = `Bearer realm="mock"`
			default:
				continue // mutualTLS and unknown types: nothing to see in HTTP
			}
			alt = append(alt, c)
		}
		if len(alt) == 0 {
			return nil // nothing checkable in this alternative: it is satisfied
		}
		alts = append(alts, alt)
	}
	return alts
}

func titleScheme(s string) string {
	if s == "" {
		return "Bearer"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// admitted reports whether an auth.Guard in front of the mock let the
// caller in on credentials of the platform (a key, a user, a share link):
// those stand for the credentials the operation declares.
func admitted(r *http.Request) bool {
	p, ok := auth.PrincipalFrom(r.Context())
	return ok && p.Admitted()
}

// securityOK reports whether some alternative is satisfied, and otherwise
// the challenges of the first alternative.
func securityOK(alts []securityAlt, r *http.Request) (bool, []string) {
	if len(alts) == 0 {
		return true, nil
	}
	for _, alt := range alts {
		if satisfied(alt, r) {
			return true, nil
		}
	}
	var challenges []string
	for _, c := range alts[0] {
		challenges = append(challenges, c.challenge)
	}
	return false, challenges
}

// satisfied reports whether the request carries every credential of alt.
// The schemes of alt that live in the Authorization header are one
// exception: a request has one such header, so when a spec requires two of
// them together (http basic and an apiKey named Authorization, say) one of
// them is enough. The spec's mistake is not the client's.
func satisfied(alt securityAlt, r *http.Request) bool {
	inAuthorization, authorized := 0, false
	for _, c := range alt {
		if c.inAuthorization() {
			inAuthorization++
			authorized = authorized || present(c, r)
			continue
		}
		if !present(c, r) {
			return false
		}
	}
	return inAuthorization == 0 || authorized
}

// inAuthorization reports whether the credential travels in the
// Authorization header.
func (c securityCheck) inAuthorization() bool {
	return c.in == "" || (c.in == "header" && strings.EqualFold(c.param, "Authorization"))
}

func present(c securityCheck, r *http.Request) bool {
	switch c.in {
	case "header":
		return r.Header.Get(c.param) != ""
	case "query":
		return r.URL.Query().Get(c.param) != ""
	case "cookie":
		ck, err := r.Cookie(c.param)
		return err == nil && ck.Value != ""
	}
	auth := strings.TrimSpace(r.Header.Get("Authorization"))
	if auth == "" {
		return false
	}
	if c.scheme == "" {
		return true
	}
	kind, cred, _ := strings.Cut(auth, " ")
	return strings.EqualFold(kind, c.scheme) && strings.TrimSpace(cred) != ""
}

// missingCredentials lists, for a request no alternative admits, the
// credentials each alternative lacks, located where the spec declares them:
// an apiKey's header, query parameter or cookie, else the Authorization
// header (http, oauth2 and openIdConnect schemes).
func missingCredentials(alts []securityAlt, r *http.Request) []problem.Item {
	var items []problem.Item
	for i, alt := range alts {
		for _, c := range alt {
			if len(items) == maxProblemItems {
				return items
			}
			if present(c, r) {
				continue
			}
			it := problem.Item{In: "header", Name: "Authorization"}
			if c.in != "" {
				it.In, it.Name = problem.Location(c.in), c.param
			}
			switch {
			case c.in != "":
				it.Message = fmt.Sprintf("the %s %q of security scheme %q is missing", c.in, c.param, c.name)
			case c.scheme == "bearer" || c.scheme == "basic":
				it.Message = fmt.Sprintf("an Authorization: %s credential (security scheme %q, %s) is missing", titleScheme(c.scheme), c.name, c.kind)
			default:
				it.Message = fmt.Sprintf("an Authorization credential (security scheme %q, %s) is missing", c.name, c.kind)
			}
			if len(alts) > 1 {
				it.Message += fmt.Sprintf(" (alternative %d of %d: one is enough)", i+1, len(alts))
			}
			items = append(items, it)
		}
	}
	return items
}
