package mockapi

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/mockapi-go/mockapi/internal/dashboard"
)

// dashLogPage is how many entries a page of the dashboard's logs shows.
const dashLogPage = 50

type logRow struct {
	Time                    time.Time
	Method, Path, Operation string
	Status, Class           int
	Latency                 string
	Key, Link               string
}

type logsData struct {
	Project                          string
	Status, Operation, KeyID, LinkID string
	Classes                          []string
	Ops                              []OperationInfo
	Keys                             []keyDoc
	Links                            []linkDoc
	Entries                          []logRow
	First, Next                      string
}

// logs shows a page of a project's request log, newest first, filtered as
// the management API's logs endpoint filters (status, operation_id, key_id,
// link_id), with the same cursor to page on.
func (d *dash) logs(w http.ResponseWriter, r *http.Request, c *dreq) {
	ctx := r.Context()
	id := r.PathValue("id")
	p, err := d.s.Project(ctx, id)
	if err != nil {
		d.failErr(w, r, c, "project", err)
		return
	}
	params := url.Values{}
	for name, vs := range r.URL.Query() {
		if len(vs) == 1 && vs[0] == "" {
			continue // an unset filter of the form
		}
		params[name] = vs
	}
	data := logsData{Project: id, Classes: []string{"2xx", "3xx", "4xx", "5xx"},
		Status: params.Get("status"), Operation: params.Get("operation_id"), KeyID: params.Get("key_id"), LinkID: params.Get("link_id")}
	data.Ops, _ = d.s.Operations(ctx, id) // a broken project still has a log
	ks, err := d.s.ListKeys(ctx, "")
	if err != nil {
		d.failErr(w, r, c, "keys", err)
		return
	}
	keyNames := map[string]string{}
	for _, k := range ks {
		data.Keys = append(data.Keys, d.s.newKeyDoc(k, ""))
		keyNames[k.ID] = cmp.Or(k.Name, k.Prefix+"…")
	}
	ls, err := d.s.ListLinks(ctx, id)
	if err != nil {
		d.failErr(w, r, c, "project", err)
		return
	}
	linkNames := map[string]string{}
	for _, l := range ls {
		data.Links = append(data.Links, d.s.newLinkDoc(l, ""))
		linkNames[l.ID] = cmp.Or(l.Name, l.Prefix+"…")
	}
	q, err := parseLogQuery(params)
	if err != nil {
		d.render(w, r, c, http.StatusBadRequest, "logs", "Logs of "+p.Name, "projects", err.Error(), data)
		return
	}
	q.Project, q.Limit = id, dashLogPage
	_ = d.s.rec.FlushContext(ctx)
	entries, err := d.s.st.RequestLog().Query(ctx, q)
	if err != nil {
		d.failErr(w, r, c, "logs", err)
		return
	}
	for _, e := range entries {
		row := logRow{Time: e.Time, Method: e.Method, Path: e.Path, Operation: e.Operation, Status: e.Status,
			Class: e.Status / 100, Latency: fmt.Sprintf("%.1f ms", millis(e.Latency))}
		if e.KeyID != "" {
			row.Key = cmp.Or(keyNames[e.KeyID], e.KeyID)
		}
		if e.LinkID != "" {
			row.Link = cmp.Or(linkNames[e.LinkID], e.LinkID)
		}
		data.Entries = append(data.Entries, row)
	}
	base := d.root + "/projects/" + url.PathEscape(id) + "/logs"
	if params.Has("cursor") {
		first := maps.Clone(params)
		first.Del("cursor")
		data.First = base + "?" + first.Encode()
	}
	if len(entries) == q.Limit {
		next := maps.Clone(params)
		next.Set("cursor", logCursor(entries[len(entries)-1].Cursor()))
		data.Next = base + "?" + next.Encode()
	}
	d.render(w, r, c, http.StatusOK, "logs", "Logs of "+p.Name, "projects", "", data)
}

type analyticsData struct {
	Project       string
	Period        string
	Periods       []string
	Total, Unique int
	PageViews     int
	JSON          string
	ByDay, Top    dashboard.Chart
	Status        dashboard.Chart
}

// maxFilledDays is the longest period whose chart has a bar for every
// day, those without requests included.
const maxFilledDays = 92

// analyticsPeriods are the periods the analytics page offers.
var analyticsPeriods = []string{"24h", "7d", "30d"}

func (d *dash) analyticsFor(w http.ResponseWriter, r *http.Request, c *dreq) (*Analytics, bool) {
	a, err := d.s.analyticsOf(r.Context(), r.PathValue("id"), r.URL.Query().Get("period"))
	if err != nil {
		var pe *periodError
		if errors.As(err, &pe) {
			d.fail(w, r, c, http.StatusBadRequest, err.Error())
		} else {
			d.failErr(w, r, c, "project", err)
		}
		return nil, false
	}
	return a, true
}

// analytics draws a project's statistics (every project's without an id)
// as SVG charts: requests by day, top endpoints with their average
// latency, status classes. analytics.json beside it answers the same
// numbers, as GET /_admin/.../analytics does.
func (d *dash) analytics(w http.ResponseWriter, r *http.Request, c *dreq) {
	a, ok := d.analyticsFor(w, r, c)
	if !ok {
		return
	}
	id := r.PathValue("id")
	data := analyticsData{Project: id, Period: a.Period, Periods: analyticsPeriods, Total: a.Total, Unique: a.Unique, PageViews: a.PageViews,
		JSON: d.root + "/analytics.json?period=" + url.QueryEscape(a.Period)}
	if !slices.Contains(data.Periods, a.Period) {
		data.Periods = append(slices.Clone(analyticsPeriods), a.Period)
	}
	title, section := "Analytics of every project", "analytics"
	if id != "" {
		p, err := d.s.Project(r.Context(), id)
		if err != nil {
			d.failErr(w, r, c, "project", err)
			return
		}
		title, section = "Analytics of "+p.Name, "projects"
		data.JSON = d.root + "/projects/" + url.PathEscape(id) + "/analytics.json?period=" + url.QueryEscape(a.Period)
	}

	// Every day of the period, those without requests too, up to a
	// quarter; a longer period shows the days that have requests.
	var days []dashboard.Datum
	if a.until.Sub(a.since) <= maxFilledDays*24*time.Hour {
		counts := map[string]int{}
		for _, day := range a.ByDay {
			counts[day.Date] = day.Count
		}
		for day := a.since.Truncate(24 * time.Hour); !day.After(a.until); day = day.Add(24 * time.Hour) {
			date := day.Format("2006-01-02")
			days = append(days, dashboard.Datum{Label: date[5:], Value: float64(counts[date]), Text: strconv.Itoa(counts[date])})
		}
	} else {
		for _, day := range a.ByDay {
			days = append(days, dashboard.Datum{Label: day.Date, Value: float64(day.Count), Text: strconv.Itoa(day.Count)})
		}
	}
	data.ByDay = dashboard.Columns("by-day", "Requests by day",
		fmt.Sprintf("%d requests over %s, by UTC day", a.Total, a.Period), "Requests", days)

	var top []dashboard.Datum
	for _, e := range a.Top {
		label := cmp.Or(e.Method+" "+e.Path, e.OperationID)
		if e.Method == "" {
			label = e.OperationID
		}
		if id == "" {
			label = e.ProjectID + ": " + label
		}
		top = append(top, dashboard.Datum{Label: label, Value: float64(e.Count),
			Text: fmt.Sprintf("%d · avg %.1f ms", e.Count, e.AvgMS)})
	}
	data.Top = dashboard.Rows("top", "Top endpoints, with average latency",
		"The most called endpoints, each with its request count and average response time", "Requests · latency", top)

	var classes []string
	for class := range a.ByStatus {
		classes = append(classes, class)
	}
	slices.Sort(classes)
	var status []dashboard.Datum
	for _, class := range classes {
		status = append(status, dashboard.Datum{Label: class, Value: float64(a.ByStatus[class]),
			Text: strconv.Itoa(a.ByStatus[class]), Class: "s" + class[:1]})
	}
	data.Status = dashboard.Rows("status", "Status classes", "Requests by the class of their answer's status", "Requests", status)
	d.render(w, r, c, http.StatusOK, "analytics", title, section, "", data)
}

// analyticsJSON answers the numbers the analytics page draws, in the shape
// of the management API's analytics endpoints, to a signed-in browser.
func (d *dash) analyticsJSON(w http.ResponseWriter, r *http.Request, c *dreq) {
	a, ok := d.analyticsFor(w, r, c)
	if !ok {
		return
	}
	b, err := json.Marshal(a)
	if err != nil {
		d.fail(w, r, c, http.StatusInternalServerError, err.Error())
		return
	}
	dashboard.SetHeaders(w.Header())
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}
