// Package mocktest runs an API description as a mock inside a Go test:
// a server that lives exactly as long as the test, stubs that make one
// operation answer differently for this test only, a journal of what the
// code under test sent, and a contract check that fails the test when that
// code breaks the API.
//
//	srv := mocktest.New(t, mocktest.File("testdata/petstore.yaml"), mocktest.WithMockOptions(mock.WithSeed(1)))
//	srv.On("getPet", mocktest.Reply(503, nil), mocktest.Reply(200, Pet{ID: 1, Name: "Rex"}))
//	client := NewPetClient(srv.URL(), srv.Client())
//	... exercise the code under test ...
//	srv.AssertCalled(t, "getPet", 2)
//
// # The description
//
// New reads the API description from a Source: File (a path), URL, Bytes
// (the document itself), FS (a file in an fs.FS, such as an embed.FS) or
// Document (one already loaded). The kind is checked by the compiler.
//
// # The spec answers
//
// Every request is routed once with the document's router and answered by
// the mock handler (package mock) unless a stub takes it: the spec's
// examples or generated data, Prefer: code=404 and the other controls, the
// same problem documents for requests the spec does not allow. Options of
// the handler pass through WithMockOptions.
//
// Like the mock handler, the server is stateful where the spec has CRUD
// collections: each starts with seeded records (the spec's examples first,
// then generated ones), a POST adds one that a GET then reads, and GET
// /orders/2 answers record 2 rather than the operation's example. Pass
// WithMockOptions(mock.WithoutState()) for stateless answers, or
// mock.WithSeedRecords(0) for empty collections.
//
// # Stubs
//
// Server.On registers a Stub for an operation (by operationId or "GET
// /pets/{petId}"), built complete from options given in any order:
// conditions (MatchPath, MatchQuery, MatchHeader, MatchBody), replies
// (Reply with a status and a Go value encoded as JSON, raw bytes or a
// named Example of the spec; ReplyFunc with an http.HandlerFunc; a reply's
// WithHeader adds a header), Times (how many requests the stub takes
// before the spec answers again), Delay (hold the answer, until the client
// gives up) and OffContract. Several replies form a sequence, answered in
// the order given, the last repeating. Stubs can be registered and removed
// while the server runs; the newest matching stub wins.
//
// Dynamic replies: ReplyTemplate renders its body from each request
// ({{request.body.name}}, {{request.path.id}}, {{now}}, {{uuid}}, templates
// of package mock/rules) and checks it against the spec every time; Rule
// makes a stub of an x-mock-rules rule, its conditions deciding whether
// the stub matches and its answer the reply; ReplyStream streams items in
// the event-stream or JSON-lines framing the operation declares.
//
// A stub is held to the contract: a status the operation does not
// declare, or a body its schema rejects, fails the test when On registers
// it, with each violation located in the body and in the spec. Mark a
// stub OffContract when breaking the contract is the point. An Example
// reply is what the mock handler serves for that example
// (mock.Handler.Example), externalValue rules included, and is checked
// like any other reply.
//
// # The client is checked
//
// A request that breaks the spec (unknown path, method not declared,
// missing or invalid parameter, wrong content type, invalid body, missing
// credentials) is answered as the mock handler answers it, never by a stub,
// and reported when the test ends with the request and each violation: a
// client that drifted from the API fails its own tests. WarnOnViolations
// turns the failure into a log line; Strict also fails for stubs no request
// matched.
//
// # Journal
//
// Every request is recorded as a Call (operation, decoded parameters, body,
// status, stub or spec). Calls, Journal, AssertCalled and AssertNotCalled
// read it; a failed assertion lists what was called instead.
//
// # Callbacks
//
// When the spec answers an operation that declares OpenAPI callbacks, the
// server fires them (mock.WithCallbacks): to the URL the request named,
// loopback included, since the receiver is usually the test's own
// httptest server. AwaitCallback waits for a delivery and fails the test
// when none comes; Callbacks lists every attempt. WithCallbacks sets delay,
// retries, repeats or allowed hosts. A stub's reply fires none.
//
// # Compatibility
//
// For v1, New, the Source constructors, Server's methods, On and the
// StubOption constructors, Call and the failure behaviour described here
// are stable. Source and StubOption are closed: only this package makes
// them, so new kinds can be added without breaking callers. The wording of
// failure messages may change.
package mocktest
