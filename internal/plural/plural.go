// Package plural writes counts of things in English for the command line
// and log lines: "1 post", "6 posts", "2 deliveries", "1,600 subscribers".
package plural

import (
	"fmt"
	"strconv"
	"strings"
)

// Count writes n things: "1 post", "6 posts", "2 deliveries".
func Count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	if stem, ok := strings.CutSuffix(thing, "y"); ok && stem != "" && !strings.ContainsRune("aeiou", rune(stem[len(stem)-1])) {
		return fmt.Sprintf("%d %sies", n, stem)
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// Them is the pronoun for n things: "it" for one, else "them".
func Them(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// Num writes n with thousands separators: 1,600.
func Num(n int) string {
	s := strconv.Itoa(n)
	neg := ""
	if n < 0 {
		neg, s = "-", s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return neg + s
}

// Grouped is Count with thousands separators: "1,600 subscribers".
func Grouped(n int, thing string) string {
	c := Count(n, thing)
	return Num(n) + c[len(strconv.Itoa(n)):]
}

// Capitalized returns s with its first letter, if a lower-case ASCII one,
// in upper case.
func Capitalized(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
