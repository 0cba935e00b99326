package mock

// Resource ids: the store id of a path or body id, and new ids.

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/brianvoe/gofakeit/v6"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mockapi-go/mockapi/internal/secret"
	"github.com/mockapi-go/mockapi/store"
)

// canonicalID turns an id from a path or a body into the store id and the
// value the id property holds.
func canonicalID(kind idKind, v any) (string, any, bool) {
	switch t := v.(type) {
	case string:
		if t == "" {
			return "", nil, false
		}
		if kind == idInteger {
			n, err := strconv.ParseInt(t, 10, 64)
			if err != nil {
				return "", nil, false
			}
			return intStoreID(n), n, true
		}
		return t, t, true
	case float64:
		if t != math.Trunc(t) || math.Abs(t) > 1<<53 {
			return "", nil, false
		}
		return canonicalID(kind, int64(t))
	case int64:
		if kind == idInteger {
			return intStoreID(t), t, true
		}
		return strconv.FormatInt(t, 10), strconv.FormatInt(t, 10), true
	case int:
		return canonicalID(kind, int64(t))
	case json.Number:
		if n, err := t.Int64(); err == nil {
			return canonicalID(kind, n)
		}
	}
	return "", nil, false
}

func randomFaker() *gofakeit.Faker {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return gofakeit.NewCustom(&splitMix{state: binary.LittleEndian.Uint64(b[:])})
}

// seedID is the id of the i-th seed record: 1, 2, 3... for integer ids,
// otherwise a value of the id schema, unique among the seeds.
func (h *Handler) seedID(f *gofakeit.Faker, res *resource, i int, used map[string]bool) (string, any) {
	if res.idKind == idInteger {
		n := i + 1
		for used[intStoreID(int64(n))] {
			n++
		}
		return intStoreID(int64(n)), int64(n)
	}
	if res.idKind == idUUID {
		u := uuidFrom(f) // one draw: the store key and the id shown are one value
		return u, u
	}
	if res.idSchema != nil && constrained(res.idSchema) {
		for range 8 {
			if v, err := h.gen.Value(f, res.idSchema, res.IDField); err == nil {
				if id, idv, ok := canonicalID(res.idKind, v); ok && !used[id] && !strings.ContainsAny(id, "/?#") {
					return id, idv
				}
			}
		}
	}
	n := i + 1
	for used[strconv.Itoa(n)] {
		n++
	}
	return strconv.Itoa(n), strconv.Itoa(n)
}

func constrained(s *openapi3.Schema) bool {
	return s.Pattern != "" || s.Format != "" || len(s.Enum) > 0 || s.MinLength > 0 || s.MaxLength != nil
}

func uuidFrom(f *gofakeit.Faker) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(f.Rand.Intn(256))
	}
	return formatUUID(b)
}

func formatUUID(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// maxSeqEntries bounds a resource's cache of next integer ids (one entry
// per session and collection): past it the cache starts over, and ids are
// found again from the store (highestID), at one extra query each.
const maxSeqEntries = 4096

// nextID assigns the id of a created resource.
func (h *Handler) nextID(ctx context.Context, res *resource, scope store.Scope, coll string, attempt int) (string, any, error) {
	switch res.idKind {
	case idInteger:
		key := scope.Session + "\x00" + coll
		res.seqMu.Lock()
		n, ok := res.seq[key]
		res.seqMu.Unlock()
		if !ok || attempt > 0 {
			top, err := h.highestID(ctx, res, scope, coll)
			if err != nil {
				return "", nil, err
			}
			n = max(n, top+1)
		}
		res.seqMu.Lock()
		if _, known := res.seq[key]; !known && len(res.seq) >= maxSeqEntries {
			clear(res.seq) // a cache: sessions and parents must not grow it without end
		}
		n = max(n, res.seq[key])
		res.seq[key] = n + 1
		res.seqMu.Unlock()
		return intStoreID(n), n, nil
	case idUUID:
		var b [16]byte
		_, _ = rand.Read(b[:])
		id := formatUUID(b)
		return id, id, nil
	}
	if res.idSchema != nil && constrained(res.idSchema) {
		f := randomFaker()
		for range 8 {
			if v, err := h.gen.Value(f, res.idSchema, res.IDField); err == nil {
				if id, idv, ok := canonicalID(res.idKind, v); ok && !strings.ContainsAny(id, "/?#") {
					return id, idv, nil
				}
			}
		}
	}
	id := secret.New("")[:16] // 96 random bits: unique enough for a mock's ids
	return id, id, nil
}

// highestID finds the largest integer id in a collection: the last id in
// store order, since integer ids are stored zero-padded.
func (h *Handler) highestID(ctx context.Context, res *resource, scope store.Scope, coll string) (int64, error) {
	page, err := h.state.records.List(ctx, scope, coll, store.Query{Descending: true, Limit: 1})
	if err != nil || len(page.Records) == 0 {
		return 0, err
	}
	n, _ := strconv.ParseInt(page.Records[0].ID, 10, 64)
	return n, nil
}

// displayID undoes intStoreID for messages.
func displayID(id string) string {
	if len(id) == 20 {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil {
			return strconv.FormatInt(n, 10)
		}
	}
	return id
}

// intStoreID is the store id of an integer id: zero-padded, so that the
// store's id order (the cheap, keyset-paged one) is numeric order.
func intStoreID(n int64) string {
	if n < 0 {
		return fmt.Sprintf("-%019d", -n)
	}
	return fmt.Sprintf("%020d", n)
}
