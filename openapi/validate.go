package openapi

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mockapi-go/mockapi/internal/oas"
)

// maxWarnings bounds how many validation problems are kept: a hostile or
// badly broken document must not turn its warnings into the memory problem.
const maxWarnings = 500

// validate runs kin-openapi's validation and returns each problem it reports
// as a Warning. Examples are validated only in strict mode; the mock handler
// checks the examples it might serve itself, once, at start.
func validate(ctx context.Context, t *openapi3.T, strict bool) []Warning {
	opts := []openapi3.ValidationOption{
		openapi3.EnableMultiError(),
		openapi3.SetRegexCompiler(oas.RegexCompiler),
	}
	if !strict {
		opts = append(opts, openapi3.DisableExamplesValidation(), openapi3.DisableSchemaDefaultsValidation())
	}
	err := safeValidate(ctx, t, opts)
	if err == nil {
		return nil
	}
	var out []Warning
	for _, e := range flatten(err, nil) {
		if len(out) == maxWarnings {
			out = append(out, Warning{Message: "more validation problems not shown"})
			break
		}
		msg := e.Error()
		out = append(out, Warning{Pointer: guessPointer(msg), Message: msg})
	}
	return out
}

func safeValidate(ctx context.Context, t *openapi3.T, opts []openapi3.ValidationOption) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("validation stopped: the validator failed on this document")
		}
	}()
	return t.Validate(ctx, opts...)
}

// flatten expands kin-openapi's nested multi-errors into a flat list.
func flatten(err error, out []error) []error {
	var me openapi3.MultiError
	if errors.As(err, &me) && len(me) > 0 {
		for _, e := range me {
			out = flatten(e, out)
		}
		return out
	}
	if u, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range u.Unwrap() {
			out = flatten(e, out)
		}
		return out
	}
	return append(out, err)
}

var (
	reInvalidPath      = regexp.MustCompile(`invalid path (\S+?):`)
	reInvalidOperation = regexp.MustCompile(`invalid operation (\w+):`)
	reComponent        = regexp.MustCompile(`invalid components: (schema|parameter|response|request body|header|security scheme|example|link|callback) "([^"]+)"`)
	reResponse         = regexp.MustCompile(`invalid response "?(\w+)"?`)
)

var componentSections = map[string]string{
	"schema": "schemas", "parameter": "parameters", "response": "responses",
	"request body": "requestBodies", "header": "headers", "security scheme": "securitySchemes",
	"example": "examples", "link": "links", "callback": "callbacks",
}

// guessPointer recovers the location kin-openapi spells out in prose
// ("invalid paths: invalid path /pets: invalid operation GET: ...").
func guessPointer(msg string) string {
	if m := reComponent.FindStringSubmatch(msg); m != nil {
		return "/components/" + componentSections[m[1]] + "/" + escapeToken(m[2])
	}
	m := reInvalidPath.FindStringSubmatch(msg)
	if m == nil {
		return ""
	}
	p := "/paths/" + escapeToken(m[1])
	if op := reInvalidOperation.FindStringSubmatch(msg); op != nil {
		p += "/" + strings.ToLower(op[1])
		if r := reResponse.FindStringSubmatch(msg); r != nil {
			p += "/responses/" + r[1]
		}
	}
	return p
}
