package mock

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/brianvoe/gofakeit/v6"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mockapi-go/mockapi/internal/oas"
	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/store"
)

// listControl is what a query parameter of a list request controls.
type listControl uint8

const (
	ctlNone listControl = iota
	ctlPage
	ctlLimit
	ctlOffset
	ctlSort
	ctlOrder
	ctlSearch
)

// listControls names the json-server, Mockoon and common API parameters,
// normalised (lower case, no "_" or "$").
var listControls = map[string]listControl{
	"page": ctlPage, "pagenumber": ctlPage, "pageno": ctlPage, "pagenum": ctlPage,
	"limit": ctlLimit, "perpage": ctlLimit, "pagesize": ctlLimit, "size": ctlLimit, "maxresults": ctlLimit,
	"top": ctlLimit, "take": ctlLimit, "pagelimit": ctlLimit,
	"offset": ctlOffset, "start": ctlOffset, "skip": ctlOffset,
	"sort": ctlSort, "sortby": ctlSort, "orderby": ctlSort, "sortfield": ctlSort,
	"order": ctlOrder, "direction": ctlOrder, "sortorder": ctlOrder, "dir": ctlOrder, "sortdir": ctlOrder,
	"q": ctlSearch, "search": ctlSearch,
}

func normControl(name string) string {
	if !strings.ContainsAny(name, "_$-ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		return name // most names: nothing to do, nothing to allocate
	}
	return strings.ToLower(controlSeparators.Replace(name))
}

var controlSeparators = strings.NewReplacer("_", "", "$", "", "-", "")

var filterOps = []struct {
	suffix string
	op     store.Op
}{{"_gte", store.Gte}, {"_lte", store.Lte}, {"_ne", store.Ne}, {"_like", store.Like}, {"_gt", store.Gt}, {"_lt", store.Lt}}

// declaresQuery reports whether the operation declares the query
// parameter name itself.
func declaresQuery(p *opPlan, name string) bool {
	if p == nil || p.route == nil {
		return false
	}
	params := oas.Parameters(p.route.PathItem, p.route.Operation)
	return params.GetByInAndName("query", name) != nil
}

// listRequest is a list request's query turned into a store query.
type listRequest struct {
	q                  store.Query
	page, limit        int
	paged              bool // the client asked for a page
	pageName, sizeName string
	offsetName         string
	query              url.Values // the request's, parsed once
}

const maxListLimit = 1000

func (h *Handler) listRequest(r *http.Request, p *opPlan, res *resource, maxItems int) (listRequest, *problem.Problem) {
	lr := listRequest{page: 1, limit: maxListLimit}
	props := res.props
	var sortField, order string
	hasLimit, hasPage := false, false
	bad := func(name, v string) *problem.Problem {
		if declaresQuery(p, name) {
			// The API's own parameter (a page named by a word, say), which
			// validation accepted: not the mock's control to refuse (#15).
			return nil
		}
		pr := problem.New(http.StatusBadRequest, problem.CodeValidation,
			fmt.Sprintf("query parameter %s=%q is not a non-negative integer", name, v))
		return &pr
	}
	lr.query = r.URL.Query()
	for name, vals := range lr.query {
		if len(vals) == 0 {
			continue
		}
		v := vals[0]
		switch listControls[normControl(name)] {
		case ctlPage:
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				if pr := bad(name, v); pr != nil {
					return lr, pr
				}
				continue
			}
			lr.page, lr.pageName, hasPage = max(n, 1), name, true
			continue
		case ctlLimit:
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				if pr := bad(name, v); pr != nil {
					return lr, pr
				}
				continue
			}
			lr.limit, lr.sizeName, hasLimit = n, name, true
			continue
		case ctlOffset:
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				if pr := bad(name, v); pr != nil {
					return lr, pr
				}
				continue
			}
			lr.q.Offset, lr.offsetName = n, name
			continue
		case ctlSort:
			sortField = v
			continue
		case ctlOrder:
			order = strings.ToLower(v)
			continue
		case ctlSearch:
			lr.q.Search = v
			continue
		}
		field, op := name, store.Eq
		if _, ok := props[field]; !ok {
			for _, fo := range filterOps {
				if base, found := strings.CutSuffix(name, fo.suffix); found {
					field, op = base, fo.op
					break
				}
			}
		}
		ps, ok := props[field]
		if !ok {
			continue // not a field of the resource: a parameter of the API
		}
		value, ok := filterValue(ps, v, op)
		if !ok {
			continue
		}
		lr.q.Where = append(lr.q.Where, store.Condition{Field: field, Op: op, Value: value})
	}
	for _, f := range strings.Split(sortField, ",") {
		f = strings.TrimSpace(f)
		desc := strings.HasPrefix(f, "-")
		f = strings.TrimLeft(f, "+-")
		if _, ok := props[f]; ok {
			lr.q.SortBy, lr.q.Descending = f, desc
			break
		}
	}
	if order == "desc" || order == "descending" {
		lr.q.Descending = true
	}
	if lr.q.SortBy == res.IDField && res.idKind == idInteger {
		lr.q.SortBy = "" // the store's id order is numeric (intStoreID) and keyset-paged
	}
	if hasPage && !hasLimit {
		lr.limit = 10 // json-server's page size
	}
	lr.paged = hasPage || hasLimit || lr.offsetName != ""
	lr.limit = min(lr.limit, maxListLimit)
	if maxItems > 0 {
		lr.limit = min(lr.limit, maxItems)
	}
	if hasPage {
		lr.q.Offset += (lr.page - 1) * lr.limit
	}
	lr.q.Limit = lr.limit
	return lr, nil
}

// filterValue converts a filter's text to the property's JSON type.
func filterValue(ps *openapi3.Schema, raw string, op store.Op) (any, bool) {
	if op == store.Like {
		return raw, true
	}
	if raw == "null" && (op == store.Eq || op == store.Ne) {
		return nil, true
	}
	return convertParam(ps, raw)
}

func (h *Handler) crudList(w http.ResponseWriter, r *http.Request, p *opPlan, cp *crudPlan, scope store.Scope, coll string, faker func() *gofakeit.Faker) {
	res := cp.res
	sp := p.primary
	var schema *openapi3.Schema
	rawJSON := false // records the handler wrote itself can be sent as stored
	if sp != nil {
		if mp := negotiate(r.Header.Get("Accept"), sp.media); mp != nil {
			schema, rawJSON = mp.schema, mp.kind == renderJSON
		}
	}
	ls := h.listShapeOf(schema)
	itemS, prop, maxItems := ls.items, ls.prop, ls.maxItems
	if itemS == nil || !isObjectSchema(itemS) {
		h.respond(w, r, p, controls{}, nil) // this response does not list resources
		return
	}
	lr, pr := h.listRequest(r, p, res, maxItems)
	if pr != nil {
		h.stateProblem(w, r, p, *pr)
		return
	}
	ctx := r.Context()
	page, total, err := h.listCount(ctx, scope, coll, lr)
	if err != nil {
		h.storeFailed(w, r, err)
		return
	}
	if len(page.Records) < ls.minItems {
		// Fewer records than the list's minItems (an empty nested
		// collection, a last page): a stored listing would not validate,
		// so the answer is a generated one, as for a stateless operation.
		h.respond(w, r, p, controls{}, nil)
		return
	}
	hdr := w.Header()
	hdr.Set("X-Total-Count", strconv.Itoa(total))
	var links []pageLink
	if lr.limit > 0 {
		links = pageLinks(r, lr, total)
	}
	if lr.paged && lr.limit > 0 {
		hdr.Set("Link", linkHeader(links))
	}
	var raw [][]byte // the records, while every one goes out as stored
	var items []any  // the items, once one does not
	allRaw := true   // every item is a record as stored, valid by construction
	for _, rec := range page.Records {
		// A record written since this handler was built was shaped to the
		// item schema then: as JSON it goes out as stored, not decoded and
		// encoded again.
		if itemS == res.item {
			rec = h.reshapeStored(ctx, scope, coll, res, rec, faker)
		}
		trusted := itemS == res.item && h.trusted(rec)
		if trusted && rawJSON && isJSONObject(rec.Data) {
			if allRaw {
				raw = append(raw, rec.Data)
			} else {
				items = append(items, json.RawMessage(rec.Data))
			}
			continue
		}
		if allRaw {
			allRaw = false
			items = make([]any, 0, len(page.Records))
			for _, d := range raw {
				items = append(items, json.RawMessage(d))
			}
		}
		var data map[string]any
		if json.Unmarshal(rec.Data, &data) != nil {
			continue
		}
		items = append(items, h.shape(itemS, data, faker, trusted, res.IDField))
	}
	var list any = items
	if allRaw {
		list = joinRaw(raw) // the page as one JSON array
	}
	h.respondValue(w, r, p, sp, 0, faker, func(s *openapi3.Schema) (any, bool) {
		if s != schema || itemS == nil {
			return nil, false
		}
		if prop == "" {
			return list, true
		}
		// counts sets the envelope's counts; it reports false when one of
		// them is not valid for its property (and is left out).
		counts := func(env map[string]any) bool {
			all := true
			for _, c := range ls.counters {
				var v int
				switch c.count {
				case countTotal:
					v = total
				case countPage:
					v = lr.page
				case countLimit:
					v = lr.limit
				case countOffset:
					v = lr.q.Offset
				case countPages:
					if lr.limit == 0 {
						continue
					}
					v = (total + lr.limit - 1) / lr.limit
				}
				if h.validFor(c.schema, v) {
					env[c.name] = v
				} else {
					all = false
				}
			}
			return all
		}
		if allRaw && ls.splits && ls.countsOnly {
			// Nothing to generate: the items and the counts are the
			// whole envelope, when that is valid.
			env := make(map[string]any, len(ls.props))
			env[prop] = []any{}
			if counts(env) && h.validFor(s, env) {
				env[prop] = list
				return env, true
			}
		}
		env := h.generateObject(faker(), ls.skeleton)
		env[prop] = list
		counts(env)
		if lr.limit > 0 {
			h.setPageLinks(r, s, ls.props, env, links)
		}
		if allRaw && ls.splits {
			// The items are valid and within maxItems (lr.limit): the
			// envelope is valid if it is with no items.
			env[prop] = []any{}
			ok := h.validFor(s, env)
			env[prop] = list
			return env, ok
		}
		if !h.validFor(s, env) {
			return nil, false
		}
		return env, true
	})
}

// listShape is what a list response's schema says about the listing,
// worked out once per schema (listShapeOf).
type listShape struct {
	items    *openapi3.Schema // the item schema, nil when the schema lists nothing
	prop     string           // the envelope's array property, "" for a bare array
	maxItems int              // the array's maxItems, 0 for none
	minItems int              // the array's minItems, 0 for none
	props    map[string]*openapi3.Schema
	splits   bool             // envelopeSplits
	skeleton *openapi3.Schema // the envelope with an empty array: what is generated around the items
	counters []counterField   // the envelope's numeric properties that count the listing
	// countsOnly: the envelope's properties are the items and counters
	// only, so nothing of it needs generating.
	countsOnly bool
}

// counterField is an envelope property set to one of the listing's counts.
type counterField struct {
	name   string
	schema *openapi3.Schema
	count  listCount
}

type listCount uint8

const (
	countTotal listCount = iota
	countPage
	countLimit
	countOffset
	countPages
)

// countNames names the envelope properties of each count, normalised as
// normControl does.
var countNames = map[string]listCount{
	"total": countTotal, "totalcount": countTotal, "count": countTotal, "totalitems": countTotal,
	"totalelements": countTotal, "totalresults": countTotal, "totalrecords": countTotal, "numfound": countTotal,
	"page": countPage, "currentpage": countPage, "pagenumber": countPage,
	"perpage": countLimit, "pagesize": countLimit, "limit": countLimit, "size": countLimit,
	"offset": countOffset, "skip": countOffset, "start": countOffset,
	"totalpages": countPages, "pages": countPages, "pagecount": countPages, "lastpage": countPages,
}

func (h *Handler) listShapeOf(s *openapi3.Schema) *listShape {
	if s == nil {
		return &listShape{}
	}
	if ls, ok := h.listShapes.Load(s); ok {
		return ls.(*listShape)
	}
	ls := &listShape{skeleton: s}
	ls.items, ls.prop = listItems(s)
	arr := s
	if ls.prop != "" {
		ls.props = properties(s)
		arr = ls.props[ls.prop]
		ls.splits = envelopeSplits(s, ls.prop)
	}
	if arr != nil && arr.MaxItems != nil {
		ls.maxItems = int(*arr.MaxItems)
	}
	if arr != nil {
		ls.minItems = int(min(arr.MinItems, 1<<20))
	}
	for _, name := range slices.Sorted(maps.Keys(ls.props)) {
		ps := ls.props[name]
		if ps.Type == nil || !(ps.Type.Is(openapi3.TypeInteger) || ps.Type.Is(openapi3.TypeNumber)) {
			continue
		}
		if c, ok := countNames[normControl(name)]; ok {
			ls.counters = append(ls.counters, counterField{name, ps, c})
		}
	}
	ls.countsOnly = ls.prop != "" && len(ls.props) == len(ls.counters)+1
	if ls.splits {
		// Generating the envelope would generate items only to drop them.
		sk := *s
		sk.Properties = maps.Clone(s.Properties)
		none := uint64(0)
		sk.Properties[ls.prop] = &openapi3.SchemaRef{Value: &openapi3.Schema{
			Type: &openapi3.Types{openapi3.TypeArray}, Items: arr.Items, MaxItems: &none}}
		ls.skeleton = &sk
	}
	v, _ := h.listShapes.LoadOrStore(s, ls)
	return v.(*listShape)
}

// envelopeSplits reports an envelope schema s whose validity, for a value
// whose array property prop holds valid items no more than maxItems, is
// the validity of the same value with no items: nothing in s or in the
// array's schema looks at the items together or at prop's value from
// elsewhere.
func envelopeSplits(s *openapi3.Schema, prop string) bool {
	if len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) != 0 || s.Not != nil || s.If != nil || s.Then != nil || s.Else != nil ||
		len(s.Enum) != 0 || s.Const != nil || len(s.DependentSchemas) != 0 || len(s.PatternProperties) != 0 ||
		s.UnevaluatedProperties.Has != nil || s.UnevaluatedProperties.Schema != nil || s.Properties[prop] == nil {
		return false
	}
	a := s.Properties[prop].Value
	return a != nil && a.Type != nil && a.Type.Is(openapi3.TypeArray) && a.MinItems == 0 && !a.UniqueItems &&
		len(a.AllOf)+len(a.AnyOf)+len(a.OneOf) == 0 && a.Not == nil && a.If == nil && a.Then == nil && a.Else == nil &&
		len(a.Enum) == 0 && a.Const == nil && a.Contains == nil && len(a.PrefixItems) == 0 &&
		a.UnevaluatedItems.Has == nil && a.UnevaluatedItems.Schema == nil && !a.Nullable
}

// pageLink is one link of a paged listing.
type pageLink struct{ rel, url string }

// pageLinks are the first, prev, next and last pages of a listing, in the
// pagination style the request used, as paths inside the handler's mount.
func pageLinks(r *http.Request, lr listRequest, total int) []pageLink {
	q := lr.query
	if q == nil {
		q = r.URL.Query()
	}
	// The page's own parameter (k1, set per link) and the page size (k2),
	// the rest of the query as the client sent it: url.Values.Encode's
	// output, without a copy of the query per link.
	k1, k2 := "_page", ""
	switch {
	case lr.pageName != "":
		k1 = lr.pageName
	case lr.offsetName != "":
		k1 = lr.offsetName
	}
	if lr.sizeName != "" {
		k2 = lr.sizeName
	} else if lr.pageName == "" && lr.offsetName == "" {
		k2 = "_limit"
	}
	keys := make([]string, 0, len(q)+2)
	for k := range q {
		keys = append(keys, k)
	}
	for _, k := range []string{k1, k2} {
		if _, ok := q[k]; !ok && k != "" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	base := mountedPath(r) + "?"
	size := strconv.Itoa(lr.limit)
	n := len(base) + 2*len(k1) + len(k2) + len(size) + 24
	for k, vals := range q {
		for _, v := range vals {
			n += len(k) + len(v) + 2
		}
	}
	at := func(offset int) string {
		v := offset
		if k1 != lr.offsetName || lr.pageName != "" {
			v = offset/lr.limit + 1
		}
		var b strings.Builder
		b.Grow(n)
		b.WriteString(base)
		for i, k := range keys {
			vals := q[k]
			switch k {
			case k2:
				vals = []string{size}
			case k1:
				vals = []string{strconv.Itoa(v)}
			}
			for j, val := range vals {
				if i > 0 || j > 0 {
					b.WriteByte('&')
				}
				b.WriteString(url.QueryEscape(k))
				b.WriteByte('=')
				b.WriteString(url.QueryEscape(val))
			}
		}
		return b.String()
	}
	offset := lr.q.Offset
	last := 0
	if total > 0 {
		last = ((total - 1) / lr.limit) * lr.limit
	}
	links := make([]pageLink, 0, 4)
	links = append(links, pageLink{"first", at(0)})
	if offset > 0 {
		links = append(links, pageLink{"prev", at(max(offset-lr.limit, 0))})
	}
	if offset+lr.limit < total {
		links = append(links, pageLink{"next", at(offset + lr.limit)})
	}
	return append(links, pageLink{"last", at(last)})
}

// linkHeader builds an RFC 8288 Link header with first, prev, next and last
// pages.
func linkHeader(links []pageLink) string {
	var b strings.Builder
	n := 0
	for _, l := range links {
		n += len(l.url) + len(l.rel) + 12
	}
	b.Grow(n)
	for i, l := range links {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('<')
		b.WriteString(l.url)
		b.WriteString(`>; rel="`)
		b.WriteString(l.rel)
		b.WriteByte('"')
	}
	return b.String()
}

// linkFields names the envelope properties that hold a page link,
// normalised as normControl does.
var linkFields = map[string]string{
	"first": "first", "firstpage": "first", "firsturl": "first", "firstlink": "first", "firstpageurl": "first",
	"prev": "prev", "previous": "prev", "prevpage": "prev", "previouspage": "prev", "prevurl": "prev",
	"previousurl": "prev", "prevlink": "prev", "previouslink": "prev", "prevpageurl": "prev", "previouspageurl": "prev",
	"next": "next", "nextpage": "next", "nexturl": "next", "nextlink": "next", "nextpageurl": "next",
	"last": "last", "lastpageurl": "last", "lasturl": "last", "lastlink": "last",
}

// setPageLinks fills an envelope's string link properties (next, prev,
// ...) with the listing's own pages, so that a client following them stays
// inside the mock: the path, or an absolute URL when the schema wants one.
// A link with no page (no next on the last page) is null when the property
// allows it, left out when it is optional, and the last page otherwise.
func (h *Handler) setPageLinks(r *http.Request, s *openapi3.Schema, props map[string]*openapi3.Schema, env map[string]any, links []pageLink) {
	byRel := map[string]string{}
	for _, l := range links {
		byRel[l.rel] = l.url
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	for name, ps := range props {
		rel, ok := linkFields[normControl(name)]
		if !ok || ps.Type == nil || !ps.Type.Is(openapi3.TypeString) {
			continue
		}
		u, ok := byRel[rel]
		switch {
		case ok:
		case ps.Nullable:
			env[name] = nil
			continue
		case !slices.Contains(s.Required, name):
			delete(env, name)
			continue
		default:
			u = byRel["last"]
		}
		for _, v := range []string{u, scheme + "://" + r.Host + u} {
			if h.validFor(ps, v) {
				env[name] = v
				break
			}
		}
	}
}

// joinRaw makes one JSON array of JSON values.
func joinRaw(vals [][]byte) json.RawMessage {
	n := 2 + len(vals)
	for _, v := range vals {
		n += len(v)
	}
	b := make([]byte, 0, n)
	b = append(b, '[')
	for i, v := range vals {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, v...)
	}
	return append(b, ']')
}

// isJSONObject is a cheap sanity check of stored data, which the store
// keeps as JSON objects: braces at both ends.
func isJSONObject(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) >= 2 && b[0] == '{' && b[len(b)-1] == '}'
}

// listCounter is a RecordStore that lists a page and counts its query in
// one call (*store.Records does, in one round trip on the SQL stores).
type listCounter interface {
	ListCount(ctx context.Context, s store.Scope, collection string, q store.Query) (*store.Page, int, error)
}

// listCount returns the page a list request asks for (none when its
// limit is 0) and how many records its query selects.
func (h *Handler) listCount(ctx context.Context, scope store.Scope, coll string, lr listRequest) (*store.Page, int, error) {
	if lc, ok := h.state.records.(listCounter); ok && lr.limit > 0 {
		return lc.ListCount(ctx, scope, coll, lr.q)
	}
	page := &store.Page{}
	if lr.limit > 0 {
		var err error
		if page, err = h.state.records.List(ctx, scope, coll, lr.q); err != nil {
			return nil, 0, err
		}
	}
	total, err := h.state.records.Count(ctx, scope, coll, lr.q)
	if err != nil {
		return nil, 0, err
	}
	return page, total, nil
}
