package store

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"math"
	"strings"
	"unicode/utf8"
)

// Ranks order the JSON types of a sort field (SortKey.Rank): booleans, then
// numbers, then strings, then arrays and objects (which tie with each
// other), then records where the field is missing or null.
const (
	RankBool      = 1
	RankNumber    = 2
	RankString    = 3
	RankComposite = 4
	RankMissing   = 5
)

// SortKey is where a record falls in a listing sorted by a field. Backends
// that sort in their query language compute the same three values.
type SortKey struct {
	Rank int     // one of the Rank constants
	Num  float64 // a number's value; 1 for true; 0 otherwise
	Str  string  // a string's value; "" otherwise
}

// KeyOf returns the sort key of a field value as decoded by encoding/json
// (present false when the record lacks the field).
func KeyOf(v any, present bool) SortKey {
	if !present {
		return SortKey{Rank: RankMissing}
	}
	switch v := v.(type) {
	case nil:
		return SortKey{Rank: RankMissing}
	case bool:
		if v {
			return SortKey{Rank: RankBool, Num: 1}
		}
		return SortKey{Rank: RankBool}
	case float64:
		return SortKey{Rank: RankNumber, Num: v}
	case json.Number:
		f, _ := v.Float64()
		return SortKey{Rank: RankNumber, Num: f}
	case string:
		return SortKey{Rank: RankString, Str: v}
	default:
		return SortKey{Rank: RankComposite}
	}
}

// KeyOfData returns the sort key of a top-level field of a JSON object.
func KeyOfData(data json.RawMessage, field string) SortKey {
	var m map[string]any
	if json.Unmarshal(data, &m) != nil {
		return SortKey{Rank: RankMissing}
	}
	v, ok := m[field]
	return KeyOf(v, ok)
}

// Compare orders two keys ascending: by rank, then number, then string
// (byte-wise).
func (k SortKey) Compare(o SortKey) int {
	return cmp.Or(cmp.Compare(k.Rank, o.Rank), cmp.Compare(k.Num, o.Num), strings.Compare(k.Str, o.Str))
}

// Order compares two records for a listing sorted by a field: by key,
// reversed when desc except that missing keys stay last, then by id in the
// listing's direction.
func Order(a SortKey, aID string, b SortKey, bID string, desc bool) int {
	if !desc {
		return cmp.Or(a.Compare(b), strings.Compare(aID, bID))
	}
	am, bm := a.Rank == RankMissing, b.Rank == RankMissing
	if am != bm {
		if am {
			return 1
		}
		return -1
	}
	return cmp.Or(b.Compare(a), strings.Compare(bID, aID))
}

// Keyset is the position a listing continues after: the sort key and id of
// the last record of the previous page, and the order it was listed in.
// Query.After holds one as an opaque string; backends read it with
// ParseKeyset (the Store has already checked that it parses and belongs to
// the query's order).
type Keyset struct {
	SortBy     string  `json:"f,omitempty"`
	Descending bool    `json:"d,omitempty"`
	Key        SortKey `json:"k"`
	ID         string  `json:"i"`
}

// String returns the opaque cursor form of the keyset.
func (k Keyset) String() string {
	b, _ := json.Marshal(k)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ParseKeyset decodes a cursor made by Keyset.String; anything else is
// ErrInvalid.
func ParseKeyset(cursor string) (Keyset, error) {
	var k Keyset
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return k, invalid("malformed cursor %q", cursor)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&k); err != nil || dec.More() {
		return k, invalid("malformed cursor %q", cursor)
	}
	switch {
	case k.ID == "" || !validText(k.ID) || !validText(k.Key.Str) || !validText(k.SortBy):
		return k, invalid("malformed cursor %q", cursor)
	case k.SortBy == "" && k.Key != SortKey{}:
		return k, invalid("malformed cursor %q: a sort key without a sort field", cursor)
	case k.SortBy != "" && (k.Key.Rank < RankBool || k.Key.Rank > RankMissing):
		return k, invalid("malformed cursor %q: rank %d", cursor, k.Key.Rank)
	case math.IsNaN(k.Key.Num) || math.IsInf(k.Key.Num, 0):
		return k, invalid("malformed cursor %q", cursor)
	}
	return k, nil
}

// validText reports whether s can be stored as text by every backend.
func validText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

func validField(what, f string) error {
	switch {
	case f == "":
		return invalid("%s on an empty field name", what)
	case !validText(f):
		return invalid("%s on field %q: not valid UTF-8 text", what, f)
	}
	return nil
}

// scalar returns v as one of the Go types encoding/json decodes a JSON
// scalar to (string, float64, bool, nil), converting other numbers.
func scalar(v any) (any, bool) {
	var f float64
	switch v := v.(type) {
	case nil, bool:
		return v, true
	case string:
		return v, validText(v)
	case float64:
		f = v
	case float32:
		f = float64(v)
	case int:
		f = float64(v)
	case int8:
		f = float64(v)
	case int16:
		f = float64(v)
	case int32:
		f = float64(v)
	case int64:
		f = float64(v)
	case uint:
		f = float64(v)
	case uint8:
		f = float64(v)
	case uint16:
		f = float64(v)
	case uint32:
		f = float64(v)
	case uint64:
		f = float64(v)
	case json.Number:
		x, err := v.Float64()
		if err != nil {
			return nil, false
		}
		f = x
	default:
		return nil, false
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, false
	}
	return f, true
}

// checkQuery validates the parts of a query that select records (Filter,
// Where, Search) and normalises Where values for the backends.
func checkQuery(q *Query) error {
	for k, v := range q.Filter {
		if err := validField("filter", k); err != nil {
			return err
		}
		b, err := json.Marshal(v)
		if err != nil {
			return invalid("filter %q: %v", k, err)
		}
		if hasNULEscape(b) {
			return invalid("filter %q: a NUL character (\\u0000) matches nothing the store keeps", k)
		}
	}
	if len(q.Where) > 0 {
		where := make([]Condition, len(q.Where))
		for i, c := range q.Where {
			if err := validField("condition", c.Field); err != nil {
				return err
			}
			v, ok := scalar(c.Value)
			if !ok {
				return invalid("condition on %q: value %v (%T) is not a JSON scalar", c.Field, c.Value, c.Value)
			}
			switch c.Op {
			case Eq, Ne:
			case Gt, Gte, Lt, Lte:
				if v == nil {
					return invalid("condition on %q: %s null", c.Field, c.Op)
				}
			case Like:
				if _, ok := v.(string); !ok {
					return invalid("condition on %q: like %v (%T): want a string", c.Field, c.Value, c.Value)
				}
			default:
				return invalid("condition on %q: unknown op %q", c.Field, c.Op)
			}
			c.Value = v
			where[i] = c
		}
		q.Where = where // the caller's slice is left alone
	}
	if !validText(q.Search) {
		return invalid("search %q: not valid UTF-8 text", q.Search)
	}
	return nil
}

// checkListing validates the parts of a query that order and page a listing.
func checkListing(q *Query) error {
	switch {
	case q.Limit < 0 || q.Limit > 1000:
		return invalid("limit %d not in 0..1000", q.Limit)
	case q.Limit == 0:
		q.Limit = 50
	}
	if q.Offset < 0 {
		return invalid("negative offset %d", q.Offset)
	}
	if q.SortBy != "" {
		if err := validField("sort", q.SortBy); err != nil {
			return err
		}
	}
	if q.After != "" {
		k, err := ParseKeyset(q.After)
		if err != nil {
			return err
		}
		if k.SortBy != q.SortBy || k.Descending != q.Descending {
			return invalid("cursor of a listing in another order (sort %q, descending %t)", k.SortBy, k.Descending)
		}
	}
	return nil
}

// cursorAfter returns the cursor that continues a listing after rec.
func cursorAfter(q Query, rec *Record) string {
	k := Keyset{SortBy: q.SortBy, Descending: q.Descending, ID: rec.ID}
	if q.SortBy != "" {
		k.Key = KeyOfData(rec.Data, q.SortBy)
	}
	return k.String()
}
