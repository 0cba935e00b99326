// Package pattern handles the "pattern" keyword of OpenAPI and JSON Schema.
//
// A schema pattern is an ECMAScript (JavaScript) regular expression, and it
// is not implicitly anchored: "abc" matches every string containing "abc".
// Go's regexp package implements RE2, which differs from ECMAScript in
// details (\s, ".", \uXXXX escapes, identity escapes such as \/ or \_,
// literal braces, [^] and []) and cannot express lookaround assertions or
// backreferences at all.
//
// The package offers three things:
//
//   - [Translate] rewrites an ECMAScript pattern into equivalent RE2 syntax,
//     or reports that it cannot ([ErrUnsupported]) or that the pattern is not
//     a regular expression at all ([ErrSyntax]).
//   - [Compile] returns a cached [Regexp] for validation. Lookaheads right
//     after a leading ^ and lookbehinds right before a final $ (as in
//     ^(?=.*\d)(?!.*--).{8,}$ or ^[a-z-]+(?<!-)$) are matched exactly, by
//     checking each on the whole string with its own RE2 expression. Other
//     constructs RE2 cannot express are approximated by a more permissive
//     expression (lookarounds dropped, backreferences replaced by the
//     referenced group's sub-pattern), reported by [Regexp.Exact]. A Regexp
//     satisfies kin-openapi's openapi3.RegexMatcher interface.
//   - [Generate] produces random strings that match a pattern and fall
//     within rune-length bounds, for faking response data. It handles the
//     exactly matched lookarounds (repairing candidates that miss a
//     positive lookahead such as (?=.*\d)) and refuses other approximated
//     patterns. Its output is always checked against the compiled
//     expression and lookaround checks before it is returned.
//     [Approximate] generates from the permissive approximation instead,
//     for a best-effort value where nothing exact can be generated.
//
// Input is treated as a sequence of Unicode code points (as with the
// ECMAScript "u" flag), which is what Go strings hold; surrogate pairs
// written as \uD83D\uDE00 are combined into one code point.
package pattern
