package fake

import "github.com/mockapi-go/mockapi/internal/pattern"

// generatePattern is the pattern generator (a variable for tests).
var generatePattern = func(r pattern.Rand, p string, minLen, maxLen int) (string, bool) {
	return pattern.Generate(r, p, minLen, maxLen)
}
