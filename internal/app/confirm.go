package app

import (
	"context"
	"io"

	"github.com/heraldhq/herald/internal/clock"
	"github.com/heraldhq/herald/internal/config"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
	"github.com/heraldhq/herald/internal/web"
)

// SendConfirmation mails s, outside the daemon (`herald subscribers add`),
// the confirmation email the form sends, through the same web.Server
// method; logs go to logw.
func SendConfirmation(ctx context.Context, cfg *config.Config, st store.Store, s subscriber.Subscriber, clk clock.Clock, logw io.Writer) error {
	log := NewLogger(cfg, logw)
	signer, err := LoadSigner(ctx, cfg, st)
	if err != nil {
		return err
	}
	mailer, err := OpenTransport(cfg, log, clock.Or(clk))
	if err != nil {
		return err
	}
	defer mailer.Close()
	srv, err := web.New(WebOptions(cfg, st, signer, mailer, log))
	if err != nil {
		return err
	}
	return srv.SendConfirmation(ctx, s)
}
