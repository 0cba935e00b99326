package mock

// Records generated on demand into a resource's collection.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/brianvoe/gofakeit/v6"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mockapi-go/mockapi/store"
)

// Bounds of Handler.Generate: the records of one call, and the records a
// collection may hold for a call to add more.
const (
	MaxGenerate      = 10_000
	MaxGeneratedSize = 100_000
)

// GeneratePreview is how many records Generated.Preview holds at most.
const GeneratePreview = 5

// ErrNoResource is the error of Generate for a name that is no resource of
// the handler.
var ErrNoResource = errors.New("mock: no such resource")

// GenerateOptions say what Handler.Generate writes.
type GenerateOptions struct {
	// Count is how many records to write, 1..MaxGenerate.
	Count int
	// Fields sets properties of every record. A []any value is a list each
	// record draws one of its values from; any other value (a string,
	// number, object...) is every record's value. For a property whose
	// schema is an array, a list of lists is drawn from and any other list
	// is the value. Each value must be valid for the property's schema,
	// and the resource's id property cannot be set: ids are assigned.
	Fields map[string]any
	// Replace removes the collection's records first (with every visitor
	// session's changes to them), so that it holds only the new ones.
	// Otherwise the new records are added to those there.
	Replace bool
}

// Generated is what Handler.Generate wrote.
type Generated struct {
	// Resource is the resource's Name.
	Resource string
	// Count is how many records were written.
	Count int
	// Preview holds the first records written (at most GeneratePreview),
	// as they are stored and served.
	Preview []json.RawMessage
}

// A FieldError is a custom field value Generate refuses: the property is
// not the resource's, is its id, or its schema refuses the value.
type FieldError struct {
	// Field is the property's name, as given in GenerateOptions.Fields.
	Field string
	// Reason says what is wrong with it.
	Reason string
}

// Error names the field.
func (e *FieldError) Error() string { return "mock: field " + strconv.Quote(e.Field) + ": " + e.Reason }

// A GenerateError is options Generate refuses that are not about one
// field: a count out of range, a nested resource, a collection already full.
type GenerateError struct {
	// Option is what is refused: "count" or "resource".
	Option string
	Reason string
}

// Error returns the reason.
func (e *GenerateError) Error() string { return "mock: generate: " + e.Reason }

// resourceNamed finds a resource by Name or by collection path template.
func (h *Handler) resourceNamed(name string) *resource {
	for _, res := range h.resourceList {
		if res.Name == name || res.Collection == name {
			return res
		}
	}
	return nil
}

// Generate writes records into the shared data of a top-level resource's
// collection (not a visitor session's), named by its Resource.Name or its
// collection path template ("/pets"). Values come from the resource's
// schema, as seed records' do, and are deterministic under the handler's
// seed (WithSeed): the same call on the same collection writes the same
// records. Integer ids continue after the collection's highest; other ids
// are drawn like seed ids, avoiding those taken.
//
// It fails with ErrNoResource for an unknown name, a *FieldError for a
// field value it refuses, and a *GenerateError for other options out of
// range or a nested resource (whose collections belong to each parent);
// nothing is written then. A value the schema accepts alone but refuses
// with a record's generated values is tried with other generated values;
// when none fits (after 8 tries) the call fails with a *FieldError, the
// batches before that record written. A store error too may leave whole
// batches (of 500 records) written.
func (h *Handler) Generate(ctx context.Context, name string, o GenerateOptions) (*Generated, error) {
	if h.state == nil {
		return nil, fmt.Errorf("%w: %q (the handler is stateless)", ErrNoResource, name)
	}
	res := h.resourceNamed(name)
	if res == nil {
		return nil, fmt.Errorf("%w: %q", ErrNoResource, name)
	}
	if o.Count < 1 || o.Count > MaxGenerate {
		return nil, &GenerateError{Option: "count", Reason: fmt.Sprintf("count %d is not in 1..%d", o.Count, MaxGenerate)}
	}
	if res.nested {
		return nil, &GenerateError{Option: "resource", Reason: fmt.Sprintf("%s is nested: its records belong to each parent, and only top-level resources are generated", res.Collection)}
	}
	fields, err := h.checkFields(res, o.Fields)
	if err != nil {
		return nil, err
	}
	if err := h.ensureSeeded(ctx, res); err != nil {
		return nil, err
	}
	scope, coll := store.Scope{Project: h.cfg.project}, res.key
	if o.Replace {
		if err := h.state.records.Reset(ctx, scope, coll); err != nil {
			return nil, err
		}
	}
	have, err := h.state.records.Count(ctx, scope, coll, store.Query{})
	if err != nil {
		return nil, err
	}
	if have+o.Count > MaxGeneratedSize {
		return nil, &GenerateError{Option: "count", Reason: fmt.Sprintf("%s holds %d records; %d more would pass the bound of %d (replace them instead)",
			res.Collection, have, o.Count, MaxGeneratedSize)}
	}
	var next int64
	if res.idKind == idInteger {
		top, err := h.highestID(ctx, res, scope, coll)
		if err != nil {
			return nil, err
		}
		next = top + 1
	}
	defer h.forgetSeq(coll) // creates find the highest id again
	out := &Generated{Resource: res.Name}
	g := &generation{h: h, res: res, fields: fields, seed: strconv.FormatInt(h.cfg.seed, 10), coll: coll,
		next: next, used: map[string]bool{}}
	batch, _ := h.state.records.(batchCreator)
	var waits []generated
	// flush writes what waits: in one batch when the store takes batches;
	// else, or when one of the batch's ids was taken meanwhile, one by one.
	flush := func() error {
		if len(waits) == 0 {
			return nil
		}
		if batch != nil {
			recs := make([]store.NewRecord, len(waits))
			for i, w := range waits {
				recs[i] = store.NewRecord{ID: w.id, Data: w.data}
			}
			err := batch.CreateBatch(ctx, scope, coll, recs)
			if err == nil {
				for _, w := range waits {
					out.add(w.data)
				}
				waits = waits[:0]
				return nil
			}
			if !errors.Is(err, store.ErrConflict) {
				return err
			}
		}
		for _, w := range waits {
			data, err := g.write(ctx, scope, w)
			if err != nil {
				return err
			}
			out.add(data)
		}
		waits = waits[:0]
		return nil
	}
	for i := range o.Count {
		// Everything is made before anything is written: a value the
		// schema refuses with every record fails the first one.
		w, err := g.make(have + i)
		if err != nil {
			return out, err
		}
		waits = append(waits, w)
		if batch == nil || len(waits) == generateBatch {
			if err := flush(); err != nil {
				return out, err
			}
		}
	}
	return out, flush()
}

// generation is the state of one Generate call.
type generation struct {
	h      *Handler
	res    *resource
	fields generateFields
	seed   string
	coll   string
	next   int64           // the next integer id
	used   map[string]bool // ids given in this call
}

// generated is one record made, not yet written.
type generated struct {
	obj  map[string]any
	f    *gofakeit.Faker
	id   string
	data json.RawMessage
}

// maxGenerateTries bounds how many records are generated at one position
// before a custom value the schema refuses with them fails the call.
const maxGenerateTries = 8

// make generates the record at position pos of the collection: from the
// schema, with the custom fields, under an id. When the schema refuses the
// custom values with the generated ones, other generated values are
// tried, a bounded number of times.
func (g *generation) make(pos int) (generated, error) {
	for try := 0; ; try++ {
		parts := []string{g.seed, g.coll, "generate", strconv.Itoa(pos)}
		if try > 0 {
			parts = append(parts, strconv.Itoa(try))
		}
		f := seededFaker(parts...)
		obj := g.h.generateVaried(f, g.res.item)
		for _, name := range g.fields.names {
			v := g.fields.values[name]
			if g.fields.draw[name] {
				list := v.([]any)
				v = list[f.Rand.Intn(len(list))]
			}
			obj[name] = deepCopy(v)
		}
		next := g.next
		id, data, err := g.h.shapeGenerated(g.res, obj, f, &g.next, pos, g.used, g.fields.names)
		if err == nil {
			return generated{obj: obj, f: f, id: id, data: data}, nil
		}
		g.next = next
		delete(g.used, id)
		var fe *FieldError
		if !errors.As(err, &fe) || try == maxGenerateTries-1 {
			return generated{}, err
		}
	}
}

// write creates one record, under a fresh id when its own is taken.
func (g *generation) write(ctx context.Context, scope store.Scope, w generated) (json.RawMessage, error) {
	h, res := g.h, g.res
	id, data := w.id, w.data
	for attempt := 1; ; attempt++ {
		_, err := h.state.records.Create(ctx, scope, g.coll, id, data)
		if err == nil {
			return data, nil
		}
		if !errors.Is(err, store.ErrConflict) || attempt > 8 {
			return nil, err
		}
		var idv any
		if res.idKind == idInteger {
			id, idv = intStoreID(g.next), g.next
			g.next++
		} else if id, idv, err = h.nextID(ctx, res, scope, g.coll, attempt); err != nil {
			return nil, err
		}
		if data, err = h.shapeWithID(res, w.obj, w.f, idv, g.fields.names); err != nil {
			return nil, err
		}
	}
}

func (g *Generated) add(data json.RawMessage) {
	g.Count++
	if len(g.Preview) < GeneratePreview {
		g.Preview = append(g.Preview, data)
	}
}

// generateBatch is how many generated records are written at once, when
// the store takes batches.
const generateBatch = 500

// batchCreator is what a RecordStore offers to write many records at
// once; *store.Records does.
type batchCreator interface {
	CreateBatch(ctx context.Context, s store.Scope, collection string, recs []store.NewRecord) error
}

// generateFields are checked custom values, with their names in order so
// that records draw from lists in a fixed order.
type generateFields struct {
	names  []string
	values map[string]any
	draw   map[string]bool // the value is a list to draw from
}

// checkFields refuses what a record cannot hold: a property the schema
// does not have, the id property, an empty list, and values the
// property's schema refuses.
func (h *Handler) checkFields(res *resource, fields map[string]any) (generateFields, error) {
	out := generateFields{values: fields, draw: map[string]bool{}}
	for name := range fields {
		out.names = append(out.names, name)
	}
	slices.Sort(out.names)
	for _, name := range out.names {
		ps, ok := res.props[name]
		switch {
		case !ok:
			return out, &FieldError{Field: name, Reason: fmt.Sprintf("is not a property of %s's records", res.Collection)}
		case name == res.IDField:
			return out, &FieldError{Field: name, Reason: "is the id property: ids are assigned"}
		}
		values, isList := fields[name].([]any)
		if isList && isArraySchema(ps) && !slices.ContainsFunc(values, func(v any) bool { _, ok := v.([]any); return ok }) {
			isList = false // the array itself
		}
		out.draw[name] = isList
		if !isList {
			values = []any{fields[name]}
		} else if len(values) == 0 {
			return out, &FieldError{Field: name, Reason: "is an empty list: give at least one value to draw from"}
		}
		for i, v := range values {
			if err := h.checkValue(ps, v); err != nil {
				at := ""
				if isList {
					at = fmt.Sprintf(" (item %d of the list)", i)
				}
				return out, &FieldError{Field: name, Reason: fmt.Sprintf("value %s%s is refused by its schema: %s", short(v), at, firstLine(err.Error()))}
			}
		}
	}
	return out, nil
}

// shapeGenerated gives a generated record its id (the next integer, or
// one drawn like a seed id) and shapes it to the schema.
func (h *Handler) shapeGenerated(res *resource, obj map[string]any, f *gofakeit.Faker, next *int64, pos int, used map[string]bool, keep []string) (string, json.RawMessage, error) {
	var id string
	var idv any
	if res.idKind == idInteger {
		id, idv = intStoreID(*next), *next
		*next++
	} else {
		id, idv = h.seedID(f, res, pos, used)
	}
	used[id] = true
	data, err := h.shapeWithID(res, obj, f, idv, keep)
	return id, data, err
}

// shapeWithID shapes a generated record with its id to the schema. The id
// and the custom values (keep) must survive: a record the schema refuses
// with them is refused, never stored without them.
func (h *Handler) shapeWithID(res *resource, obj map[string]any, f *gofakeit.Faker, idv any, keep []string) (json.RawMessage, error) {
	if res.IDField != "" {
		obj[res.IDField] = idv
	}
	want := maps.Clone(obj)
	shaped, _ := h.shape(res.item, obj, func() *gofakeit.Faker { return f }, false, res.IDField).(map[string]any)
	if !kept(shaped, want, keep) {
		// The generated optional values may be what does not fit beside
		// the custom ones (maxProperties, a oneOf): without them, then.
		required := requiredOf(res.item)
		lean := maps.Clone(want)
		maps.DeleteFunc(lean, func(k string, _ any) bool { return !required[k] && k != res.IDField && !slices.Contains(keep, k) })
		if h.validFor(res.item, lean) {
			shaped = lean
		}
	}
	for _, name := range keep {
		if v, ok := shaped[name]; !ok || !jsonEqual(v, want[name]) {
			return nil, &FieldError{Field: name, Reason: fmt.Sprintf("value %s is refused by %s's schema together with the record's other values", short(want[name]), res.Collection)}
		}
	}
	if res.IDField != "" && !jsonEqual(shaped[res.IDField], idv) {
		return nil, &GenerateError{Option: "resource", Reason: fmt.Sprintf("%s's schema refuses the generated id %s", res.Collection, short(idv))}
	}
	return json.Marshal(shaped)
}

// kept reports whether shaped holds want's values of the names.
func kept(shaped, want map[string]any, names []string) bool {
	for _, name := range names {
		if v, ok := shaped[name]; !ok || !jsonEqual(v, want[name]) {
			return false
		}
	}
	return true
}

// forgetSeq drops the cached next integer ids of a base collection.
func (h *Handler) forgetSeq(coll string) {
	for _, res := range h.resourceList {
		res.seqMu.Lock()
		delete(res.seq, "\x00"+coll)
		res.seqMu.Unlock()
	}
}

// isArraySchema reports whether s describes arrays only.
func isArraySchema(s *openapi3.Schema) bool {
	return s.Type != nil && s.Type.Is(openapi3.TypeArray)
}

// short writes v as JSON, cut to 60 bytes.
func short(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 60 {
		return string(b[:57]) + "..."
	}
	return string(b)
}
