package importer

import (
	"errors"
	"net/url"
	"strings"
)

// maxCurlArgs bounds the words of one command.
const maxCurlArgs = 4096

// readCurl reads curl command lines: one command per line, continued
// over lines ending in '\' (or '^' and '`' as Windows shells write them),
// words quoted as a POSIX shell quotes them ('...', "...", $'...').
// Lines that are not curl commands, and # comments, are skipped.
func readCurl(data []byte) (capture, error) {
	var c capture
	for _, cmd := range curlCommands(string(data)) {
		words, err := shellWords(cmd)
		if err != nil || len(words) == 0 || (words[0] != "curl" && words[0] != "curl.exe") {
			c.skipped++
			continue
		}
		c.add(curlExchange(words[1:]))
	}
	return c, nil
}

// curlCommands splits text into logical lines, joining continued ones.
func curlCommands(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var out []string
	var cur strings.Builder
	for line := range strings.SplitSeq(text, "\n") {
		t := strings.TrimRight(line, " \t")
		if cur.Len() == 0 {
			s := strings.TrimSpace(t)
			if s == "" || strings.HasPrefix(s, "#") {
				continue
			}
			t = strings.TrimPrefix(s, "$ ")
		}
		if strings.HasSuffix(t, "\\") || strings.HasSuffix(t, "^") || strings.HasSuffix(t, "`") {
			cur.WriteString(t[:len(t)-1])
			cur.WriteByte(' ')
			continue
		}
		cur.WriteString(t)
		out = append(out, cur.String())
		cur.Reset()
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

var errQuote = errors.New("unterminated quote")

// shellWords splits a command line into words the way sh does for
// quoting (no expansion).
func shellWords(s string) ([]string, error) {
	var words []string
	var w strings.Builder
	in := false // inside a word
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\n':
			if in {
				words = append(words, w.String())
				w.Reset()
				in = false
				if len(words) > maxCurlArgs {
					return nil, errors.New("too many words")
				}
			}
		case ch == '\'':
			in = true
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errQuote
			}
			w.WriteString(s[i+1 : i+1+j])
			i += j + 1
		case ch == '$' && i+1 < len(s) && s[i+1] == '\'':
			in = true
			i += 2
			for ; i < len(s) && s[i] != '\''; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
					switch s[i] {
					case 'n':
						w.WriteByte('\n')
					case 't':
						w.WriteByte('\t')
					case 'r':
						w.WriteByte('\r')
					default:
						w.WriteByte(s[i])
					}
					continue
				}
				w.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, errQuote
			}
		case ch == '"':
			in = true
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`\n", s[i+1]) >= 0 {
					i++
				}
				w.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, errQuote
			}
		case ch == '\\' && i+1 < len(s):
			in = true
			i++
			w.WriteByte(s[i])
		default:
			in = true
			w.WriteByte(ch)
		}
	}
	if in {
		words = append(words, w.String())
	}
	return words, nil
}

// curlValueFlags are the curl options that take a value this package does
// not use: their value is skipped.
var curlValueFlags = map[string]bool{
	"-o": true, "--output": true, "-w": true, "--write-out": true, "-m": true, "--max-time": true,
	"--connect-timeout": true, "-x": true, "--proxy": true, "-U": true, "--proxy-user": true,
	"-e": true, "--referer": true, "-c": true, "--cookie-jar": true, "-E": true, "--cert": true,
	"--key": true, "--cacert": true, "--resolve": true, "--retry": true, "-r": true, "--range": true,
	"-D": true, "--dump-header": true, "--limit-rate": true, "-T": true, "--upload-file": true,
	"--max-redirs": true, "-K": true, "--config": true, "--interface": true, "-Y": true, "-y": true,
	"--aws-sigv4": true, "--oauth2-bearer": true, "-z": true, "--time-cond": true, "--connect-to": true,
}

// curlExchange reads the options of one curl command.
func curlExchange(args []string) *exchange {
	x := &exchange{}
	var (
		rawURL  string
		data    []string
		json    bool
		get     bool
		head    bool
		form    bool
		explict string
	)
	for i := 0; i < len(args); i++ {
		a := args[i]
		next := func() string {
			if i+1 < len(args) {
				i++
				return args[i]
			}
			return ""
		}
		// -XPOST, -H'...': a short option with its value attached.
		if len(a) > 2 && a[0] == '-' && a[1] != '-' && strings.IndexByte("XHdFbuAe", a[1]) >= 0 {
			args = append(args[:i+1], append([]string{a[2:]}, args[i+1:]...)...)
			a = a[:2]
		}
		name, value, hasValue := strings.Cut(a, "=")
		if !strings.HasPrefix(a, "--") || !hasValue {
			name, value, hasValue = a, "", false
		}
		val := func() string {
			if hasValue {
				return value
			}
			return next()
		}
		switch name {
		case "-X", "--request":
			explict = strings.ToUpper(val())
		case "-H", "--header":
			k, v, ok := strings.Cut(val(), ":")
			if ok && strings.TrimSpace(k) != "" {
				x.header = append(x.header, [2]string{strings.TrimSpace(k), strings.TrimSpace(v)})
			}
		case "-d", "--data", "--data-raw", "--data-binary", "--data-ascii":
			d := val()
			if strings.HasPrefix(d, "@") && name != "--data-raw" {
				d = "" // a file on the user's machine: not read
			}
			data = append(data, d)
		case "--data-urlencode":
			d := val()
			if k, v, ok := strings.Cut(d, "="); ok {
				d = url.QueryEscape(k) + "=" + url.QueryEscape(v)
			} else {
				d = url.QueryEscape(d)
			}
			data = append(data, d)
		case "--json":
			data = append(data, val())
			json = true
		case "-F", "--form", "--form-string":
			k, v, _ := strings.Cut(val(), "=")
			if strings.HasPrefix(v, "@") || strings.HasPrefix(v, "<") {
				v = fileField
			}
			x.form = append(x.form, [2]string{k, v})
			form = true
		case "-G", "--get":
			get = true
		case "-I", "--head":
			head = true
		case "-b", "--cookie":
			x.header = append(x.header, [2]string{"Cookie", val()})
		case "-u", "--user":
			val() // credentials: never kept; the request carries Basic auth
			x.header = append(x.header, [2]string{"Authorization", "Basic " + Redacted})
		case "-A", "--user-agent":
			x.header = append(x.header, [2]string{"User-Agent", val()})
		case "--url":
			rawURL = val()
		default:
			switch {
			case curlValueFlags[name] && !hasValue:
				next()
			case !strings.HasPrefix(a, "-") && rawURL == "":
				rawURL = a
			}
		}
	}
	if rawURL == "" {
		return nil
	}
	if !strings.Contains(rawURL, "://") {
		rawURL = "http://" + rawURL
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil
	}
	x.url = u
	body := strings.Join(data, "&")
	switch {
	case explict != "":
		x.method = explict
	case head:
		x.method = "HEAD"
	case get:
		x.method = "GET"
	case len(data) > 0 || form:
		x.method = "POST"
	default:
		x.method = "GET"
	}
	switch {
	case get && len(data) > 0:
		if u.RawQuery != "" {
			u.RawQuery += "&"
		}
		u.RawQuery += body
	case form:
		x.reqType = "multipart/form-data"
	case len(data) > 0:
		x.reqBody = []byte(body)
		x.reqType = headerValue(x.header, "Content-Type")
		if json {
			x.reqBody = []byte(strings.Join(data, ""))
			if x.reqType == "" {
				x.reqType = "application/json"
			}
		}
		if x.reqType == "" {
			x.reqType = "application/x-www-form-urlencoded" // what curl sends
		}
	}
	return x
}
