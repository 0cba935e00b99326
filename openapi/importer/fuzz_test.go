package importer

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/mockapi-go/mockapi/openapi"
)

func fuzzSeeds(f *testing.F) {
	for _, name := range []string{"shop.har", "library.postman_collection.json", "api.curl"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		if len(data) <= 16<<10 { // the fuzzer mutates small inputs well, large ones slowly
			f.Add(data)
		}
	}
	f.Add([]byte(`{"log":{"entries":[{"request":{"method":"GET","url":"http://a/{x}/1"},"response":{"status":200,"content":{"mimeType":"application/json","text":"[[[[1]]]]"}}}]}}`))
	f.Add([]byte(`{"info":{},"item":[{"request":"{{a}}/:b/{{c}}","response":[{"code":200,"body":"{\"a\":{\"b\":null}}"}]}]}`))
	f.Add([]byte("curl -d @x -F a=@b --json '{' $'\\x' 'http://h/p?q=%zz'"))
	f.Add([]byte("curl 'https://a.example/items/12345678901234567890?x=1e999&y=-0' --json '{\"m\":1e400}'"))
}

// FuzzImport feeds Import hostile input: it never panics, and whatever it
// derives is valid JSON and YAML.
func FuzzImport(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Import(data, Options{})
		if err != nil {
			return
		}
		if !json.Valid(r.JSON()) {
			t.Fatalf("the derived JSON is not valid:\n%s", r.JSON())
		}
		var v any
		if err := yaml.Unmarshal(r.YAML(), &v); err != nil {
			t.Fatalf("the derived YAML does not read: %v\n%s", err, r.YAML())
		}
	})
}

// FuzzImportLoads also loads what Import derives, in YAML and JSON, with
// openapi.Parse. (Parse is slow under the fuzzer's instrumentation: run it
// for a longer time than FuzzImport.)
func FuzzImportLoads(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Import(data, Options{})
		if err != nil {
			return
		}
		for _, spec := range [][]byte{r.JSON(), r.YAML()} {
			if _, err := openapi.Parse(context.Background(), spec); err != nil {
				t.Fatalf("the derived description does not load: %v\n%s", err, spec)
			}
		}
	})
}

// TestImportMutations is a small fuzzer that runs with the tests: the
// captures with bytes changed, cut and repeated, seeded, must import
// without a panic into descriptions that load.
func TestImportMutations(t *testing.T) {
	t.Parallel()
	var seeds [][]byte
	for _, name := range []string{"shop.har", "library.postman_collection.json", "api.curl"} {
		data, err := os.ReadFile("testdata/" + name)
		require.NoError(t, err)
		seeds = append(seeds, data)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	n := 600
	if testing.Short() {
		n = 100
	}
	for i := range n {
		d := slices.Clone(seeds[i%len(seeds)])
		for range rng.IntN(6) + 1 {
			at := rng.IntN(len(d))
			switch rng.IntN(3) {
			case 0:
				d[at] = byte(rng.IntN(256))
			case 1:
				d = slices.Delete(d, at, min(len(d), at+rng.IntN(64)))
			default:
				from := rng.IntN(len(d))
				d = slices.Insert(d, at, slices.Clone(d[from:min(len(d), from+rng.IntN(128))])...)
			}
		}
		r, err := Import(d, Options{})
		if err != nil {
			continue
		}
		_, err = openapi.Parse(context.Background(), r.JSON())
		require.NoError(t, err, "mutation %d:\n%s", i, d)
	}
}
