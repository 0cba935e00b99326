package mockapi

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/mock"
)

// statusSpec adds an enum to petsSpec's Pet, for custom values to break.
var statusSpec = strings.Replace(petsSpec, "        name: {type: string}\n",
	"        name: {type: string}\n        plan: {type: string, enum: [free, pro]}\n        age: {type: integer, minimum: 0}\n", 1)

// serve calls the project and fails the test when the answer breaks the
// description.
func serve(t *testing.T, s *Server, c *client, project, method, path string) (int, []byte) {
	t.Helper()
	status, hdr, body := c.do(method, "/p/"+project+path, "")
	h, err := s.Mock(context.Background(), project)
	require.NoError(t, err)
	m, err := h.Document().Match(httptest.NewRequest(method, path, nil))
	require.NoError(t, err)
	for _, v := range h.CheckResponse(m.Operation, status, hdr.Get("Content-Type"), body) {
		t.Errorf("%s %s -> %d breaks the description: %s", method, path, status, v)
	}
	return status, body
}

func TestAdminGenerate(t *testing.T) {
	s, c := newMemoryServer(t)
	c.admin("POST", "/projects", map[string]any{"id": "shop", "name": "Shop", "spec": statusSpec, "visibility": "public"}, 201)

	// The inventory names the resource to generate into.
	var ops []map[string]any
	status, _, body := c.do("GET", "/_admin/projects/shop/operations", "", "Authorization", "Bearer "+adminToken)
	require.Equal(t, 200, status, string(body))
	require.NoError(t, json.Unmarshal(body, &ops))
	require.Len(t, ops, 3)
	assert.Equal(t, "pets", ops[0]["resource"])

	out := c.admin("POST", "/projects/shop/resources/pets/generate", map[string]any{
		"count": 50, "fields": map[string]any{"plan": []string{"free", "pro"}, "name": "Rex"}}, 201)
	assert.Equal(t, "pets", out["resource"])
	assert.Equal(t, float64(50), out["count"])
	preview := out["preview"].([]any)
	require.Len(t, preview, mock.GeneratePreview)
	assert.Equal(t, "Rex", preview[0].(map[string]any)["name"])

	status, body = serve(t, s, c, "shop", "GET", "/pets")
	require.Equal(t, 200, status)
	var pets []map[string]any
	require.NoError(t, json.Unmarshal(body, &pets))
	require.Len(t, pets, 60, "10 seed records, then 50 generated")
	plans := map[any]bool{}
	for _, p := range pets[10:] {
		plans[p["plan"]] = true
		assert.Equal(t, "Rex", p["name"])
	}
	assert.Equal(t, map[any]bool{"free": true, "pro": true}, plans)
	assert.Equal(t, preview[0], any(pets[10]), "the preview is the data served")
	status, _ = serve(t, s, c, "shop", "GET", "/pets/60")
	assert.Equal(t, 200, status)

	// replace: only the new records; the collection path names it too.
	c.admin("POST", "/projects/shop/resources/"+url.PathEscape("/pets")+"/generate", map[string]any{"count": 2, "replace": true}, 201)
	_, body = serve(t, s, c, "shop", "GET", "/pets")
	require.NoError(t, json.Unmarshal(body, &pets))
	assert.Len(t, pets, 2)

	// A reset restores the seed data.
	c.admin("POST", "/projects/shop/reset", nil, 204)
	_, body = serve(t, s, c, "shop", "GET", "/pets")
	require.NoError(t, json.Unmarshal(body, &pets))
	assert.Len(t, pets, 10)

	for _, tc := range []struct {
		name    string
		path    string
		body    string
		status  int
		pointer string
		detail  string
	}{
		{"a value outside the enum", "pets", `{"count":1,"fields":{"plan":"gold"}}`, 422, "/fields/plan", "plan"},
		{"a list item of the wrong type", "pets", `{"count":1,"fields":{"age":[1,"old"]}}`, 422, "/fields/age", "item 1"},
		{"not a property", "pets", `{"count":1,"fields":{"a/b":1}}`, 422, "/fields/a~1b", "a/b"},
		{"the id", "pets", `{"count":1,"fields":{"id":[1,2]}}`, 422, "/fields/id", "ids are assigned"},
		{"no count", "pets", `{"fields":{}}`, 422, "", "count"},
		{"too many", "pets", `{"count":10001}`, 422, "", "count"},
		{"an unknown option", "pets", `{"count":1,"colour":"red"}`, 400, "", "colour"},
		{"an unknown resource", "cats", `{"count":1}`, 404, "", "resource"},
		{"an unknown project", "pets", `{"count":1}`, 404, "", "not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			project := "shop"
			if tc.detail == "not found" {
				project = "nope"
			}
			status, hdr, body := c.do("POST", "/_admin/projects/"+project+"/resources/"+tc.path+"/generate", tc.body, "Authorization", "Bearer "+adminToken)
			require.Equal(t, tc.status, status, string(body))
			assert.Equal(t, "application/problem+json", hdr.Get("Content-Type"))
			var p struct {
				Code   string `json:"code"`
				Detail string `json:"detail"`
				Errors []struct {
					Pointer string `json:"pointer"`
				} `json:"errors"`
			}
			require.NoError(t, json.Unmarshal(body, &p))
			assert.NotEmpty(t, p.Code)
			assert.Contains(t, p.Detail, tc.detail)
			if tc.pointer != "" {
				require.Len(t, p.Errors, 1)
				assert.Equal(t, tc.pointer, p.Errors[0].Pointer)
				assert.Equal(t, "VALIDATION_ERROR", p.Code)
			}
		})
	}
	_, body = serve(t, s, c, "shop", "GET", "/pets")
	require.NoError(t, json.Unmarshal(body, &pets))
	assert.Len(t, pets, 10, "nothing refused was written")
}

func TestGoAPIGenerateRecords(t *testing.T) {
	ctx := context.Background()
	run := func() *Generated {
		s, _ := newMemoryServer(t)
		_, err := s.CreateProject(ctx, NewProject{ID: "shop", Name: "Shop", Spec: []byte(statusSpec)})
		require.NoError(t, err)
		g, err := s.GenerateRecords(ctx, "shop", "pets", GenerateOptions{Count: 3, Fields: map[string]any{"plan": []any{"free", "pro"}}})
		require.NoError(t, err)

		_, err = s.GenerateRecords(ctx, "shop", "cats", GenerateOptions{Count: 1})
		assert.ErrorIs(t, err, ErrNotFound)
		_, err = s.GenerateRecords(ctx, "nope", "pets", GenerateOptions{Count: 1})
		assert.ErrorIs(t, err, ErrNotFound)
		_, err = s.GenerateRecords(ctx, "shop", "pets", GenerateOptions{Count: 1, Fields: map[string]any{"plan": "gold"}})
		var ve *ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "fields.plan", ve.Field)
		var fe *mock.FieldError
		assert.ErrorAs(t, err, &fe)
		_, err = s.GenerateRecords(ctx, "shop", "pets", GenerateOptions{Count: 0})
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "count", ve.Field)
		return g
	}
	a, b := run(), run()
	assert.Equal(t, 3, a.Count)
	assert.Equal(t, a.Preview, b.Preview, "deterministic under the seed: two servers write the same records")
}

func TestSeedRecordsSetting(t *testing.T) {
	s, c := newMemoryServer(t)
	p := c.admin("POST", "/projects", map[string]any{"id": "few", "name": "Few", "spec": petsSpec, "visibility": "public", "seed_records": 3}, 201)
	assert.Equal(t, float64(3), p["seed_records"])
	count := func() int {
		t.Helper()
		_, body := serve(t, s, c, "few", "GET", "/pets")
		var pets []any
		require.NoError(t, json.Unmarshal(body, &pets))
		return len(pets)
	}
	assert.Equal(t, 3, count())

	// A change applies at the next seeding: after a reset.
	p = c.admin("PATCH", "/projects/few", map[string]any{"seed_records": 0}, 200)
	assert.Equal(t, float64(0), p["seed_records"], "0 is none, not the default")
	assert.Equal(t, 3, count(), "data already there stays")
	c.admin("POST", "/projects/few/reset", nil, 204)
	assert.Equal(t, 0, count())

	p = c.admin("PATCH", "/projects/few", map[string]any{"seed_records": nil}, 200)
	assert.NotContains(t, p, "seed_records", "null is the Server's default")
	c.admin("POST", "/projects/few/reset", nil, 204)
	assert.Equal(t, 10, count())

	for _, bad := range []any{-1, MaxSeedRecords + 1} {
		e := c.admin("PATCH", "/projects/few", map[string]any{"seed_records": bad}, 422)
		assert.Contains(t, e["detail"], "seed_records")
	}
	c.admin("PATCH", "/projects/few", map[string]any{"seed_records": "many"}, 400)

	// The Go API: 0 is the default, NoSeedRecords none.
	got, err := s.UpdateProject(context.Background(), "few", ProjectUpdate{SeedRecords: new(int)})
	require.NoError(t, err)
	assert.Zero(t, got.Settings.SeedRecords)
	none := NoSeedRecords
	got, err = s.UpdateProject(context.Background(), "few", ProjectUpdate{SeedRecords: &none})
	require.NoError(t, err)
	assert.Equal(t, NoSeedRecords, got.Settings.SeedRecords)
	_, err = s.CreateProject(context.Background(), NewProject{Name: "x", Spec: []byte(petsSpec), Settings: Settings{SeedRecords: -2}})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "seed_records", ve.Field)
}

func TestAdminOperations(t *testing.T) {
	s, c := newMemoryServer(t)
	c.admin("POST", "/projects", map[string]any{"id": "pets", "name": "Pets", "spec": petsSpec, "visibility": "private"}, 201)
	c.admin("PATCH", "/projects/pets", map[string]any{"operation_visibility": map[string]string{"listPets": "public"}}, 200)
	before := time.Now().UTC().Add(-time.Second)
	for range 3 {
		status, _ := serve(t, s, c, "pets", "GET", "/pets")
		require.Equal(t, 200, status)
	}
	status, _, _ := c.do("GET", "/p/pets/pets/1", "")
	require.Equal(t, 401, status, "refused calls count too")

	status, _, body := c.do("GET", "/_admin/projects/pets/operations", "", "Authorization", "Bearer "+adminToken)
	require.Equal(t, 200, status, string(body))
	var ops []map[string]any
	require.NoError(t, json.Unmarshal(body, &ops))
	require.Len(t, ops, 3)
	byID := map[string]map[string]any{}
	for _, o := range ops {
		byID[o["operation_id"].(string)] = o
	}
	for _, tc := range []struct {
		id, method, path, visibility, action string
		requests                             float64
	}{
		{"listPets", "GET", "/pets", "public", "list", 3},
		{"createPet", "POST", "/pets", "private", "create", 0},
		{"getPet", "GET", "/pets/{petId}", "private", "get", 1},
	} {
		o := byID[tc.id]
		require.NotNil(t, o, tc.id)
		assert.Equal(t, tc.method, o["method"], tc.id)
		assert.Equal(t, tc.path, o["path"], tc.id)
		assert.Equal(t, tc.visibility, o["visibility"], tc.id)
		assert.Equal(t, tc.action, o["crud_action"], tc.id)
		assert.Equal(t, "pets", o["resource"], tc.id)
		assert.Equal(t, tc.requests, o["requests_count"], tc.id)
		if tc.requests == 0 {
			assert.Nil(t, o["last_request_at"], tc.id)
			assert.Zero(t, o["avg_response_time_ms"], tc.id)
			continue
		}
		last, err := time.Parse(time.RFC3339Nano, o["last_request_at"].(string))
		require.NoError(t, err, tc.id)
		assert.True(t, last.After(before), "%s: %v", tc.id, last)
		assert.Positive(t, o["avg_response_time_ms"], tc.id)
	}

	infos, err := s.Operations(context.Background(), "pets")
	require.NoError(t, err)
	require.Len(t, infos, 3)
	assert.Equal(t, 3, infos[0].Requests)
	_, err = s.Operations(context.Background(), "nope")
	assert.ErrorIs(t, err, ErrNotFound)
	c.admin("GET", "/projects/nope/operations", nil, 404)
}
