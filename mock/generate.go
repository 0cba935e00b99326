package mock

// Records generated on demand into a resource's collection.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
// nothing is written then. A store error may leave part of the records
// written.
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
	var next int64 // the next integer id
	if res.idKind == idInteger {
		top, err := h.highestID(ctx, res, scope, coll)
		if err != nil {
			return nil, err
		}
		next = top + 1
	}
	defer h.forgetSeq(coll) // creates find the highest id again
	seed := strconv.FormatInt(h.cfg.seed, 10)
	out := &Generated{Resource: res.Name}
	used := map[string]bool{}
	batch, _ := h.state.records.(batchCreator)
	type pending struct {
		obj map[string]any
		f   *gofakeit.Faker
		pos int
	}
	var (
		recs  []store.NewRecord
		waits []pending
	)
	// flush writes what is pending: in one batch when the store takes
	// batches, else, or when an id was taken meanwhile, one by one.
	flush := func() error {
		if len(waits) == 0 {
			return nil
		}
		if batch != nil {
			err := batch.CreateBatch(ctx, scope, coll, recs)
			if err == nil {
				out.Count += len(recs)
				for _, r := range recs {
					out.preview(r.Data)
				}
				recs, waits = recs[:0], waits[:0]
				return nil
			}
			if !errors.Is(err, store.ErrConflict) {
				return err
			}
		}
		for _, w := range waits {
			data, err := h.writeGenerated(ctx, res, scope, coll, w.obj, w.f, &next, w.pos, used)
			if err != nil {
				return err
			}
			out.Count++
			out.preview(data)
		}
		recs, waits = recs[:0], waits[:0]
		return nil
	}
	for i := range o.Count {
		pos := have + i
		f := seededFaker(seed, coll, "generate", strconv.Itoa(pos))
		obj := h.generateVaried(f, res.item)
		for _, name := range fields.names {
			v := fields.values[name]
			if fields.draw[name] {
				list := v.([]any)
				v = list[f.Rand.Intn(len(list))]
			}
			obj[name] = deepCopy(v)
		}
		if batch == nil {
			waits = append(waits, pending{obj, f, pos})
			if err := flush(); err != nil {
				return out, err
			}
			continue
		}
		id, data, err := h.shapeGenerated(res, obj, f, &next, pos, used)
		if err != nil {
			return out, err
		}
		recs = append(recs, store.NewRecord{ID: id, Data: data})
		waits = append(waits, pending{obj, f, pos})
		if len(recs) == generateBatch {
			if err := flush(); err != nil {
				return out, err
			}
		}
	}
	return out, flush()
}

// generateBatch is how many generated records are written at once, when
// the store takes batches.
const generateBatch = 500

// batchCreator is what a RecordStore offers to write many records at
// once; *store.Records does.
type batchCreator interface {
	CreateBatch(ctx context.Context, s store.Scope, collection string, recs []store.NewRecord) error
}

func (g *Generated) preview(data json.RawMessage) {
	if len(g.Preview) < GeneratePreview {
		g.Preview = append(g.Preview, data)
	}
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
func (h *Handler) shapeGenerated(res *resource, obj map[string]any, f *gofakeit.Faker, next *int64, pos int, used map[string]bool) (string, json.RawMessage, error) {
	var id string
	var idv any
	if res.idKind == idInteger {
		id, idv = intStoreID(*next), *next
		*next++
	} else {
		id, idv = h.seedID(f, res, pos, used)
	}
	used[id] = true
	data, err := h.shapeWithID(res, obj, f, idv)
	return id, data, err
}

func (h *Handler) shapeWithID(res *resource, obj map[string]any, f *gofakeit.Faker, idv any) (json.RawMessage, error) {
	if res.IDField != "" {
		obj[res.IDField] = idv
	}
	shaped := h.shape(res.item, obj, func() *gofakeit.Faker { return f }, false, res.IDField)
	return json.Marshal(shaped)
}

// writeGenerated stores one generated record under a fresh id, trying
// others while the id is taken, and returns its data.
func (h *Handler) writeGenerated(ctx context.Context, res *resource, scope store.Scope, coll string, obj map[string]any,
	f *gofakeit.Faker, next *int64, pos int, used map[string]bool) (json.RawMessage, error) {
	for attempt := 0; ; attempt++ {
		var id string
		var data json.RawMessage
		var err error
		if attempt == 0 || res.idKind == idInteger {
			id, data, err = h.shapeGenerated(res, obj, f, next, pos, used)
		} else {
			var idv any
			if id, idv, err = h.nextID(ctx, res, scope, coll, attempt); err == nil {
				data, err = h.shapeWithID(res, obj, f, idv)
			}
		}
		if err != nil {
			return nil, err
		}
		_, err = h.state.records.Create(ctx, scope, coll, id, data)
		if err == nil {
			return data, nil
		}
		if !errors.Is(err, store.ErrConflict) || attempt >= 8 {
			return nil, err
		}
	}
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
