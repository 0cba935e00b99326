package mock

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
)

func TestResourceNames(t *testing.T) {
	h := newCRUD(t)
	names := map[string]string{}
	for _, r := range h.Resources() {
		names[r.Collection] = r.Name
	}
	assert.Equal(t, map[string]string{"/pets": "pets", "/users/{userId}/posts": "users.posts", "/orders": "orders"}, names)

	list := []*resource{{Resource: Resource{Collection: "/a/b"}}, {Resource: Resource{Collection: "/a/{x}/b"}}, {Resource: Resource{Collection: "/{x}"}}}
	nameResources(list)
	assert.Equal(t, "a.b", list[0].Name)
	assert.Equal(t, "a.b~2", list[1].Name, "a name is unique")
	assert.Equal(t, "~2", list[2].Name, "a name is never empty")
}

func TestGenerate(t *testing.T) {
	for name, open := range crudStores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			records := open(t)
			h := newCRUD(t, WithStore(records, "gen"))

			got, err := h.Generate(ctx, "pets", GenerateOptions{Count: 20, Fields: map[string]any{
				"status": []any{"available", "sold"}, "age": 7}})
			require.NoError(t, err)
			assert.Equal(t, "pets", got.Resource)
			assert.Equal(t, 20, got.Count)
			require.Len(t, got.Preview, GeneratePreview)

			// Added to the 3 seed records; every one is served, valid, with
			// the custom values.
			w := call(t, h, "GET", "/api/pets?limit=100", "")
			require.Equal(t, 200, w.Code)
			pets := decode[[]map[string]any](t, w)
			require.Len(t, pets, 23)
			statuses := map[any]int{}
			for _, p := range pets[3:] {
				statuses[p["status"]]++
				assert.Equal(t, float64(7), p["age"])
			}
			assert.Len(t, statuses, 2, "a list's values are drawn: %v", statuses)
			assert.Equal(t, float64(4), pets[3]["id"], "integer ids continue after the seeds'")
			var first map[string]any
			require.NoError(t, json.Unmarshal(got.Preview[0], &first))
			assert.Equal(t, pets[3], first, "the preview is what is served")

			// A create continues after the generated ids.
			w = call(t, h, "POST", "/api/pets", `{"name":"New"}`)
			require.Equal(t, 201, w.Code)
			assert.Equal(t, float64(24), decode[map[string]any](t, w)["id"])

			// Replace leaves only the new records.
			got, err = h.Generate(ctx, "/pets", GenerateOptions{Count: 2, Replace: true, Fields: map[string]any{"name": "Rex"}})
			require.NoError(t, err)
			assert.Equal(t, 2, got.Count)
			n, err := records.Count(ctx, store.Scope{Project: "gen"}, "/pets", store.Query{})
			require.NoError(t, err)
			assert.Equal(t, 2, n)
			pets = decode[[]map[string]any](t, call(t, h, "GET", "/api/pets", ""))
			require.Len(t, pets, 2)
			assert.Equal(t, "Rex", pets[0]["name"])

			// String ids not constrained by the schema, and an object
			// resource read through an envelope.
			_, err = h.Generate(ctx, "orders", GenerateOptions{Count: 4})
			require.NoError(t, err)
			env := decode[map[string]any](t, call(t, h, "GET", "/api/orders", ""))
			assert.Len(t, env["data"], 7)
		})
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	run := func(seed int64) []json.RawMessage {
		h := newCRUD(t, WithSeed(seed))
		got, err := h.Generate(context.Background(), "pets", GenerateOptions{Count: 5, Fields: map[string]any{"status": []any{"available", "pending", "sold"}}})
		require.NoError(t, err)
		return got.Preview
	}
	assert.Equal(t, run(1), run(1), "the same seed writes the same records")
	assert.NotEqual(t, run(1), run(2))
}

const tagsSpec = `
openapi: 3.1.0
info: {title: Tags, version: "1"}
paths:
  /notes:
    get:
      responses:
        "200":
          description: notes
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Note"}}
  /notes/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: a note
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Note"}
components:
  schemas:
    Note:
      type: object
      required: [id, tags]
      properties:
        id: {type: string}
        tags: {type: array, items: {type: string}, maxItems: 2}
`

const crowdedSpec = `
openapi: 3.1.0
info: {title: Crowded, version: "1"}
paths:
  /things:
    get:
      responses:
        "200":
          description: things
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Thing"}}
  /things/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        "200":
          description: a thing
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
components:
  schemas:
    Thing:
      type: object
      required: [id]
      maxProperties: 2
      properties:
        id: {type: integer}
        a: {type: string}
        b: {type: string}
`

// A value each property's schema accepts but the record's refuses with the
// others fails the call, naming the field; nothing invalid is stored.
func TestGenerateRefusesWhatTheRecordRefuses(t *testing.T) {
	doc, err := openapi.Parse(context.Background(), []byte(crowdedSpec))
	require.NoError(t, err)
	h, err := New(doc, WithSeed(1), WithSeedRecords(0))
	require.NoError(t, err)
	ctx := context.Background()
	_, err = h.Generate(ctx, "things", GenerateOptions{Count: 3, Fields: map[string]any{"a": "x", "b": "y"}})
	var fe *FieldError
	require.ErrorAs(t, err, &fe)
	assert.Contains(t, []string{"a", "b"}, fe.Field)
	assert.Contains(t, fe.Reason, "together with")
	n, err := h.state.records.Count(ctx, store.Scope{Project: "default"}, "/things", store.Query{})
	require.NoError(t, err)
	assert.Zero(t, n)

	got, err := h.Generate(ctx, "things", GenerateOptions{Count: 20, Fields: map[string]any{"a": "x"}})
	require.NoError(t, err, "one custom value fits beside the id")
	assert.Equal(t, 20, got.Count)
	for _, rec := range decode[[]map[string]any](t, call(t, h, "GET", "/things", "")) {
		assert.Equal(t, "x", rec["a"])
	}
}

// For an array property a list is the value, and a list of lists is drawn
// from.
func TestGenerateArrayField(t *testing.T) {
	doc, err := openapi.Parse(context.Background(), []byte(tagsSpec))
	require.NoError(t, err)
	h, err := New(doc, WithSeed(1), WithSeedRecords(0))
	require.NoError(t, err)
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		value any
		want  map[string]bool // the tags seen, joined
	}{
		{"a list is the value", []any{"a", "b"}, map[string]bool{"a,b": true}},
		{"a list of lists is drawn from", []any{[]any{"x"}, []any{"y", "z"}}, map[string]bool{"x": true, "y,z": true}},
	} {
		_, err := h.Generate(ctx, "notes", GenerateOptions{Count: 20, Replace: true, Fields: map[string]any{"tags": tc.value}})
		require.NoError(t, err, tc.name)
		notes := decode[[]map[string]any](t, call(t, h, "GET", "/notes", ""))
		require.Len(t, notes, 20, tc.name)
		seen := map[string]bool{}
		for _, n := range notes {
			var parts []string
			for _, tag := range n["tags"].([]any) {
				parts = append(parts, tag.(string))
			}
			seen[strings.Join(parts, ",")] = true
		}
		assert.Equal(t, tc.want, seen, tc.name)
	}
	_, err = h.Generate(ctx, "notes", GenerateOptions{Count: 1, Fields: map[string]any{"tags": []any{"a", "b", "c"}}})
	var fe *FieldError
	require.ErrorAs(t, err, &fe, "three tags pass maxItems")
	assert.Equal(t, "tags", fe.Field)
}

func TestGenerateRefuses(t *testing.T) {
	h := newCRUD(t)
	for _, tc := range []struct {
		name  string
		res   string
		o     GenerateOptions
		field string // a *FieldError for it; empty: a *GenerateError
		isErr error
	}{
		{"unknown resource", "cats", GenerateOptions{Count: 1}, "", ErrNoResource},
		{"count zero", "pets", GenerateOptions{Count: 0}, "", nil},
		{"count too large", "pets", GenerateOptions{Count: MaxGenerate + 1}, "", nil},
		{"nested", "users.posts", GenerateOptions{Count: 1}, "", nil},
		{"not a property", "pets", GenerateOptions{Count: 1, Fields: map[string]any{"color": "red"}}, "color", nil},
		{"the id", "pets", GenerateOptions{Count: 1, Fields: map[string]any{"id": 5}}, "id", nil},
		{"outside the enum", "pets", GenerateOptions{Count: 1, Fields: map[string]any{"status": "lost"}}, "status", nil},
		{"a list item outside the enum", "pets", GenerateOptions{Count: 1, Fields: map[string]any{"status": []any{"sold", "lost"}}}, "status", nil},
		{"wrong type", "pets", GenerateOptions{Count: 1, Fields: map[string]any{"age": "old"}}, "age", nil},
		{"above the maximum", "pets", GenerateOptions{Count: 1, Fields: map[string]any{"age": 31.0}}, "age", nil},
		{"an empty list", "pets", GenerateOptions{Count: 1, Fields: map[string]any{"name": []any{}}}, "name", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.Generate(context.Background(), tc.res, tc.o)
			require.Error(t, err)
			switch {
			case tc.isErr != nil:
				assert.ErrorIs(t, err, tc.isErr)
			case tc.field != "":
				var fe *FieldError
				require.ErrorAs(t, err, &fe)
				assert.Equal(t, tc.field, fe.Field)
				assert.Contains(t, err.Error(), fmt.Sprintf("%q", tc.field))
			default:
				var ge *GenerateError
				assert.ErrorAs(t, err, &ge)
			}
		})
	}
	n, err := h.state.records.Count(context.Background(), store.Scope{Project: "default"}, "/pets", store.Query{})
	require.NoError(t, err)
	assert.Zero(t, n, "nothing was written for a refused call")

	_, err = newCRUD(t, WithoutState()).Generate(context.Background(), "pets", GenerateOptions{Count: 1})
	assert.ErrorIs(t, err, ErrNoResource, "a stateless handler has no resources")
}

// onlyRecords hides every method of a store beyond RecordStore's: no
// batches.
type onlyRecords struct{ RecordStore }

// Ids taken by others are skipped, whether the store takes batches or
// not, and every record requested is written.
func TestGenerateAroundTakenIDs(t *testing.T) {
	for name, records := range map[string]func() RecordStore{
		"batches":    func() RecordStore { return memory.New(store.WithTouchInterval(0)).Records() },
		"one by one": func() RecordStore { return onlyRecords{memory.New(store.WithTouchInterval(0)).Records()} },
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			rs := records()
			h := newCRUD(t, WithStore(rs, "p"))
			require.NoError(t, h.ensureSeeded(ctx, h.resourceNamed("orders")))
			for _, id := range []string{"5", "6", "8"} {
				_, err := rs.Create(ctx, store.Scope{Project: "p"}, "/orders", id, json.RawMessage(`{"id":"`+id+`","total":1}`))
				require.NoError(t, err)
			}
			got, err := h.Generate(ctx, "orders", GenerateOptions{Count: 700, Fields: map[string]any{"note": "gen"}})
			require.NoError(t, err)
			assert.Equal(t, 700, got.Count)
			n, err := rs.Count(ctx, store.Scope{Project: "p"}, "/orders", store.Query{})
			require.NoError(t, err)
			assert.Equal(t, 3+3+700, n)
			rec, err := rs.Get(ctx, store.Scope{Project: "p"}, "/orders", "5")
			require.NoError(t, err)
			assert.JSONEq(t, `{"id":"5","total":1}`, string(rec.Data), "a record there stays as it was")
		})
	}
}
