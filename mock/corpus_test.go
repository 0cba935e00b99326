package mock

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/brianvoe/gofakeit/v6"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/internal/fake"
	"github.com/mockapi-go/mockapi/internal/oas"
	"github.com/mockapi-go/mockapi/openapi"
)

// corpusDocs loads every usable API description of the test corpus.
func corpusDocs(t testing.TB) map[string]*openapi.Document {
	t.Helper()
	docs := map[string]*openapi.Document{}
	for _, root := range []string{"../testdata/oas-examples", "../testdata/specs"} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if ext := filepath.Ext(p); ext != ".yaml" && ext != ".yml" && ext != ".json" {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			head := string(data[:min(len(data), 4000)])
			if !strings.Contains(head, "openapi") && !strings.Contains(head, "swagger") {
				return nil
			}
			doc, err := openapi.LoadFile(context.Background(), p)
			if err != nil {
				return nil // the unusable specs are the openapi package's business
			}
			docs[strings.TrimPrefix(p, "../testdata/")] = doc
			return nil
		})
		require.NoError(t, err)
	}
	require.Greater(t, len(docs), 100)
	return docs
}

// pathFor builds a request path for op from its own template.
func pathFor(op *openapi.Operation) string {
	var b strings.Builder
	b.WriteString(op.BasePaths[0])
	tmpl := op.Path
	for {
		i := strings.IndexByte(tmpl, '{')
		j := strings.IndexByte(tmpl, '}')
		if i < 0 || j < i {
			b.WriteString(tmpl)
			break
		}
		b.WriteString(tmpl[:i])
		b.WriteString("v7x")
		tmpl = tmpl[j+1:]
	}
	q := url.Values{}
	for _, c := range op.Conditions {
		q.Add(c.Name, c.Value)
	}
	if len(q) > 0 {
		return b.String() + "?" + q.Encode()
	}
	return b.String()
}

// validateResponse checks a recorded response against the operation with
// kin-openapi's response validator, formats included. It reports false
// when the media type is one kin cannot decode (checked otherwise).
func validateResponse(t *testing.T, doc *openapi.Document, op *openapi.Operation, req *http.Request, rec *httptest.ResponseRecorder) bool {
	t.Helper()
	err, checked := responseError(t, doc, op, req, rec)
	assert.NoError(t, err, "%s %s -> %d %s\n%s", req.Method, req.URL, rec.Code, rec.Header().Get("Content-Type"), truncate(rec.Body.String(), 600))
	return checked
}

// responseError is validateResponse's check: the validation error, and
// whether the body could be checked at all.
func responseError(t *testing.T, doc *openapi.Document, op *openapi.Operation, req *http.Request, rec *httptest.ResponseRecorder) (error, bool) {
	t.Helper()
	ct := rec.Header().Get("Content-Type")
	if kindOf(ct) == renderXML {
		if err := wellFormedXML(rec.Body.Bytes()); err != nil {
			return fmt.Errorf("XML body is not well-formed: %w: %s", err, truncate(rec.Body.String(), 300)), false
		}
		return nil, false
	}
	schema := responseSchema(op, rec.Code, ct)
	if kindOf(ct) == renderText && schema != nil && schema.Type != nil && !schema.Type.Includes("string") {
		// kin decodes text/* bodies as strings, so a text/plain response
		// declared with an array schema cannot validate in any mock.
		return nil, false
	}
	route := &routers.Route{Spec: doc.Kin(), Path: op.Key, PathItem: doc.Kin().Paths.Value(op.Key), Method: op.Method, Operation: op.Kin()}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, Route: route},
		Status:                 rec.Code,
		Header:                 rec.Header(),
		Body:                   io.NopCloser(strings.NewReader(rec.Body.String())),
		Options: &openapi3filter.Options{
			MultiError: true, IncludeResponseStatus: true, RegexCompiler: oas.RegexCompiler,
		},
	}
	input.Options.SchemaValidationOptions = []openapi3.SchemaValidationOption{openapi3.EnableFormatValidation()}
	err := openapi3filter.ValidateResponse(context.Background(), input)
	if err != nil && strings.Contains(err.Error(), "unsupported content type") {
		return nil, false
	}
	if err != nil && doc.Kin().IsOpenAPI31OrLater() && schema != nil && strings.Contains(err.Error(), "missing propert") {
		// kin's JSON Schema 2020-12 validator ignores writeOnly, so it wants
		// required writeOnly properties in responses, which OpenAPI says are
		// not sent. kin's own validator applies response semantics: ask it.
		var v any
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &v))
		err = schema.VisitJSON(v, openapi3.VisitAsResponse(), openapi3.EnableFormatValidation(), openapi3.MultiErrors())
	}
	return err, true
}

// unsatisfiable asks the generator whether schema admits no value.
func unsatisfiable(h *Handler, schema *openapi3.Schema) bool {
	if schema == nil {
		return false
	}
	_, err := h.gen.Value(gofakeit.New(1), schema, "")
	return errors.Is(err, fake.ErrUnsatisfiable)
}

// responseSchema returns the schema declared for status and content type.
func responseSchema(op *openapi.Operation, status int, contentType string) *openapi3.Schema {
	ref := oas.Responses(op.Kin()).Status(status)
	if ref == nil {
		ref = oas.Responses(op.Kin()).Default()
	}
	if ref == nil || ref.Value == nil {
		return nil
	}
	for key, mt := range ref.Value.Content {
		for _, one := range strings.Split(key, ",") {
			if strings.TrimSpace(one) == contentType && mt.Schema != nil {
				return mt.Schema.Value
			}
		}
	}
	return nil
}

func wellFormedXML(b []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// TestCorpusResponsesValidate asks every operation of every corpus document
// for every declared status and media type, generated and from examples,
// and validates each answer against the document.
func TestCorpusResponsesValidate(t *testing.T) {
	t.Parallel()
	docs := corpusDocs(t)
	checked, skipped, unsat := 0, 0, 0
	unsatDocs := map[string]bool{}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			h, err := New(doc, WithSeed(7), WithoutValidation(), WithoutSecurity())
			require.NoError(t, err)
			for _, op := range doc.Operations() {
				p := h.plan(op)
				for _, sp := range p.statuses {
					code := sp.code
					if code == 0 {
						code = 599 // "default": any undeclared code
						for p.byCode[code] != nil || p.byRange[5] != nil {
							code--
						}
					}
					for _, mp := range sp.media {
						for _, dynamic := range []bool{true, false} {
							target := pathFor(op)
							req := httptest.NewRequest(op.Method, target, nil)
							req.Header.Set("Prefer", fmt.Sprintf("code=%d, dynamic=%t", code, dynamic))
							req.Header.Set("Accept", mp.contentType)
							rec := httptest.NewRecorder()
							h.ServeHTTP(rec, req)
							if !assert.Equal(t, code, rec.Code, "%s %s: %s", op.Method, target, rec.Body.String()) {
								continue
							}
							if op.Method == http.MethodHead {
								continue
							}
							vreq := httptest.NewRequest(op.Method, target, nil)
							if (dynamic || mp.fallback == nil) && unsatisfiable(h, mp.schema) {
								// No value validates against this schema (a
								// required self-reference, allOf with
								// additionalProperties: false): the mock
								// serves its best effort, which cannot pass.
								unsat++
								unsatDocs[name] = true
								continue
							}
							if validateResponse(t, doc, op, vreq, rec) {
								checked++
							} else {
								skipped++
							}
						}
					}
				}
			}
		})
	}
	t.Logf("%d documents: %d responses validated, %d in media types kin cannot decode (XML checked well-formed), %d for unsatisfiable schemas",
		len(docs), checked, skipped, unsat)
	assert.LessOrEqual(t, len(unsatDocs), 6, "unsatisfiable schemas stay the exception: %v", unsatDocs)
}
