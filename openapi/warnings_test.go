package openapi

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWarningsValidateOnFirstCall: the document-wide validation runs when
// the warnings are first asked for, sees the document as kin-openapi read
// it (a 3.0 document without paths is still told so, though indexing gives
// it an empty set), lists its problems between the repairs and what
// indexing found, and gives the same list to concurrent and later callers.
func TestWarningsValidateOnFirstCall(t *testing.T) {
	tests := []struct {
		name string
		spec string
		want []string // substrings, in order
	}{
		{"no paths", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n", []string{"paths"}},
		{"repair, validation, index", `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      operationId: same
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: integer, exclusiveMinimum: 5}
  /b:
    get:
      operationId: same
      security: [{nokey: []}]
      responses: {"200": {description: ok}}
`, []string{"exclusiveMinimum", "have the same operation id", "security scheme \"nokey\"", "is used more than once"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Parse(context.Background(), []byte(tc.spec))
			require.NoError(t, err)
			lists := make([][]Warning, 4)
			var wg sync.WaitGroup
			for i := range lists {
				wg.Go(func() { lists[i] = doc.Warnings() })
			}
			wg.Go(func() { _, _ = doc.Router().Find(httptest.NewRequest("GET", "/a", nil)) })
			wg.Wait()
			var all []string
			for _, w := range lists[0] {
				all = append(all, w.String())
			}
			joined := strings.Join(all, "\n")
			at := 0
			for _, want := range tc.want {
				i := strings.Index(joined[at:], want)
				require.GreaterOrEqual(t, i, 0, "%q after offset %d in:\n%s", want, at, joined)
				at += i + len(want)
			}
			for _, l := range lists[1:] {
				assert.Equal(t, lists[0], l)
			}
			assert.Equal(t, lists[0], doc.Warnings())
		})
	}
}

// TestStrictValidatesWhileLoading: Strict still refuses, at load, a
// document whose validation finds a problem.
func TestStrictValidatesWhileLoading(t *testing.T) {
	_, err := Parse(context.Background(), []byte("openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"), Strict())
	var le *LoadError
	require.ErrorAs(t, err, &le)
	assert.Contains(t, le.Error(), "validation problem")
}

// TestPatternsCompiledWhileLoading: kin-openapi's validators that are given
// no regular expression compiler (openapi3filter's response validation)
// still read a description's ECMAScript patterns once it is loaded, though
// the document-wide validation that used to compile them now waits for
// Warnings.
func TestPatternsCompiledWhileLoading(t *testing.T) {
	pattern := `^(?!foo)[a-z]+$` // ECMAScript lookahead: not RE2
	doc, err := Parse(context.Background(), []byte(`openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Code: {type: string, pattern: '`+pattern+`'}
`))
	require.NoError(t, err)
	s := doc.Kin().Components.Schemas["Code"].Value
	require.Equal(t, pattern, s.Pattern)
	assert.NoError(t, s.VisitJSON("bar"))
	assert.Error(t, s.VisitJSON("foobar"))
}

// TestWarningLinesInJSON: a warning in a JSON description is located on
// its line, also in a minified one, whose input the document no longer
// keeps.
func TestWarningLinesInJSON(t *testing.T) {
	pretty := "{\n\"openapi\": \"3.0.3\",\n\"info\": {\"title\": \"t\", \"version\": \"1\"},\n\"paths\": {\n\"/a\": {\"get\": {\"responses\": {\"200\": {}}}}}}"
	minified := strings.ReplaceAll(pretty, "\n", "")
	for _, tc := range []struct {
		name, spec string
		line       int
	}{{"pretty", pretty, 5}, {"minified", minified, 1}} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Parse(context.Background(), []byte(tc.spec))
			require.NoError(t, err)
			ws := doc.Warnings()
			require.Len(t, ws, 1)
			assert.Equal(t, "/paths/~1a/get", ws[0].Pointer, ws[0].String())
			assert.Equal(t, tc.line, ws[0].Line)
		})
	}
}
