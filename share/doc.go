// Package share opens one project's mock API to anyone holding a link.
//
// A [Registry] creates, lists, revokes, regenerates and resolves share links
// over a store.Links. A token is shown once, when it is made; the store keeps
// only its SHA-256 hash.
package share
