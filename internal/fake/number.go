package fake

import (
	"math"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

const maxSafeInt = 1<<53 - 1

// numRange is a preferred (realistic) range and a number of decimals.
type numRange struct {
	lo, hi   float64
	decimals int
}

func (c *ctx) genNumber(fs *openapi3.Schema, name string, integer bool) (any, error) {
	lo, loEx, hasLo := lowerBound(fs)
	hi, hiEx, hasHi := upperBound(fs)
	if hasLo && (math.IsNaN(lo) || math.IsInf(lo, 1)) || hasHi && (math.IsNaN(hi) || math.IsInf(hi, -1)) {
		return nil, unsat("invalid numeric bound")
	}
	if hasLo && math.IsInf(lo, -1) {
		hasLo = false
	}
	if hasHi && math.IsInf(hi, 1) {
		hasHi = false
	}
	var m float64
	if fs.MultipleOf != nil {
		m = *fs.MultipleOf
		if !(m > 0) || math.IsInf(m, 0) {
			return nil, unsat("multipleOf must be > 0")
		}
	}
	// Format ranges (also applied to numbers: kin checks integral numbers against integer formats).
	switch fs.Format {
	case "int32":
		lo, loEx, hasLo = tighterLo(lo, loEx, hasLo, math.MinInt32)
		hi, hiEx, hasHi = tighterHi(hi, hiEx, hasHi, math.MaxInt32)
	case "int64":
		lo, loEx, hasLo = tighterLo(lo, loEx, hasLo, -9.2e18)
		hi, hiEx, hasHi = tighterHi(hi, hiEx, hasHi, 9.2e18)
	}
	if hasLo && hasHi && (lo > hi || lo == hi && (loEx || hiEx)) {
		return nil, unsat("minimum > maximum")
	}
	pref := hintRange(c.g.hint(name), integer)
	if integer {
		return c.genInt(lo, loEx, hasLo, hi, hiEx, hasHi, m, pref)
	}
	return c.genFloat(lo, loEx, hasLo, hi, hiEx, hasHi, m, pref)
}

func tighterLo(v float64, ex, ok bool, b float64) (float64, bool, bool) {
	if !ok || v < b {
		return b, false, true
	}
	return v, ex, ok
}

func tighterHi(v float64, ex, ok bool, b float64) (float64, bool, bool) {
	if !ok || v > b {
		return b, false, true
	}
	return v, ex, ok
}

// window picks the sampling interval: the preferred range clamped to the
// hard bounds, or a window next to the bounds when they do not meet.
func window(lo float64, hasLo bool, hi float64, hasHi bool, pref numRange) (float64, float64) {
	a, b := pref.lo, pref.hi
	if hasLo && a < lo {
		a = lo
	}
	if hasHi && b > hi {
		b = hi
	}
	if a <= b {
		return a, b
	}
	width := pref.hi - pref.lo
	switch {
	case hasLo && hasHi:
		return lo, hi
	case hasLo:
		return lo, lo + width
	default:
		return hi - width, hi
	}
}

func (c *ctx) genInt(lo float64, loEx, hasLo bool, hi float64, hiEx, hasHi bool, m float64, pref numRange) (any, error) {
	// Integer hard bounds.
	ilo, ihi := -9.2e18, 9.2e18
	if hasLo {
		if loEx {
			ilo = math.Floor(lo) + 1
		} else {
			ilo = math.Ceil(lo)
		}
	}
	if hasHi {
		if hiEx {
			ihi = math.Ceil(hi) - 1
		} else {
			ihi = math.Floor(hi)
		}
	}
	ilo, ihi = math.Max(ilo, -9.2e18), math.Min(ihi, 9.2e18)
	if ilo > ihi {
		return nil, unsat("no integer within bounds")
	}
	step := 1.0
	if m > 0 {
		if isIntegral(m) {
			step = math.Round(m)
		} else {
			found := false
			for k := 2.0; k <= 10000; k++ {
				if isIntegral(k * m) {
					step, found = math.Round(k*m), true
					break
				}
			}
			if !found {
				return nil, unsat("no integer multiple of %g found", m)
			}
		}
	}
	a, b := window(ilo, true, ihi, true, pref)
	for pass := 0; pass < 2; pass++ {
		kmin, kmax := math.Ceil(a/step), math.Floor(b/step)
		if kmin <= kmax {
			k := c.randRange(kmin, kmax)
			v := k * step
			if v >= ilo && v <= ihi {
				return int64(v), nil
			}
			for _, v := range []float64{kmin * step, kmax * step} {
				if v >= ilo && v <= ihi {
					return int64(v), nil
				}
			}
		}
		a, b = ilo, ihi
	}
	return nil, unsat("no multiple of %g within bounds", m)
}

// randRange returns a random integral float in [a, b].
func (c *ctx) randRange(a, b float64) float64 {
	span := b - a
	if span <= 0 {
		return a
	}
	if span < 1<<62 {
		return a + float64(c.f.Rand.Int63n(int64(span)+1))
	}
	return math.Round(a + c.f.Rand.Float64()*span)
}

func (c *ctx) genFloat(lo float64, loEx, hasLo bool, hi float64, hiEx, hasHi bool, m float64, pref numRange) (any, error) {
	ok := func(v float64) bool {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
		if hasLo && (v < lo || loEx && v == lo) {
			return false
		}
		if hasHi && (v > hi || hiEx && v == hi) {
			return false
		}
		return true
	}
	a, b := window(lo, hasLo, hi, hasHi, pref)
	if m > 0 {
		dec := decimals(m)
		try := func(k float64) (float64, bool) {
			v := k * m
			if dec >= 0 {
				v = roundTo(v, dec)
			}
			return v, ok(v) && exactMultiple(v, m)
		}
		for pass := 0; pass < 2; pass++ {
			kmin, kmax := math.Ceil(a/m), math.Floor(b/m)
			if kmin <= kmax && !math.IsInf(kmin, 0) && !math.IsInf(kmax, 0) {
				k := c.randRange(kmin, kmax)
				for _, kk := range []float64{k, kmin, kmax, kmin + 1, kmax - 1} {
					if v, good := try(kk); good {
						return v, nil
					}
				}
			}
			lo2, hi2 := lo, hi
			if !hasLo {
				lo2 = hi - 1000*m
			}
			if !hasHi {
				hi2 = lo + 1000*m
			}
			a, b = lo2, hi2
		}
		return nil, unsat("no multiple of %g within bounds", m)
	}
	x := a + c.f.Rand.Float64()*(b-a)
	for _, v := range []float64{roundTo(x, pref.decimals), x, roundTo((a+b)/2, pref.decimals), (a + b) / 2, a, b} {
		if ok(v) && !math.IsInf(v, 0) {
			return v, nil
		}
	}
	if hasLo && hasHi {
		if v := math.Nextafter(lo, hi); ok(v) {
			return v, nil
		}
	}
	return nil, unsat("no number within bounds")
}

func roundTo(v float64, dec int) float64 {
	if dec < 0 || math.Abs(v) > 1e15 {
		return v
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'f', dec, 64), 64)
	if err != nil {
		return v
	}
	return r
}

// decimals returns the decimal places of m's shortest representation, or -1.
func decimals(m float64) int {
	s := strconv.FormatFloat(m, 'f', -1, 64)
	i := strings.IndexByte(s, '.')
	if i < 0 {
		return 0
	}
	if d := len(s) - i - 1; d <= 15 {
		return d
	}
	return -1
}

// exactMultiple checks v is a multiple of m both as decimals (JSON Schema
// 2020 validators) and within kin-openapi's float tolerance.
func exactMultiple(v, m float64) bool {
	q := v / m
	if math.Abs(q-math.Round(q)) > 1e-9*math.Max(1, math.Abs(q)) {
		return false
	}
	// Decimal check: v's shortest decimal over m's shortest decimal.
	dv, dm := decimals(v), decimals(m)
	if dv < 0 || dm < 0 {
		return true
	}
	d := max(dv, dm)
	if d > 15 || math.Abs(v)*math.Pow10(d) > 9e15 {
		return true
	}
	iv := math.Round(v * math.Pow10(d))
	im := math.Round(m * math.Pow10(d))
	return im != 0 && math.Mod(iv, im) == 0
}
