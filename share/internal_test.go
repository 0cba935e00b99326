package share

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/openapi"
)

func loadPets(t *testing.T) *openapi.Document {
	t.Helper()
	doc, err := openapi.LoadFile(context.Background(), "testdata/pets.yaml")
	require.NoError(t, err)
	return doc
}

func hiddenByExtension(op *openapi.Operation) bool {
	v, _ := op.Kin().Extensions["x-mock-visibility"].(string)
	return v == "private"
}

func TestExportDropsHiddenAndRewritesServers(t *testing.T) {
	t.Parallel()
	doc := loadPets(t)
	before, err := json.Marshal(doc.Kin())
	require.NoError(t, err)

	tmpl, err := exportTemplate(doc, hiddenByExtension)
	require.NoError(t, err)
	out := renderExport(tmpl, `https://mock.test/s/msl_x/`)
	var got struct {
		Servers []struct{ URL, Description string }
		Paths   map[string]map[string]json.RawMessage
	}
	require.NoError(t, json.Unmarshal(out, &got), string(out))
	require.Equal(t, "https://mock.test/s/msl_x/v1", got.Servers[0].URL)
	require.Equal(t, "production", got.Servers[0].Description)
	require.Len(t, got.Servers, 1)
	require.NotContains(t, got.Paths, "/admin/stats", "a path with only private operations is dropped")
	require.Contains(t, got.Paths["/pets/{petId}"], "get")
	require.NotContains(t, got.Paths["/pets/{petId}"], "delete")
	require.Contains(t, got.Paths["/pets/{petId}"], "parameters")
	require.JSONEq(t, `[{"url":"https://mock.test/s/msl_x"}]`, string(got.Paths["/health"]["servers"]))
	require.NotContains(t, string(out), "example.com")
	require.NotContains(t, string(out), serverMark)

	after, err := json.Marshal(doc.Kin())
	require.NoError(t, err)
	require.Equal(t, string(before), string(after), "the cached document must not change")
}

func TestPageModel(t *testing.T) {
	t.Parallel()
	doc := loadPets(t)
	pm := buildPage(doc, hiddenByExtension)
	var ids []string
	for _, op := range pm.Ops {
		ids = append(ids, op.ID)
	}
	require.Equal(t, []string{"health", "listPets", "createPet", "getPet"}, ids)
	byID := map[string]pageOp{}
	for _, op := range pm.Ops {
		byID[op.ID] = op
	}
	require.Equal(t, "/v1/pets", byID["listPets"].Path)
	require.Equal(t, 200, byID["listPets"].ExampleStatus)
	require.Contains(t, byID["listPets"].Example, `"Rex"`)
	require.Equal(t, 201, byID["createPet"].ExampleStatus)
	require.Contains(t, byID["createPet"].body, `"name"`)
	require.Regexp(t, `^/v1/pets/-?\d+$`, byID["getPet"].target)
	require.Equal(t, "ok", strings.TrimSpace(byID["health"].Example))

	c := curl(&pm.Ops[2], "https://mock.test/s/msl_x/", true)
	require.True(t, strings.HasPrefix(c, "curl -X POST 'https://mock.test/s/msl_x/v1/pets'"), c)
	require.Contains(t, c, `-H 'X-API-Key: <API_KEY>'`)
	require.Contains(t, c, `-H 'Content-Type: application/json'`)
}

func TestShellQuoteAndFillPath(t *testing.T) {
	t.Parallel()
	require.Equal(t, `'it'\''s'`, shellQuote("it's"))
	require.Equal(t, "/a/x%2Fy/b/1", fillPath("/a/{p}/b/{q}", map[string]string{"p": "x/y"}))
	require.Equal(t, "/a/{", fillPath("/a/{", nil))
}
