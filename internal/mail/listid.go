package mail

import (
	"fmt"
	"mime"
	"strings"
)

// Header names Build treats specially.
const (
	listIDHeader  = "List-Id"
	maxHeaderLine = 78 // RFC 5322 section 2.1.1: lines SHOULD be at most 78 characters
)

// formatListID returns a List-Id value per RFC 2919: an optional
// description, then the list id in angle brackets. A description that is
// not ASCII becomes RFC 2047 encoded words ("B" encoding, safe in a
// phrase); one with specials is quoted; the <id> always stays outside,
// plain, so that filters match it. Long values are folded between words.
// v is "Description <list.id.example>" or "<list.id.example>"; the
// description may be quoted already.
func formatListID(v string) (string, error) {
	phrase, id, err := parseListID(v)
	if err != nil {
		return "", err
	}
	words := []string{"<" + id + ">"}
	if phrase != "" {
		words = append(encodePhrase(phrase), words...)
	}
	return foldWords(len(listIDHeader)+2, words), nil
}

// parseListID splits v into its description (unquoted) and list id.
func parseListID(v string) (phrase, id string, err error) {
	v = strings.TrimSpace(v)
	open := strings.LastIndexByte(v, '<')
	if open < 0 || !strings.HasSuffix(v, ">") {
		return "", "", fmt.Errorf("%w: List-Id %q is not \"Description <list.id>\"", ErrInvalidMessage, v)
	}
	id = v[open+1 : len(v)-1]
	if !isDotAtom(id) {
		return "", "", fmt.Errorf("%w: List-Id %q: the id %q is not like list.example.com", ErrInvalidMessage, v, id)
	}
	phrase = strings.TrimSpace(v[:open])
	if len(phrase) >= 2 && phrase[0] == '"' && phrase[len(phrase)-1] == '"' {
		phrase = strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(phrase[1 : len(phrase)-1])
	}
	return phrase, id, nil
}

// encodePhrase returns phrase as the words of an RFC 5322 phrase: as it
// is when it is ASCII atoms, quoted when ASCII with specials, else RFC
// 2047 encoded words.
func encodePhrase(phrase string) []string {
	ascii, atoms := true, true
	for _, r := range phrase {
		switch {
		case r > '~' || (r < ' ' && r != '\t'):
			ascii = false
		case r != ' ' && !isAtext(r):
			atoms = false
		}
	}
	switch {
	case !ascii:
		return encodedWords(phrase)
	case atoms:
		return strings.Fields(phrase)
	default:
		return []string{`"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(phrase) + `"`}
	}
}

// encodedWords encodes s as RFC 2047 "B" words of at most 30 bytes of
// text each (52 characters), so that the first fits on the header's line;
// a reader joins adjacent encoded words without the space between them.
func encodedWords(s string) []string {
	var words []string
	for s != "" {
		n := 0
		for i := range s {
			if i > 30 {
				break
			}
			n = i
		}
		if len(s) <= 30 {
			n = len(s)
		}
		words = append(words, mime.BEncoding.Encode("utf-8", s[:n]))
		s = s[n:]
	}
	return words
}

// foldWords joins words with spaces, folding before a word that would
// take a line past maxHeaderLine; used is what the line holds already.
func foldWords(used int, words []string) string {
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			if used+1+len(w) > maxHeaderLine {
				b.WriteString("\r\n")
				used = 0
			}
			b.WriteByte(' ')
			used++
		}
		b.WriteString(w)
		used += len(w)
	}
	return b.String()
}

// isAtext reports the characters of an atom (RFC 5322 section 3.2.3).
func isAtext(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
		strings.ContainsRune("!#$%&'*+-/=?^_`{|}~", r)
}

// isDotAtom reports whether s is atoms joined by single dots.
func isDotAtom(s string) bool {
	for _, part := range strings.Split(s, ".") {
		if part == "" || strings.IndexFunc(part, func(r rune) bool { return !isAtext(r) }) >= 0 {
			return false
		}
	}
	return true
}
