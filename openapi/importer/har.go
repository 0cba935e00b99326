package importer

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
)

// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), the fields
// read.
type harFile struct {
	Log struct {
		Creator struct {
			Name string `json:"name"`
		} `json:"creator"`
		Pages []struct {
			Title string `json:"title"`
		} `json:"pages"`
		Entries []harEntry `json:"entries"`
	} `json:"log"`
}

type harEntry struct {
	// ResourceType is Chrome's and Edge's kind of request: "xhr" and
	// "fetch" are API calls; "document", "script", "image", "websocket"...
	// are not.
	ResourceType string `json:"_resourceType"`
	Request      struct {
		Method   string    `json:"method"`
		URL      string    `json:"url"`
		Headers  []harPair `json:"headers"`
		PostData *struct {
			MimeType string    `json:"mimeType"`
			Text     string    `json:"text"`
			Params   []harPair `json:"params"`
		} `json:"postData"`
	} `json:"request"`
	Response struct {
		Status  int       `json:"status"`
		Headers []harPair `json:"headers"`
		Content struct {
			MimeType string `json:"mimeType"`
			Text     string `json:"text"`
			Encoding string `json:"encoding"`
		} `json:"content"`
	} `json:"response"`
}

type harPair struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func pairs(ps []harPair) [][2]string {
	out := make([][2]string, 0, len(ps))
	for _, p := range ps {
		if p.Name != "" && !strings.HasPrefix(p.Name, ":") { // HTTP/2 pseudo-headers
			out = append(out, [2]string{p.Name, p.Value})
		}
	}
	return out
}

func readHAR(data []byte) (capture, error) {
	var f harFile
	if err := json.Unmarshal(data, &f); err != nil {
		return capture{}, err
	}
	c := capture{}
	if len(f.Log.Pages) > 0 {
		c.title = f.Log.Pages[0].Title
	}
	for i := range f.Log.Entries {
		e := &f.Log.Entries[i]
		u, err := url.Parse(e.Request.URL)
		if err != nil || e.Request.URL == "" || !apiResource(e.ResourceType) {
			c.skipped++
			continue
		}
		x := &exchange{method: strings.ToUpper(strings.TrimSpace(e.Request.Method)), url: u, header: pairs(e.Request.Headers)}
		if pd := e.Request.PostData; pd != nil {
			x.reqType = pd.MimeType
			if x.reqType == "" {
				x.reqType = headerValue(x.header, "Content-Type")
			}
			x.reqBody = []byte(pd.Text)
			if pd.Text == "" {
				x.form = pairs(pd.Params)
			}
		}
		x.status = e.Response.Status
		x.respType = e.Response.Content.MimeType
		if x.respType == "" {
			x.respType = headerValue(pairs(e.Response.Headers), "Content-Type")
		}
		x.respBody = []byte(e.Response.Content.Text)
		if strings.EqualFold(e.Response.Content.Encoding, "base64") {
			if b, err := base64.StdEncoding.DecodeString(e.Response.Content.Text); err == nil {
				x.respBody = b
			} else {
				x.respBody = nil
			}
		}
		c.add(x)
	}
	if c.title == "" || strings.HasPrefix(c.title, "http") {
		c.title = ""
	}
	return c, nil
}

// apiResource reports whether a HAR entry's _resourceType, when the
// browser wrote one, is an API call.
func apiResource(t string) bool {
	switch strings.ToLower(t) {
	case "", "xhr", "fetch", "other":
		return true
	}
	return false
}
