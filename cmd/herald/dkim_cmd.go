package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/heraldhq/herald/internal/app"
)

var dkimRecordCommand = command{
	name:    "dkim-record",
	summary: "print the DNS TXT records that publish the [dkim] keys",
	about: `Prints, for each key of [dkim] (key_file, and ed25519_key_file when set), the TXT record
receivers look up to verify herald's signatures, as a zone-file line: the name
<selector>._domainkey.<domain>, then the value split into strings of at most 255 characters
(a DNS provider's form takes the same text with the quoted parts joined). See the
Deliverability section of docs/newsletter.md for SPF and DMARC.`,
	run: runDKIMRecord,
}

func runDKIMRecord(_ context.Context, c *command, args []string, e env) error {
	fs := newCmdFlags(c, e)
	cfg, err := fs.load(args)
	if err != nil {
		return err
	}
	signer, err := app.LoadDKIM(cfg)
	if err != nil {
		return err
	}
	if signer == nil {
		return errors.New("no DKIM key: set [dkim] domain, selector and key_file (see docs/newsletter.md#dkim)")
	}
	records, err := signer.Records()
	if err != nil {
		return err
	}
	for _, r := range records {
		fmt.Fprintf(e.stdout, "%s.\tIN\tTXT\t%s\n", r.Name, quoteTXT(r.Value))
	}
	return nil
}

// quoteTXT writes a TXT value as zone-file character strings of at most
// 255 bytes each (RFC 1035), which receivers join back into one.
func quoteTXT(v string) string {
	var parts []string
	for len(v) > 255 {
		parts = append(parts, `"`+v[:255]+`"`)
		v = v[255:]
	}
	return strings.Join(append(parts, `"`+v+`"`), " ")
}
