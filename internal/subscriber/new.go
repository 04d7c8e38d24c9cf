package subscriber

import "strings"

// New checks what a person gave for a new pending subscriber (an address,
// a name, topics) by the rules the form, `herald subscribers add` and the
// import share; the error is a sentence for that person.
func New(email, name string, topics []string, source Source) (Subscriber, error) {
	key, err := Normalize(email)
	if err != nil {
		return Subscriber{}, err
	}
	s := Subscriber{Email: strings.TrimSpace(email), EmailKey: key, Status: Pending, Source: source}
	if s.Name, err = CheckName(name); err != nil {
		return s, err
	}
	s.Topics, err = CheckTopics(topics)
	return s, err
}

// FillStatus sets status on the subscribers without one (ReadCSV leaves
// Status empty on the rows of a file without a status column).
func FillStatus(subs []Subscriber, status Status) {
	for i := range subs {
		if subs[i].Status == "" {
			subs[i].Status = status
		}
	}
}
