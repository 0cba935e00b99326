// Package fake generates realistic, schema-valid fake JSON values from
// OpenAPI schemas (kin-openapi *openapi3.Schema, OpenAPI 3.0 and 3.1).
//
// The first goal of the package is validity: every value returned by
// [Generator.Value] is meant to validate against its schema (formats
// included) with kin-openapi's validator, both the OpenAPI 3.0 validator and
// the JSON Schema 2020-12 one. The second goal is realism: property names such
// as "email", "createdAt" or "avatarUrl" select matching fake data, always
// clamped to the schema's constraints. The third goal is determinism: all
// randomness comes from the *gofakeit.Faker passed in, so the same faker seed
// yields the same value.
//
// A schema that admits no value the generator can construct (a false schema,
// "not: {}", contradictory bounds, an infinitely recursive chain of required
// properties, ...) yields an error wrapping [ErrUnsatisfiable]. Real API
// descriptions often contain such schemas and a mock must still answer, so
// the error comes with a best-effort value whenever a plausible one exists:
// v is non-nil when a best-effort value could be built; it does not validate.
// Required recursion is cut at the depth limit (the property is null when
// its schema admits null, else omitted), allOf members whose
// additionalProperties: false forbids another member's properties yield the
// merged object the author meant, overlapping oneOf branches yield a value
// of one branch, and "not", "if" or conflicting constraints that retries
// cannot satisfy yield the last attempt. A value returned without an error
// is meant to validate.
package fake
