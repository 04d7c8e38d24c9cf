package main

import (
	"fmt"
	"slices"
)

// sample is the values of one figure over several runs.
type sample []float64

// median is the middle value (the mean of the two middle ones for an even
// count); 0 for an empty sample.
func (s sample) median() float64 {
	if len(s) == 0 {
		return 0
	}
	v := slices.Sorted(slices.Values(s))
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func (s sample) min() float64 { return slices.Min(s) }
func (s sample) max() float64 { return slices.Max(s) }

// scaled returns s with every value multiplied by k.
func (s sample) scaled(k float64) sample {
	out := make(sample, len(s))
	for i, v := range s {
		out[i] = v * k
	}
	return out
}

// spread formats the median and the min–max range with unit, e.g.
// "12.3 ms (11.9–14.0, 5 runs)".
func (s sample) spread(unit string) string {
	runs := "runs"
	if len(s) == 1 {
		runs = "run"
	}
	return fmt.Sprintf("%s %s (%s–%s, %d %s)", num(s.median()), unit, num(s.min()), num(s.max()), len(s), runs)
}

// num formats v with three significant figures, without exponent.
func num(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	case v >= 1:
		return fmt.Sprintf("%.2f", v)
	default:
		return fmt.Sprintf("%.3f", v)
	}
}
