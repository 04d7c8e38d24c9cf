package subscriber

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxNameLen is the longest name accepted, in characters.
const MaxNameLen = 100

// CheckName returns name without surrounding space, or an error (a
// sentence for the person who typed it) when it is not valid UTF-8, is
// longer than MaxNameLen characters or holds control characters (CR and
// LF among them: the name goes into the To header). The form, `herald
// subscribers add` and the CSV import all call it; "" is a valid name.
func CheckName(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case !utf8.ValidString(name):
		return "", errors.New("the name is not valid text")
	case utf8.RuneCountInString(name) > MaxNameLen:
		return "", fmt.Errorf("the name is longer than %d characters", MaxNameLen)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "", errors.New("the name contains control characters such as line breaks")
	}
	return name, nil
}
