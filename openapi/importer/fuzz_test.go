package importer

import (
	"context"
	"os"
	"testing"

	"github.com/mockapi-go/mockapi/openapi"
)

// FuzzImport feeds Import hostile input: it never panics, and whatever it
// derives loads with openapi.Parse.
func FuzzImport(f *testing.F) {
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
