package mockapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/store"
)

// Reload, and POST /_admin/projects/{id}/reload, read the description
// again from the project's source: a change is stored with the data of the
// operations that remain, a bad edit is refused with its location and the
// last good version serves on.
func TestReload(t *testing.T) {
	t.Parallel()
	s, c, _ := startWith(t, Options{})
	ctx := context.Background()
	auth := []string{"Authorization", "Bearer " + adminToken}
	var current atomic.Value
	current.Store(petsSpec)
	_, err := s.PutProject(ctx, "pets", "", []byte(petsSpec), store.Public)
	require.NoError(t, err)

	// No source yet: 409.
	status, _, body := c.do("POST", "/_admin/projects/pets/reload", "", auth...)
	require.Equal(t, http.StatusConflict, status, string(body))
	status, _, _ = c.do("POST", "/_admin/projects/nope/reload", "", auth...)
	require.Equal(t, http.StatusNotFound, status)

	s.SetSource("pets", func(context.Context) ([]byte, error) {
		spec := current.Load().(string)
		if _, err := openapi.Parse(ctx, []byte(spec), openapi.WithName("pets.yaml")); err != nil {
			return nil, err // located, as the mock server's source does
		}
		return []byte(spec), nil
	})
	// A pet written before the reload.
	status, _, body = c.do("POST", "/p/pets/pets", `{"id": 777, "name": "Bella"}`)
	require.Equal(t, http.StatusCreated, status, string(body))

	// Unchanged: nothing is stored.
	before, err := s.Project(ctx, "pets")
	require.NoError(t, err)
	p, changed, err := s.Reload(ctx, "pets")
	require.NoError(t, err)
	assert.False(t, changed)
	assert.Equal(t, before.Version, p.Version)

	// An edit: a new operation, the data stays.
	current.Store(strings.Replace(petsSpec, "components:", `  /pets/{petId}/toys:
    get:
      operationId: listToys
      parameters: [{name: petId, in: path, required: true, schema: {type: integer}}]
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: array, items: {type: string}}}}}
components:`, 1))
	out := c.admin("POST", "/projects/pets/reload", nil, http.StatusOK)
	assert.Greater(t, out["version"], float64(before.Version))
	status, _, body = c.do("GET", "/p/pets/pets/777", "")
	assert.Equal(t, http.StatusOK, status, "the pet survives the reload")
	assert.Contains(t, string(body), "Bella")
	status, _, _ = c.do("GET", "/p/pets/pets/777/toys", "")
	assert.Equal(t, http.StatusOK, status, "the new operation is served")

	// A bad edit: 422 with the location, and the last good version serves.
	current.Store(strings.Replace(petsSpec, `{$ref: "#/components/schemas/Pet"}}`, `{$ref: "#/components/schemas/Pett"}}`, 1))
	status, _, body = c.do("POST", "/_admin/projects/pets/reload", "", auth...)
	require.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, string(body), `pets.yaml:12: paths./pets.get.responses.200.content.application/json.schema.items.$ref: $ref \"#/components/schemas/Pett\" not found`)
	_, _, err = s.Reload(ctx, "pets")
	var le *openapi.LoadError
	assert.True(t, errors.As(err, &le), "the cause is the loader's located error: %v", err)
	status, _, _ = c.do("GET", "/p/pets/pets/777/toys", "")
	assert.Equal(t, http.StatusOK, status, "the last good version serves on")

	s.SetSource("pets", nil)
	_, _, err = s.Reload(ctx, "pets")
	assert.ErrorIs(t, err, ErrConflict)
}

// The dashboard offers a reload where the project has a source, and
// shows what went wrong with the file.
func TestDashboardReload(t *testing.T) {
	t.Parallel()
	e := newDashEnv(t)
	e.signIn()
	e.createProject("pets", petsSpec, store.Public)
	_, body := e.get(DashboardPath + "/projects/pets")
	assert.NotContains(t, body, "Reload the spec from its file", "no source: no button")

	var current atomic.Value
	current.Store(petsSpec)
	e.s.SetSource("pets", func(ctx context.Context) ([]byte, error) {
		spec := current.Load().(string)
		_, err := openapi.Parse(ctx, []byte(spec), openapi.WithName("pets.yaml"))
		return []byte(spec), err
	})
	_, body = e.get(DashboardPath + "/projects/pets")
	assert.Contains(t, body, "Reload the spec from its file")
	resp, _ := e.post(DashboardPath+"/projects/pets/reload", nil)
	assert.Contains(t, e.follow(resp), "The spec is unchanged.")

	current.Store(strings.Replace(petsSpec, "title: Pets", "title: Pets v2", 1))
	e.get(DashboardPath + "/projects/pets")
	resp, _ = e.post(DashboardPath+"/projects/pets/reload", nil)
	assert.Contains(t, e.follow(resp), "Spec reloaded.")

	current.Store("openapi: 3.0.3\npaths: 7\n")
	e.get(DashboardPath + "/projects/pets")
	resp, body = e.post(DashboardPath+"/projects/pets/reload", nil)
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.Contains(t, body, "pets.yaml")
}
