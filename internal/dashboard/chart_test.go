package dashboard

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestColumns(t *testing.T) {
	t.Parallel()
	c := Columns("d", "Requests by day", "desc", "Requests", []Datum{
		{Label: "03-01", Value: 10}, {Label: "03-02", Value: 0}, {Label: "03-03", Value: 5, Text: "five"},
	})
	require.Len(t, c.Bars, 3)
	assert.False(t, c.Empty)
	assert.False(t, c.Horizontal)
	tallest, zero, half := c.Bars[0], c.Bars[1], c.Bars[2]
	assert.Equal(t, 160.0, tallest.H, "the largest value fills the plot")
	assert.Equal(t, 0.0, zero.H)
	assert.InDelta(t, tallest.H/2, half.H, 0.1, "heights are proportional")
	assert.Equal(t, tallest.Y+tallest.H, half.Y+half.H, "bars stand on one baseline")
	assert.Less(t, tallest.X+tallest.W, half.X, "bars do not overlap")
	assert.Equal(t, "10", tallest.Text)
	assert.Equal(t, "five", half.Text)
	for _, b := range c.Bars {
		assert.True(t, b.ShowLabel)
		assert.LessOrEqual(t, b.X+b.W, float64(c.Width))
	}

	// A month shows at most ten labels; the table keeps all.
	var month []Datum
	for i := range 31 {
		month = append(month, Datum{Label: "d", Value: float64(i)})
	}
	shown := 0
	for _, b := range Columns("m", "t", "d", "u", month).Bars {
		if b.ShowLabel {
			shown++
		}
	}
	assert.LessOrEqual(t, shown, 10)
	assert.Positive(t, shown)

	assert.True(t, Columns("e", "t", "d", "u", nil).Empty)
	assert.True(t, Columns("e", "t", "d", "u", []Datum{{Label: "x"}}).Empty)
}

func TestRows(t *testing.T) {
	t.Parallel()
	c := Rows("top", "Top endpoints", "desc", "Requests", []Datum{
		{Label: "GET /pets", Value: 8, Text: "8 · avg 1.0 ms"}, {Label: "POST /pets", Value: 2, Class: "s2"},
	})
	require.Len(t, c.Bars, 2)
	assert.True(t, c.Horizontal)
	assert.Equal(t, 4*c.Bars[1].W, c.Bars[0].W, "widths are proportional")
	assert.Less(t, c.Bars[0].Y, c.Bars[1].Y, "top to bottom")
	assert.LessOrEqual(t, c.Bars[0].ValueX, float64(c.Width), "the value fits")
	assert.Equal(t, "s2", c.Bars[1].Class)
	assert.Positive(t, c.Height)
}

// TestTemplates renders every page with empty data, and a chart whose
// labels try to break out of the SVG: they are escaped.
func TestTemplates(t *testing.T) {
	t.Parallel()
	tpl, err := ParseTemplates()
	require.NoError(t, err)
	for _, name := range []string{"login", "error"} {
		rec := httptest.NewRecorder()
		require.NoError(t, tpl.Render(rec, 200, name, Page{Root: "/_admin/ui", Title: "T", CSRF: "c", Error: "<b>bad</b>"}))
		assert.Equal(t, CSP, rec.Header().Get("Content-Security-Policy"))
		assert.Equal(t, "text/html; charset=utf-8", rec.Header().Get("Content-Type"))
		assert.Contains(t, rec.Body.String(), "&lt;b&gt;bad&lt;/b&gt;")
	}
	rec := httptest.NewRecorder()
	assert.Error(t, tpl.Render(rec, 200, "nope", Page{}))

	chart := Rows("x", "T", "D", "U", []Datum{{Label: `</text><script>alert(1)</script>`, Value: 1}})
	var buf bytes.Buffer
	require.NoError(t, tpl.pages["error"].ExecuteTemplate(&buf, "chart", chart))
	assert.NotContains(t, buf.String(), "<script>")
	assert.Contains(t, buf.String(), "&lt;script&gt;")
	assert.Contains(t, buf.String(), `role="img"`)

	// A template that fails renders nothing of itself: a clean 500.
	rec = httptest.NewRecorder()
	err = tpl.Render(rec, 200, "analytics", Page{Data: 42})
	assert.Error(t, err)
	assert.Equal(t, 500, rec.Code)
	assert.False(t, strings.Contains(rec.Body.String(), "<html"))
}

func TestFuncs(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 1, 10, 4, 5, 0, time.FixedZone("x", 3600))
	tf := funcs["time"].(func(any) string)
	assert.Equal(t, "2026-03-01 09:04 UTC", tf(at))
	assert.Equal(t, "2026-03-01 09:04 UTC", tf(&at))
	assert.Equal(t, "never", tf((*time.Time)(nil)))
	assert.Equal(t, "never", tf(time.Time{}))
	dl := funcs["datetimeLocal"].(func(any) string)
	assert.Equal(t, "2026-03-01T09:04", dl(at))
	assert.Equal(t, "", dl(nil))
}

func TestStatic(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		path string
		want int
		typ  string
	}{
		{"/app.css", 200, "text/css; charset=utf-8"},
		{"/app.js", 200, "text/javascript; charset=utf-8"},
		{"/", 404, ""},
		{"/nope.js", 404, ""},
		{"/../templates/login.html", 404, ""},
	} {
		rec := httptest.NewRecorder()
		Static().ServeHTTP(rec, httptest.NewRequest("GET", "http://x"+tc.path, nil))
		assert.Equal(t, tc.want, rec.Code, tc.path)
		assert.Equal(t, CSP, rec.Header().Get("Content-Security-Policy"), tc.path)
		if tc.typ != "" {
			assert.Equal(t, tc.typ, rec.Header().Get("Content-Type"), tc.path)
		}
	}
}
