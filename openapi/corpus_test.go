package openapi

import (
	"context"
	"io/fs"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// corpusRoots hold the test corpus: the @readme/oas-examples collection and
// our own hand-written specs.
var corpusRoots = []string{"../testdata/oas-examples", "../testdata/specs"}

// unusable are corpus files that must fail to load.
var unusable = map[string]bool{
	"not-an-api.yaml": true, "broken-ref.yaml": true, "bad-version.yaml": true,
	"bad-version-swagger12.yaml": true, "not-yaml.txt": true,
}

// corpusFiles lists the API descriptions in the corpus (fragments referred
// to by other files are not documents of their own).
func corpusFiles(t testing.TB) []string {
	t.Helper()
	var files []string
	for _, root := range corpusRoots {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			ext := filepath.Ext(p)
			if ext != ".yaml" && ext != ".yml" && ext != ".json" {
				return nil
			}
			head, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			s := string(head)
			if strings.Contains(s, "openapi") || strings.Contains(s, "swagger") {
				if strings.Contains(s[:min(len(s), 4000)], "openapi\"") || strings.Contains(s[:min(len(s), 4000)], "openapi:") ||
					strings.Contains(s[:min(len(s), 4000)], "swagger\"") || strings.Contains(s[:min(len(s), 4000)], "swagger:") {
					files = append(files, p)
				}
			}
			return nil
		})
		require.NoError(t, err)
	}
	require.NotEmpty(t, files)
	return files
}

// exampleValue is a path parameter value that cannot collide with a literal
// segment of the corpus.
func exampleValue(op *Operation, name string) string {
	for _, p := range op.params {
		if p == nil || p.Value == nil || p.Value.In != "path" || p.Value.Name != name || p.Value.Schema == nil || p.Value.Schema.Value == nil {
			continue
		}
		s := p.Value.Schema.Value
		if len(s.Enum) > 0 {
			if v, ok := s.Enum[0].(string); ok && v != "" {
				return url.PathEscape(v)
			}
		}
		if s.Type != nil && (s.Type.Includes("integer") || s.Type.Includes("number")) {
			return "731"
		}
	}
	return "v7x"
}

func targetFor(op *Operation, base string) string {
	var b strings.Builder
	b.WriteString(base)
	tmpl := op.Path
	for {
		i := strings.IndexByte(tmpl, '{')
		j := strings.IndexByte(tmpl, '}')
		if i < 0 || j < i {
			b.WriteString(tmpl)
			break
		}
		b.WriteString(tmpl[:i])
		if tmpl[i+1] == '.' {
			b.WriteByte('.') // RFC 6570 label expansion: "{.format}" is ".json"
		}
		name := strings.TrimSuffix(strings.TrimLeft(tmpl[i+1:j], "+#./;?&"), "*")
		b.WriteString(exampleValue(op, name))
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

func TestCorpusLoadsAndRoutesBack(t *testing.T) {
	t.Parallel()
	files := corpusFiles(t)
	total := 0
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(strings.TrimPrefix(file, "../testdata/"), func(t *testing.T) {
			doc, err := LoadFile(context.Background(), file)
			if unusable[name] {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			shadowed := map[string]bool{}
			for _, w := range doc.Warnings {
				if route, _, found := strings.Cut(w.Message, ": same route as "); found {
					shadowed[route] = true // "GET /v1/{name}:cancel"
				}
			}
			for _, op := range doc.Operations() {
				if shadowed[op.Method+" "+op.Key] {
					continue
				}
				for _, base := range append(op.BasePaths, "") {
					target := targetFor(op, base)
					req := httptest.NewRequest(op.Method, "http://mock"+target, nil)
					m, err := doc.Router().Find(req)
					if assert.NoError(t, err, "%s %s", op.Method, target) {
						assert.Equal(t, op.ID, m.Operation.ID, "%s %s routed to %s", op.Method, target, m.Operation)
					}
					total++
				}
			}
		})
	}
	t.Logf("%d documents, %d routed requests", len(files), total)
}
