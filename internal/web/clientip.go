package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientKey returns the rate-limit key of r's client: its IP, taken from
// header when set (the rightmost entry of a list, the one the trusted
// proxy added), else from the connection. IPv6 clients are keyed by their
// /64, since one host usually owns a whole /64.
func clientKey(r *http.Request, header string) string {
	raw := ""
	if header != "" {
		list := strings.Split(r.Header.Get(header), ",")
		raw = strings.TrimSpace(list[len(list)-1])
	}
	if raw == "" {
		raw = r.RemoteAddr
		if host, _, err := net.SplitHostPort(raw); err == nil {
			raw = host
		}
	}
	ip, err := netip.ParseAddr(raw)
	if err != nil {
		return "unparsed:" + raw
	}
	ip = ip.Unmap()
	if ip.Is4() {
		return ip.String()
	}
	prefix, _ := ip.Prefix(64) // valid for IPv6
	return prefix.String()
}
