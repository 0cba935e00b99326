// Package openapi loads, normalises, indexes and routes API descriptions:
// Swagger 2.0 (converted), OpenAPI 3.0.x and 3.1.x, as YAML or JSON, from
// bytes (Parse), a file (LoadFile), an fs.FS (LoadFS), an http(s) URL
// (LoadURL) or whichever of the last two a string names (Load).
//
// # Lenient by default
//
// Real descriptions routinely break the rules: examples that contradict
// their schema, ECMAScript patterns Go's RE2 cannot compile, OpenAPI 3.1
// documents written with 3.0 habits. The loader repairs what it can on the
// raw document before kin-openapi reads it (schema "examples" written as an
// object, unknown schema keywords, "nullable" in 3.1, draft-04 boolean
// exclusive bounds, components.pathItems references, 3.1-isms in 3.0
// documents) and reports what it repaired or tolerated as Document.Warnings,
// each with its location: a JSON pointer, and a line where the loader
// tracked one (Lines finds the others in the document's bytes, when they
// are wanted). Strict turns those problems into errors.
//
// A document that truly cannot be used (not YAML or JSON, not an API
// description, an unsupported version, a $ref to nothing) fails with a
// *LoadError naming the file, the JSON pointer and the line where known.
//
// # Normalised
//
// Servers are reduced to their path part (Operation.BasePaths): variables
// take their defaults, scheme and host are dropped, a server such as
// "{Endpoint}" with no usable default is the root. Operation and path-item
// servers override the document's. Each Operation carries its effective
// parameters, security requirement and base paths; an operation without an
// operationId gets a stable derived one.
//
// # Routing
//
// Router is a segment trie: lookup cost grows with the number of path
// segments, not with the number of operations. Literal segments beat
// templated ones, a segment may hold several parameters and literal text
// ("{name}.{ext}", "{name}:cancel"), parameters are percent-decoded, a
// trailing slash is tolerated, and "no such path" (ErrNotFound) is told apart
// from "no such method" (*MethodNotAllowedError). Path keys that carry a
// query or fragment part ("/?Action=DescribeRegions") route by that part.
// Requests are accepted both under the servers' base paths and without them.
//
// Middleware that needs to know which operation a request hits routes once
// and stores the result with ContextWithMatch; Document.Match reuses it. A
// Match remembers the Document that made it: a match from another document,
// or from an earlier load of the same one, is never reused, so a stage
// serving one version of an API cannot act on a match made for another.
//
// # Files a document refers to
//
// Relative $refs and the files Document.ReadFile reads (an example's
// externalValue) never leave the document's own directory: LoadFile reads
// them through os.Root, so neither ".." nor a symbolic link escapes, LoadFS
// through its fs.FS only, and only regular files (never a FIFO or a
// device), bounded by MaxDocumentSize and MaxReferencedFileSize. A document
// given as bytes (Parse) reads no file and fetches no URL.
//
// # Compatibility
//
// From v1 on, everything this package exports keeps its meaning and its
// signature: the loaders and their options, Document, Operation and their
// accessors (which return plain Go values and copies, never a shared
// object), Router, Match and the context helpers, the errors and Warning.
// No type of kin-openapi, the library the loader is built on, appears in
// any of them, so a kin-openapi upgrade cannot break a caller.
//
// The exceptions are the two escape hatches, Document.Kin and
// Operation.Kin, which return the kin-openapi objects for what the accessors
// do not offer (schemas, say). They are outside the compatibility promise:
// their types change whenever kin-openapi changes its own. What they return
// is shared by every handler built from the document and must be treated as
// read-only; the mock's generator and validators rely on its schemas never
// changing.
package openapi
