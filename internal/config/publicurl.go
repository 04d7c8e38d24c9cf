package config

import (
	"fmt"
	"net"
	"net/url"
)

// PublicURLMismatch returns a warning when server.public_url names this
// machine (localhost or a loopback address) at a port other than the one
// server.listen uses: the links in the feeds, pages and emails would then
// lead to nothing, or to another program. "" when the two agree, or when
// public_url names another host (a proxy in front is normal).
func (c *Config) PublicURLMismatch() string {
	u, err := url.Parse(c.Server.PublicURL)
	if err != nil || !loopback(u.Hostname()) {
		return ""
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	_, listenPort, err := net.SplitHostPort(c.Server.Listen)
	if err != nil || listenPort == port || listenPort == "0" {
		return ""
	}
	return fmt.Sprintf("server.public_url %s points at port %s of this machine, but herald listens on %s: "+
		"the links in the feeds, pages and emails lead elsewhere; remove public_url to follow server.listen, "+
		"or set it to the address readers use", c.Server.PublicURL, port, c.Server.Listen)
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
