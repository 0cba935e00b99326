package fake

import (
	"testing"

	"github.com/brianvoe/gofakeit/v6"
)

const benchDoc = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    User:
      type: object
      required: [id, email, name, createdAt]
      properties:
        id: {type: string, format: uuid}
        email: {type: string, format: email}
        name: {type: string}
        firstName: {type: string}
        lastName: {type: string}
        username: {type: string, maxLength: 20}
        phone: {type: string}
        age: {type: integer, minimum: 0}
        balance: {type: number, multipleOf: 0.01}
        isActive: {type: boolean}
        createdAt: {type: string, format: date-time}
        updatedAt: {type: string, format: date-time}
        avatarUrl: {type: string, format: uri}
        city: {type: string}
        country: {type: string}
        zipCode: {type: string}
        status: {type: string, enum: [active, disabled, pending]}
        tags: {type: array, items: {type: string}, maxItems: 3}
        score: {type: integer, format: int32}
        bio: {type: string, maxLength: 200}
`

func BenchmarkValue20Props(b *testing.B) {
	doc := loadDoc(b, benchDoc)
	s := doc.Components.Schemas["User"].Value
	g := New(Options{})
	f := gofakeit.New(1)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := g.Value(f, s, ""); err != nil {
			b.Fatal(err)
		}
	}
}
