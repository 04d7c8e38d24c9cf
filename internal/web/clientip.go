package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientKey returns the rate-limit key of r's client: its IP, taken from
// header when set, else from the connection. IPv6 clients are keyed by
// their /64, since one host usually owns a whole /64.
//
// header lists one address per proxy hop (X-Forwarded-For, X-Real-IP, or
// Forwarded as in RFC 7239). A client may send the header itself, and a
// proxy appends to it, so only the right-most entries can be trusted:
// hops is the number of trusted proxies in front of herald, and the client
// is the hops-th entry from the right, counted across every line of the
// header (a proxy may add a line of its own rather than extend the last).
// With fewer entries than hops, the left-most one is taken.
func clientKey(r *http.Request, header string, hops int) string {
	raw := ""
	if header != "" {
		raw = fromRight(proxyEntries(r.Header.Values(header), header), hops)
	}
	if raw == "" {
		raw = r.RemoteAddr
	}
	return ipKey(raw)
}

// proxyEntries returns the addresses of every hop listed in the lines of
// header, in order, left-most first.
func proxyEntries(lines []string, header string) []string {
	var out []string
	forwarded := http.CanonicalHeaderKey(header) == "Forwarded"
	for _, line := range lines {
		for _, elem := range splitQuoted(line, ',') {
			if forwarded {
				elem = forwardedFor(elem)
			}
			out = append(out, strings.TrimSpace(elem))
		}
	}
	return out
}

// fromRight returns the hops-th entry from the right (hops at least 1),
// or the left-most one when there are fewer.
func fromRight(entries []string, hops int) string {
	if len(entries) == 0 {
		return ""
	}
	hops = max(hops, 1)
	return entries[max(len(entries)-hops, 0)]
}

// forwardedFor returns the for= parameter of one RFC 7239 element
// ("for=192.0.2.60;proto=https"), unquoted, or "" when it has none.
func forwardedFor(elem string) string {
	for _, pair := range splitQuoted(elem, ';') {
		name, value, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if ok && strings.EqualFold(name, "for") {
			return strings.Trim(strings.TrimSpace(value), `"`)
		}
	}
	return "unknown"
}

// splitQuoted splits s at sep outside double quotes.
func splitQuoted(s string, sep byte) []string {
	var parts []string
	quoted, start := false, 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '"':
			quoted = !quoted
		case s[i] == '\\' && quoted:
			i++
		case s[i] == sep && !quoted:
			parts, start = append(parts, s[start:i]), i+1
		}
	}
	return append(parts, s[start:])
}

// ipKey parses an address, with or without a port ("192.0.2.1:80",
// "[2001:db8::1]:80", "[2001:db8::1]") and returns its key.
func ipKey(raw string) string {
	if host, _, err := net.SplitHostPort(raw); err == nil {
		raw = host
	}
	ip, err := netip.ParseAddr(strings.Trim(raw, "[]"))
	if err != nil {
		return "unparsed:" + raw
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is4() {
		return ip.String()
	}
	prefix, _ := ip.Prefix(64) // valid for IPv6
	return prefix.String()
}
