package main

import (
	"flag"
	"fmt"
	"strings"
)

// envPrefix starts the name of the environment variable of every flag.
const envPrefix = "MOCKAPI_"

// envName is the environment variable a flag also reads: MOCKAPI_ and the
// flag's name in upper case, '-' as '_' (-admin-token-file:
// MOCKAPI_ADMIN_TOKEN_FILE).
func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// envExclusive pairs flags that exclude each other: one given on the
// command line keeps the other's variable from applying, so that the
// command line wins over the environment there too.
var envExclusive = map[string]string{"admin-token": "admin-token-file", "admin-token-file": "admin-token"}

// envSelf names flags whose variable run reads itself: $MOCKAPI_ADMIN_TOKEN
// is the token, as -admin-token is, but ranks below -admin-token-file
// (from either source) and, unlike the flag, is not visible to ps.
var envSelf = map[string]bool{"admin-token": true}

// envUsage names each flag's variable in its usage, and the rule in -h.
func envUsage(fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) { f.Usage += " [$" + envName(f.Name) + "]" })
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage: mockserver [flags]\n"+
			"       mockserver import [-json] [-title T] FILE   (a HAR file, Postman collection or curl commands: prints the derived OpenAPI description)\n"+
			"       mockserver healthcheck                     (exit 0 when the server at -addr is ready)\n\n")
		fs.PrintDefaults()
		fmt.Fprintf(out, "\nEvery flag can also be set by the environment variable in brackets: %s and the flag's\n"+
			"name in upper case, '-' as '_'. A flag on the command line wins over its variable;\n"+
			"an empty variable counts as unset. Booleans take true/false/1/0.\n", envPrefix)
	}
}

// envSources maps each flag set from the environment to its variable.
type envSources map[string]string

// name is how a message names where a flag's value came from: "-latency"
// or "$MOCKAPI_LATENCY".
func (s envSources) name(flagName string) string {
	if v, ok := s[flagName]; ok {
		return "$" + v
	}
	return "-" + flagName
}

// applyEnv sets every flag that was not on the command line from its
// variable, when that is set and not empty. An invalid value is an error
// naming the variable. Call it after fs.Parse.
func applyEnv(fs *flag.FlagSet, lookup func(string) (string, bool)) (envSources, error) {
	onCommandLine := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true })
	from := envSources{}
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if err != nil || envSelf[f.Name] || onCommandLine[f.Name] || onCommandLine[envExclusive[f.Name]] {
			return
		}
		name := envName(f.Name)
		v, ok := lookup(name)
		if !ok || v == "" {
			return
		}
		if serr := fs.Set(f.Name, v); serr != nil {
			err = fmt.Errorf("$%s=%q: invalid value for -%s: %v", name, clip(v, 40), f.Name, serr)
			return
		}
		from[f.Name] = name
	})
	return from, err
}

// clip shortens what an error quotes.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
