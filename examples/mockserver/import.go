package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/openapi/importer"
)

// importCommand is "mockserver import [-json] [-title T] FILE": it writes
// the OpenAPI description derived from a HAR file, a Postman collection
// or curl commands (FILE "-": standard input) to stdout, for the user to
// keep and edit.
func importCommand(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mockserver import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "write JSON instead of YAML")
	title := fs.String("title", "", "the description's info.title (default: the collection's name, else the host most requests went to)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: mockserver import [-json] [-title T] FILE > api.yaml\n\n"+
			"Writes the OpenAPI 3.1 description derived from FILE: a HAR file, a Postman\n"+
			"collection v2.1 or curl commands (the format is detected; \"-\" reads stdin).\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	var (
		data []byte
		err  error
	)
	if name := fs.Arg(0); name == "-" {
		data, err = io.ReadAll(io.LimitReader(stdin, importer.MaxInputSize+1))
	} else {
		data, err = readLimited(name, importer.MaxInputSize)
	}
	if err != nil {
		fmt.Fprintf(stderr, "mockserver import: %v\n", err)
		return 1
	}
	r, err := importer.Import(data, importer.Options{Title: *title})
	if err != nil {
		fmt.Fprintf(stderr, "mockserver import: %s: %v\n", fs.Arg(0), err)
		return 1
	}
	out := r.YAML()
	if *asJSON {
		out = r.JSON()
	}
	if _, err := stdout.Write(out); err != nil {
		fmt.Fprintf(stderr, "mockserver import: %v\n", err)
		return 1
	}
	fmt.Fprintf(stderr, "mockserver import: %s (%s): %d operations from %d requests, %d skipped\n",
		fs.Arg(0), r.Format, r.Operations, r.Requests, r.Skipped)
	return 0
}

// readLimited reads a file of at most max bytes.
func readLimited(name string, max int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, max)
	}
	return data, nil
}

// imported turns recorded traffic (HAR, Postman, curl) into the
// description derived from it; an OpenAPI or Swagger description is
// returned as it is, with derived false.
func imported(spec []byte, location string) (out []byte, derived bool, err error) {
	if importer.Detect(spec) == "" {
		return spec, false, nil
	}
	r, err := importer.Import(spec, importer.Options{})
	if err != nil {
		return nil, false, fmt.Errorf("mockserver: %s: %w", location, err)
	}
	return r.YAML(), true, nil
}

// loadDoc loads the description a -spec flag names, or the sample API:
// recorded traffic is imported first.
func loadDoc(ctx context.Context, location string) (*openapi.Document, error) {
	if location == "" {
		return openapi.Parse(ctx, sample, openapi.WithName("sample.yaml"))
	}
	spec, err := readSpec(ctx, location)
	if err != nil {
		return nil, err
	}
	if spec, derived, err := imported(spec, location); err != nil || derived {
		if err != nil {
			return nil, err
		}
		return openapi.Parse(ctx, spec, openapi.WithName(location+".yaml"))
	}
	return openapi.Load(ctx, location)
}
