package store

import (
	"encoding/json"
	"github.com/mockapi-go/mockapi/store/driver"
	"math"
	"strings"
	"unicode/utf8"
)

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
		k, err := driver.ParseKeyset(q.After)
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
	k := driver.Keyset{SortBy: q.SortBy, Descending: q.Descending, ID: rec.ID}
	if q.SortBy != "" {
		k.Key = driver.KeyOfData(rec.Data, q.SortBy)
	}
	return k.String()
}
