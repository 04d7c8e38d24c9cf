// Package mail builds email messages (with github.com/wneessen/go-mail) and
// delivers them through a Transport: SMTP with a connection pool and rate
// limits, or an outbox folder of .eml files.
//
// # Building
//
// Build turns a Message into RFC 5322 bytes: multipart/alternative (text and
// HTML), UTF-8, quoted-printable, with the Message-ID, Date, From, To,
// Reply-To, Subject and the extra headers the caller gives (List-Unsubscribe,
// List-Unsubscribe-Post, List-Id, Precedence...). A CR or LF in any header
// value, or an address without @, is refused (header injection). The same
// Message always builds to the same bytes, so a resent copy is identical.
// With a *DKIM (NewDKIM, its key read by package config) the message is signed relaxed/relaxed with
// github.com/emersion/go-msgauth.
//
// # Transports
//
// NewOutbox writes each message atomically as an .eml file: the default when
// no SMTP server is configured, and the dry-run target.
//
// NewSMTP sends through a relay (package config reads smtp.url):
//
//   - Connections connections, each dialled once (TLS, greeting, EHLO, AUTH
//     with go-mail's smtp client) and then
//     reused for message after message by one sender at a time; RSET after a
//     refused recipient, a new connection after a 421, a drop or a timeout.
//   - Rate messages per second over all connections and DomainRates per
//     recipient domain, with golang.org/x/time/rate.
//   - A temporary failure (4xx, dropped connection, timeout) halves the
//     global rate (and that domain's) for a minute, at most once a second,
//     never below 1 message per second; an unlimited sender halves its
//     measured rate.
//   - Timeout bounds each dial and each message's whole exchange. A
//     cancelled context ends a wait or a dial at once, but never cuts a
//     transaction once begun: it runs to its reply (bounded by Timeout and
//     the context's deadline), so stopping a sender leaves no message in
//     doubt.
//   - PIPELINING (RFC 2920) when the relay offers it: MAIL, RCPT and DATA go
//     out in one write, so a message costs two round trips instead of four.
//   - Message.Handoff lets the sender record its ledger while the exchange
//     runs, at the latest point before the server can have the message;
//     Message.Raw carries bytes built ahead of Send (see Builder).
//
// Errors from Send are *SendError values naming the step that failed (Op):
// Temporary(err) says whether to retry later, Code(err) gives the SMTP reply
// code (0 when none). MaybeDelivered is true only when the final dot of DATA
// was written and no reply came: the relay may have the message, and a
// retry could be a duplicate. RelayFault is true when the relay (or its
// settings) failed, not the recipient: connect, TLS, greeting, EHLO, AUTH,
// or a 5xx to MAIL FROM; Setting names what to check. A message refused by
// Build wraps ErrInvalidMessage and is never retried.
//
// The smtptest sub-package runs a real SMTP server for tests, which can be
// told to refuse, drop or stall for chosen recipients.
package mail
