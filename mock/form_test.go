package mock

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/openapi"
)

func formSpec(schema string) string {
	return `
openapi: 3.0.3
info: {title: forms, version: "1"}
paths:
  /upload:
    post:
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema: ` + schema + `
          application/x-www-form-urlencoded:
            schema: ` + schema + `
      responses:
        "201":
          description: ok
          content:
            application/json:
              schema: {type: object, required: [ok], properties: {ok: {type: boolean}}}
`
}

type formField struct{ name, value, file string }

func multipartRequest(t *testing.T, fields []formField) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		if f.file != "" {
			w, err := mw.CreateFormFile(f.name, f.file)
			require.NoError(t, err)
			_, err = w.Write([]byte(f.value))
			require.NoError(t, err)
			continue
		}
		require.NoError(t, mw.WriteField(f.name, f.value))
	}
	require.NoError(t, mw.Close())
	return mw.FormDataContentType(), buf.String()
}

// Fields a form's schema does not declare are read alike in multipart and
// urlencoded bodies: not an error where the schema allows more properties.
func TestUndeclaredFormFields(t *testing.T) {
	t.Parallel()
	const (
		plain  = `{type: object, required: [name], properties: {name: {type: string}, age: {type: integer}}}`
		open   = `{type: object, additionalProperties: true, required: [name], properties: {name: {type: string}}}`
		typed  = `{type: object, additionalProperties: {type: string}, required: [name], properties: {name: {type: string}}}`
		closed = `{type: object, additionalProperties: false, required: [name], properties: {name: {type: string}}}`
		allOf  = `{allOf: [{type: object, required: [name], properties: {name: {type: string}}}, {type: object, properties: {age: {type: integer}}}]}`
	)
	token := formField{name: "apidogToken", value: "mk_x"}
	tests := []struct {
		name      string
		schema    string
		fields    []formField
		multipart int // status for a multipart body
		form      int // status for the same fields urlencoded; 0: not tried
	}{
		{"declared only", plain, []formField{{name: "name", value: "Rex"}}, 201, 201},
		{"apidogToken field", plain, []formField{{name: "name", value: "Rex"}, token}, 201, 201},
		{"undeclared file", plain, []formField{{name: "name", value: "Rex"}, {name: "photo", value: "\x89PNG", file: "a.png"}}, 201, 0},
		{"repeated undeclared field", plain, []formField{token, {name: "name", value: "Rex"}, token}, 201, 201},
		{"additionalProperties true", open, []formField{{name: "name", value: "Rex"}, token}, 201, 201},
		{"additionalProperties schema", typed, []formField{{name: "name", value: "Rex"}, token}, 201, 201},
		{"allOf", allOf, []formField{{name: "name", value: "Rex"}, {name: "age", value: "3"}, token}, 201, 201},
		{"additionalProperties false", closed, []formField{{name: "name", value: "Rex"}, token}, 422, 0},
		{"required field missing", plain, []formField{token}, 422, 422},
		{"declared field of the wrong type", plain, []formField{{name: "name", value: "Rex"}, {name: "age", value: "old"}, token}, 422, 0},
		{"allOf: declared field of the wrong type", allOf, []formField{{name: "name", value: "Rex"}, {name: "age", value: "old"}}, 422, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc, err := openapi.Parse(context.Background(), []byte(formSpec(tt.schema)))
			require.NoError(t, err)
			h, err := New(doc, WithoutState(), WithSelfCheck())
			require.NoError(t, err)

			ct, body := multipartRequest(t, tt.fields)
			rec := do(h, "POST", "/upload", body, "Content-Type", ct)
			assert.Equal(t, tt.multipart, rec.Code, "multipart: %s", rec.Body.String())
			if tt.form == 0 {
				return
			}
			vals := url.Values{}
			for _, f := range tt.fields {
				vals.Add(f.name, f.value)
			}
			rec = do(h, "POST", "/upload", vals.Encode(), "Content-Type", "application/x-www-form-urlencoded")
			assert.Equal(t, tt.form, rec.Code, "urlencoded: %s", rec.Body.String())
		})
	}
}

// The body the handler validated is still the body it answers from.
func TestMultipartBodyStaysReadable(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Parse(context.Background(), []byte(formSpec(`{type: object, properties: {name: {type: string}}}`)))
	require.NoError(t, err)
	h, err := New(doc, WithoutState())
	require.NoError(t, err)
	ct, body := multipartRequest(t, []formField{{name: "name", value: "Rex"}, {name: "apidogToken", value: "mk_x"}})
	r := httptest.NewRequest("POST", "/upload", strings.NewReader(body))
	r.Header.Set("Content-Type", ct)
	require.Nil(t, h.Check(r))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	assert.Equal(t, 201, rec.Code, rec.Body.String())
}

// Form fields kin-openapi's urlencoded decoder cannot read (no type, an
// object not deepObject-encoded, an array of objects or of untyped items,
// as in Twilio's descriptions) are read liberally and validated, instead
// of refusing a request the client built right (#15).
func TestUrlencodedFieldsKinCannotDecode(t *testing.T) {
	t.Parallel()
	const schema = `{type: object, required: [name], properties: {
        name: {type: string},
        layout: {description: untyped},
        participants: {type: array, items: {}},
        rules: {type: array, items: {type: object, required: [id], properties: {id: {type: integer}}}},
        details: {type: object, properties: {fields: {type: array, items: {}}}}}}`
	tests := []struct {
		name   string
		fields url.Values
		want   int
	}{
		{"untyped field", url.Values{"name": {"Rex"}, "layout": {`{"grid":{"max_rows":2}}`}}, 201},
		{"untyped field, plain text", url.Values{"name": {"Rex"}, "layout": {"grid"}}, 201},
		{"array of untyped items", url.Values{"name": {"Rex"}, "participants": {`{"identifier":"+15550100"}`, "x"}}, 201},
		{"array of objects", url.Values{"name": {"Rex"}, "rules": {`{"id":1}`, `{"id":2}`}}, 201},
		{"object as JSON", url.Values{"name": {"Rex"}, "details": {`{"fields":[1,"a"]}`}}, 201},
		{"array of objects as one JSON array", url.Values{"name": {"Rex"}, "rules": {`[{"id":1},{"id":2}]`}}, 201},
		{"array of objects, wrong item", url.Values{"name": {"Rex"}, "rules": {`{"id":"one"}`}}, 422},
		{"object, not an object", url.Values{"name": {"Rex"}, "details": {`[1]`}}, 422},
		{"required field missing", url.Values{"layout": {"grid"}}, 422},
	}
	doc, err := openapi.Parse(context.Background(), []byte(formSpec(schema)))
	require.NoError(t, err)
	h, err := New(doc, WithoutState(), WithSelfCheck())
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(h, "POST", "/upload", tt.fields.Encode(), "Content-Type", "application/x-www-form-urlencoded")
			assert.Equal(t, tt.want, rec.Code, rec.Body.String())
		})
	}
}

// Arrays declared deepObject and arrays of objects arrive in brackets from
// real clients (Stripe's libraries send expand[0]=data and
// line_items[0][price]=p): they are read into the values the schema
// describes, then validated, instead of being found missing (#15).
func TestUrlencodedBracketedFields(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Parse(context.Background(), []byte(`
openapi: 3.0.3
info: {title: forms, version: "1"}
paths:
  /links:
    post:
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            encoding:
              expand: {style: deepObject, explode: true}
              line_items: {style: deepObject, explode: true}
              tags: {style: form, explode: false}
            schema:
              type: object
              required: [line_items]
              properties:
                expand: {type: array, items: {type: string}}
                tags: {type: array, items: {type: string}}
                line_items:
                  type: array
                  minItems: 1
                  items:
                    type: object
                    required: [price]
                    properties:
                      price: {type: string}
                      quantity: {type: integer}
                      options: {type: array, items: {type: string}}
      responses:
        "201": {description: ok}
`))
	require.NoError(t, err)
	h, err := New(doc, WithoutState())
	require.NoError(t, err)
	tests := []struct {
		name string
		form string
		want int
	}{
		{"indexed", "line_items[0][price]=p1&line_items[0][quantity]=2&line_items[1][price]=p2&expand[0]=data&expand[1]=more", 201},
		{"empty brackets", "line_items[0][price]=p1&line_items[0][options][]=a&line_items[0][options][]=b&expand[]=data", 201},
		{"a price of digits stays a string", "line_items[0][price]=123", 201},
		{"form style arrays still read", "line_items[0][price]=p1&tags=a,b", 201},
		{"wrong item type", "line_items[0][price]=p1&line_items[0][quantity]=two", 422},
		{"required item property missing", "line_items[0][quantity]=2", 422},
		{"required array missing", "expand[0]=data", 422},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(h, "POST", "/links", tt.form, "Content-Type", "application/x-www-form-urlencoded")
			assert.Equal(t, tt.want, rec.Code, rec.Body.String())
		})
	}
}

// A form cannot write an empty array, so a required array property sent
// as nothing, at the top of the body or inside a bracketed object
// (Stripe's phases[0][items]), is read as the empty array it stands for;
// minItems still applies (#15).
func TestUrlencodedRequiredEmptyArray(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Parse(context.Background(), []byte(`
openapi: 3.0.3
info: {title: forms, version: "1"}
paths:
  /schedules:
    post:
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            encoding:
              phases: {style: deepObject, explode: true}
            schema:
              type: object
              required: [tags]
              properties:
                tags: {type: array, items: {type: string}}
                strict: {type: array, minItems: 1, items: {type: string}}
                phases:
                  type: array
                  items:
                    type: object
                    required: [items, plan]
                    properties:
                      plan: {type: string}
                      items:
                        type: array
                        items: {type: object, required: [price], properties: {price: {type: string}}}
      responses:
        "201": {description: ok}
  /strict:
    post:
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [strict]
              properties:
                strict: {type: array, minItems: 1, items: {type: string}}
      responses:
        "201": {description: ok}
`))
	require.NoError(t, err)
	h, err := New(doc, WithoutState())
	require.NoError(t, err)
	for _, tt := range []struct {
		path, form string
		want       int
	}{
		{"/schedules", "phases[0][plan]=p1", 201},
		{"/schedules", "tags=a&phases[0][plan]=p1&phases[1][plan]=p2&phases[1][items][0][price]=x", 201},
		{"/schedules", "phases[0][items][0][price]=x", 422},          // plan is required
		{"/schedules", "phases[0][plan]=p1&phases[0][items]=x", 422}, // not an array of objects
		{"/strict", "", 422}, // minItems: 1
		{"/strict", "strict=a", 201},
	} {
		rec := do(h, "POST", tt.path, tt.form, "Content-Type", "application/x-www-form-urlencoded")
		assert.Equal(t, tt.want, rec.Code, "%s %s: %s", tt.path, tt.form, rec.Body.String())
	}
}

// A deepObject object whose member is a oneOf or anyOf of primitives
// (Stripe's subscription_data[effective_date]: a timestamp, or an enum
// word) is read by the mock: kin-openapi read "123" as text, which no
// branch took (#15).
func TestUrlencodedDeepObjectWithComposedMember(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Parse(context.Background(), []byte(`
openapi: 3.0.3
info: {title: forms, version: "1"}
paths:
  /quotes:
    post:
      requestBody:
        content:
          application/x-www-form-urlencoded:
            encoding:
              subscription_data: {style: deepObject, explode: true}
            schema:
              type: object
              properties:
                subscription_data:
                  type: object
                  properties:
                    effective_date:
                      anyOf:
                        - {type: string, enum: [current_period_end]}
                        - {type: integer}
                        - {type: string, enum: [""]}
                    trial_period_days: {type: integer}
                    custom_fields:
                      anyOf:
                        - {type: array, items: {type: object, required: [name], properties: {name: {type: string}, value: {type: string}}}}
                        - {type: string, enum: [""]}
                    address:
                      anyOf:
                        - {type: object, required: [city], properties: {city: {type: string}}}
                        - {type: string, enum: [""]}
                    nested:
                      type: object
                      properties:
                        when: {oneOf: [{type: integer, minimum: 1}, {type: string, enum: [now]}]}
      responses:
        "201": {description: ok}
`))
	require.NoError(t, err)
	h, err := New(doc, WithoutState())
	require.NoError(t, err)
	for _, tt := range []struct {
		form string
		want int
	}{
		{"subscription_data[effective_date]=1700000000", 201},
		{"subscription_data[effective_date]=current_period_end", 201},
		{"subscription_data[effective_date]=", 201},
		{"subscription_data[effective_date]=tomorrow", 422},
		{"subscription_data[trial_period_days]=30&subscription_data[effective_date]=5", 201},
		{"subscription_data[trial_period_days]=thirty", 422},
		{"subscription_data[nested][when]=now", 201},
		{"subscription_data[nested][when]=7", 201},
		{"subscription_data[nested][when]=0", 422},
		{"subscription_data[custom_fields][0][name]=a&subscription_data[custom_fields][0][value]=b", 201},
		{"subscription_data[custom_fields]=", 201},
		{"subscription_data[custom_fields][0][value]=b", 422}, // name is required
		{"subscription_data[address][city]=Paris", 201},
		{"subscription_data[address]=", 201},
		{"subscription_data[address][street]=x", 422},
	} {
		rec := do(h, "POST", "/quotes", tt.form, "Content-Type", "application/x-www-form-urlencoded")
		assert.Equal(t, tt.want, rec.Code, "%s: %s", tt.form, rec.Body.String())
	}
}

// A form property the schema requires but does not declare (Box's
// grant_type: in "required", missing from "properties") is read from the
// form where the schema allows more properties, not dropped and then found
// missing (#15).
func TestUrlencodedRequiredUndeclaredField(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Parse(context.Background(), []byte(`
openapi: 3.0.3
info: {title: forms, version: "1"}
paths:
  /revoke:
    post:
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [grant_type]
              properties:
                token: {type: string}
      responses:
        "200": {description: ok}
  /closed:
    post:
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [grant_type]
              additionalProperties: false
              properties:
                token: {type: string}
      responses:
        "200": {description: ok}
`))
	require.NoError(t, err)
	h, err := New(doc, WithoutState())
	require.NoError(t, err)
	for _, tt := range []struct {
		path, form string
		want       int
	}{
		{"/revoke", "grant_type=refresh&token=t", 200},
		{"/revoke", "grant_type=123", 200},
		{"/revoke", "token=t", 422},                    // still required
		{"/revoke", "grant_type[a]=x&token=t", 422},    // a bracketed field is no plain one
		{"/closed", "grant_type=refresh&token=t", 422}, // no schema can hold it
	} {
		rec := do(h, "POST", tt.path, tt.form, "Content-Type", "application/x-www-form-urlencoded")
		assert.Equal(t, tt.want, rec.Code, "%s %s: %s", tt.path, tt.form, rec.Body.String())
	}
}

// A text/plain body whose schema is no string (App Center: an object) is
// read as the JSON it holds and validated; a string schema still takes
// the text as it is (#15).
func TestPlainBodyWithSchemaOfAnotherType(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Parse(context.Background(), []byte(`
openapi: 3.0.3
info: {title: plain, version: "1"}
paths:
  /release:
    patch:
      requestBody:
        required: true
        content:
          text/plain:
            schema: {type: object, required: [notes], properties: {notes: {type: string}, mandatory: {type: boolean}}}
      responses:
        "200": {description: ok}
  /count:
    put:
      requestBody:
        required: true
        content:
          text/plain:
            schema: {type: integer, minimum: 1}
      responses:
        "200": {description: ok}
  /note:
    put:
      requestBody:
        required: true
        content:
          text/plain:
            schema: {type: string, maxLength: 12}
      responses:
        "200": {description: ok}
`))
	require.NoError(t, err)
	h, err := New(doc, WithoutState())
	require.NoError(t, err)
	for _, tt := range []struct {
		method, path, body string
		want               int
	}{
		{"PATCH", "/release", `{"notes":"fixes","mandatory":true}`, 200},
		{"PATCH", "/release", `{"mandatory":true}`, 422}, // notes is required
		{"PATCH", "/release", `{"notes":"x","mandatory":"yes"}`, 422},
		{"PATCH", "/release", `not json`, 422},
		{"PUT", "/count", `5`, 200},
		{"PUT", "/count", `0`, 422},
		{"PUT", "/note", `{"a":1}`, 200}, // a string schema takes the text
		{"PUT", "/note", `a note far too long`, 422},
	} {
		rec := do(h, tt.method, tt.path, tt.body, "Content-Type", "text/plain")
		assert.Equal(t, tt.want, rec.Code, "%s %s: %s", tt.path, tt.body, rec.Body.String())
	}
}
