package driver

import (
	"context"
	"encoding/json"
	"time"
)

// Scope says which data a Records call sees: the project's shared base data
// (Session empty), or one visitor session's view, which reads base data plus
// the session's own writes and writes only to the session's overlay.
type Scope struct {
	Project string // required
	Session string // empty: base data
}

// Record is one JSON document in a collection.
type Record struct {
	ID        string
	Data      json.RawMessage // a JSON object
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Op is a comparison a Condition applies to a top-level field.
type Op string

// Comparisons. Numbers compare numerically, strings lexically (byte-wise,
// as Go compares strings) and booleans false before true; a record whose
// field is missing or of another JSON type than the value does not match
// (except for Ne, which it matches). Eq nil matches a field that is JSON
// null; Ne nil matches every record whose field is missing or not null.
// Like matches a string field that contains the value's text, ignoring case
// (Unicode simple case folding by lower-casing both); its value must be a
// string, and % and _ in it are plain characters.
const (
	Eq   Op = "eq"
	Ne   Op = "ne"
	Gt   Op = "gt"
	Gte  Op = "gte"
	Lt   Op = "lt"
	Lte  Op = "lte"
	Like Op = "like"
)

// Condition keeps records whose top-level Field compares to Value by Op.
// Value is a JSON scalar as decoded by encoding/json: string, float64,
// bool or nil (Eq and Ne only); other Go numbers (int, uint8, json.Number,
// ...) are taken as float64. Anything else, an unknown Op or an empty Field
// is ErrInvalid. Field is a plain key, never a path: "a.b" is the key
// "a.b".
type Condition struct {
	Field string
	Op    Op
	Value any
}

// Query selects and orders a page of records.
type Query struct {
	// Filter keeps records whose top-level field equals the JSON value, for
	// every entry (e.g. {"status": "sold"}); nil keeps all.
	Filter map[string]any
	// Where keeps records that meet every condition, in addition to Filter.
	Where []Condition
	// Search keeps records in which some string value (at any depth)
	// contains the text, ignoring case; empty keeps all.
	Search string
	// SortBy orders by a top-level field; empty orders by id. Values of
	// one JSON type compare as in Condition; across types, booleans come
	// before numbers, numbers before strings, strings before arrays and
	// objects (which tie). Records missing the field or holding null come
	// last, ties are broken by id.
	SortBy string
	// Descending reverses the order (ties by id included), except that
	// records missing the SortBy field still come last.
	Descending bool
	// Limit is the page size; zero means 50. At most 1000.
	Limit int
	// Offset skips that many matching records before the page (page-number
	// pagination); it costs O(offset). Use After for deep listings.
	Offset int
	// After is the Cursor of the previous page; empty for the first page.
	// Cursors are opaque keyset positions (sort value and id): records
	// created or deleted between pages neither repeat nor hide others. A
	// cursor that is malformed or comes from a listing in another order
	// (SortBy, Descending) is ErrInvalid.
	After string
}

// Page is one page of a listing.
type Page struct {
	Records []*Record
	// Cursor continues the listing (Query.After); empty on the last page.
	Cursor string
}

// Records stores JSON documents in named collections per project. Listings
// are ordered by record id (or Query.SortBy) and paged by keyset, so a page
// ordered by id costs O(page) on every backend, not O(collection), when the
// query selects nothing (no Filter, Where or Search); see each backend for
// the cost of the others.
type Records interface {
	// Create stores a record. An empty id is assigned by the store; an id
	// visible in the scope is ErrConflict. data must be a JSON object.
	Create(ctx context.Context, s Scope, collection, id string, data json.RawMessage) (*Record, error)
	// Get returns the record visible in the scope, or ErrNotFound.
	Get(ctx context.Context, s Scope, collection, id string) (*Record, error)
	// Replace replaces the data of a record visible in the scope.
	Replace(ctx context.Context, s Scope, collection, id string, data json.RawMessage) (*Record, error)
	// Patch applies a JSON merge patch (RFC 7396) to a record visible in the
	// scope and returns the result.
	Patch(ctx context.Context, s Scope, collection, id string, patch json.RawMessage) (*Record, error)
	// Update replaces the data of a record visible in the scope with what
	// change returns for its current data, atomically: no other write to
	// the record lands between the read change sees and the write of its
	// result, on every backend (read-modify-write without lost updates,
	// for changes the store cannot express, such as a JSON Patch). change
	// is called once, with the record locked, so it must be quick and must
	// not call the store; its result must be a JSON object (else
	// ErrInvalid). An error from change aborts the update and is returned
	// unchanged, so callers can test it with errors.Is or errors.As.
	Update(ctx context.Context, s Scope, collection, id string, change func(data json.RawMessage) (json.RawMessage, error)) (*Record, error)
	// Delete removes a record visible in the scope. In a session it hides
	// the base record from that session only.
	Delete(ctx context.Context, s Scope, collection, id string) error
	// List returns a page of the records visible in the scope.
	List(ctx context.Context, s Scope, collection string, q Query) (*Page, error)
	// Count returns how many records visible in the scope match the query's
	// Filter, Where and Search (its other fields are ignored).
	Count(ctx context.Context, s Scope, collection string, q Query) (int, error)
	// Reset removes a collection (every collection when collection is
	// empty). In the base scope it removes base data and every session's
	// overlay of it; in a session it drops only that session's overlay, so
	// the session sees base data again.
	Reset(ctx context.Context, s Scope, collection string) error
	// DeleteSession drops everything a session wrote in the project.
	DeleteSession(ctx context.Context, project, session string) error
}

// NewRecord is one record of a batch to create: its id (never empty
// through a Store) and data.
type NewRecord struct {
	ID   string
	Data json.RawMessage
}

// BatchCreator is implemented by drivers that create many records of one
// collection in one call, all or none, at the cost of about one round
// trip and one commit per batch instead of per record. An id visible in
// the scope is ErrConflict, and then nothing is created.
type BatchCreator interface {
	CreateBatch(ctx context.Context, s Scope, collection string, recs []NewRecord) error
}

// ListCounter is implemented by drivers that can list a page and count
// the records its query selects in one call, a round trip fewer than List
// then Count. The count is Count's for the query: Filter, Where and
// Search only.
type ListCounter interface {
	ListCount(ctx context.Context, s Scope, collection string, q Query) (*Page, int, error)
}
