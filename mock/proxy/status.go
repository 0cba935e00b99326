package proxy

import (
	"fmt"
	"strconv"
	"strings"
)

// statusSet holds statuses and classes ("404", "5xx").
type statusSet struct {
	codes   map[int]bool
	classes [6]bool
}

func parseStatuses(list []string) (statusSet, error) {
	var s statusSet
	for _, v := range list {
		v = strings.TrimSpace(v)
		if len(v) == 3 && (strings.HasSuffix(v, "xx") || strings.HasSuffix(v, "XX")) && v[0] >= '1' && v[0] <= '5' {
			s.classes[v[0]-'0'] = true
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 100 || n > 599 {
			return s, fmt.Errorf("%q is not a status (100..599) or a class (4xx)", v)
		}
		if s.codes == nil {
			s.codes = map[int]bool{}
		}
		s.codes[n] = true
	}
	return s, nil
}

func (s statusSet) has(status int) bool {
	if status/100 >= 1 && status/100 <= 5 && s.classes[status/100] {
		return true
	}
	return s.codes[status]
}
