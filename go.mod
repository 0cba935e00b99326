module github.com/mockapi-go/mockapi

go 1.26

require (
	github.com/brianvoe/gofakeit/v6 v6.28.0 // indirect
	github.com/getkin/kin-openapi v0.152.0 // indirect
	github.com/stretchr/testify v1.11.1 // indirect
)
