package mock

import (
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mockapi-go/mockapi/openapi"
)

// plainInput describes an operation whose requests openapi3filter judges
// by their path alone: no request body, security it always passes (the
// handler checks credentials itself), and only path parameters whose
// schemas take any string or any integer. Such a request is accepted
// without building openapi3filter's input, decoding its parameters and
// visiting their schemas: a GET /pets or /pets/{id} is the most common
// request a mock answers. A value the check is not sure of is judged by
// openapi3filter as before, so verdicts and error messages do not change.
type plainInput struct {
	ok     bool // requests of the operation may skip openapi3filter
	params []plainParam
}

// plainParam is a path parameter of a plainInput.
type plainParam struct {
	name string
	bits int // 0: any non-empty string; 32 or 64: an integer of that size
}

// maxExactInt bounds the integers plainInput accepts: beyond 2^53 a
// float64, which kin-openapi's schema checks compare in, is no longer exact.
const maxExactInt = 1 << 53

// plainInputOf decides at plan time whether the operation's requests may
// be accepted by plainInput.accepts.
func plainInputOf(spec *openapi3.T, item *openapi3.PathItem, op *openapi3.Operation) plainInput {
	if op.RequestBody != nil || !securityAlwaysPasses(spec, op) {
		return plainInput{}
	}
	var all openapi3.Parameters
	if item != nil {
		all = append(all, item.Parameters...)
	}
	all = append(all, op.Parameters...)
	pi := plainInput{ok: true}
	for _, ref := range all {
		if ref == nil || ref.Value == nil {
			return plainInput{}
		}
		p := ref.Value
		bits, ok := plainPathSchema(p)
		if !ok {
			return plainInput{}
		}
		pi.params = append(pi.params, plainParam{name: p.Name, bits: bits})
	}
	return pi
}

// plainPathSchema reports a path parameter of the default style whose
// schema is a bare string or a bare integer (int32, int64 or no format),
// and the integer's size (0 for a string).
func plainPathSchema(p *openapi3.Parameter) (bits int, ok bool) {
	if p.In != openapi3.ParameterInPath || (p.Style != "" && p.Style != openapi3.SerializationSimple) ||
		len(p.Content) != 0 || p.Schema == nil || p.Schema.Value == nil {
		return 0, false
	}
	s := p.Schema.Value
	if !sameVerdictParam(s) || len(s.Enum) != 0 || s.Min != nil || s.Max != nil ||
		s.MinLength != 0 || s.MaxLength != nil || s.Pattern != "" {
		return 0, false
	}
	switch {
	case s.Type.Is(openapi3.TypeString) && s.Format == "":
		return 0, true
	case s.Type.Is(openapi3.TypeInteger) && s.Format == "int32":
		return 32, true
	case s.Type.Is(openapi3.TypeInteger) && (s.Format == "" || s.Format == "int64"):
		return 64, true
	}
	return 0, false
}

// securityAlwaysPasses reports that openapi3filter accepts every request
// to op on security grounds: the handler's AuthenticationFunc accepts any
// credentials, so a requirement fails only when it names an undeclared
// scheme.
func securityAlwaysPasses(spec *openapi3.T, op *openapi3.Operation) bool {
	srs := spec.Security
	if op.Security != nil {
		srs = *op.Security
	}
	if len(srs) == 0 {
		return true
	}
	var schemes openapi3.SecuritySchemes
	if spec.Components != nil {
		schemes = spec.Components.SecuritySchemes
	}
	for _, sr := range srs {
		declared := true
		for name := range sr {
			if ref := schemes[name]; ref == nil || ref.Value == nil {
				declared = false
				break
			}
		}
		if declared {
			return true
		}
	}
	return false
}

// accepts reports that openapi3filter would accept the request m matched:
// every path value reads as its parameter's type. False means "not sure".
func (pi plainInput) accepts(m openapi.Match) bool {
	if !pi.ok {
		return false
	}
	for _, p := range pi.params {
		v, found := m.Param(p.name)
		if !found || v == "" {
			return false
		}
		if p.bits == 0 {
			continue
		}
		n, err := strconv.ParseInt(v, 10, p.bits)
		if err != nil || n > maxExactInt || n < -maxExactInt {
			return false
		}
	}
	return true
}
