package driver

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
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

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}
