//go:build !unix

package openapi

const openNonBlock = 0
