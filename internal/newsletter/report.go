package newsletter

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/store"
)

// IssueReport is one issue with its ledger counts, as `herald issues`
// lists it (and prints it with -json).
type IssueReport struct {
	ID        int64     `json:"id"`
	Key       string    `json:"key"`
	Run       time.Time `json:"run"`
	Mode      string    `json:"mode"`
	Posts     []string  `json:"posts"`
	Sent      int       `json:"sent"`
	Failed    int       `json:"failed"`
	Skipped   int       `json:"skipped"`
	Uncertain int       `json:"uncertain"`
	Pending   int       `json:"pending"`
	Status    string    `json:"status"`
	Reason    string    `json:"reason,omitempty"`
}

// StatusText is the issue's status with its reason, if any.
func (r IssueReport) StatusText() string {
	if r.Reason != "" {
		return r.Status + ": " + r.Reason
	}
	return r.Status
}

// DeliveryReport is one failed or uncertain delivery of an issue.
type DeliveryReport struct {
	Email     string    `json:"email"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error"`
	UpdatedAt time.Time `json:"updated_at"`
}

// IssueDetail is one issue with its failed and uncertain deliveries, as
// `herald issues show` prints it.
type IssueDetail struct {
	IssueReport
	FailedDeliveries    []DeliveryReport `json:"failed_deliveries"`
	UncertainDeliveries []DeliveryReport `json:"uncertain_deliveries"`
}

// ReportStore is what the issue reports read of a store; they only read.
type ReportStore interface {
	Issue(ctx context.Context, id int64) (store.Issue, error)
	ListIssues(ctx context.Context, limit int) ([]store.Issue, error)
	DeliveryCounts(ctx context.Context, issueID int64) (map[store.DeliveryStatus]int, error)
	ListDeliveries(ctx context.Context, issueID int64, status store.DeliveryStatus, limit int) ([]store.Delivery, error)
}

// ListIssueReports reports the latest limit issues, newest first.
func ListIssueReports(ctx context.Context, st ReportStore, limit int) ([]IssueReport, error) {
	issues, err := st.ListIssues(ctx, limit)
	if err != nil {
		return nil, fmt.Errorf("list issues: %w", err)
	}
	rows := make([]IssueReport, 0, len(issues))
	for _, is := range issues {
		row, err := issueReport(ctx, st, is)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// IssueDetailReport reports issue id; the error wraps store.ErrNotFound
// when there is no such issue.
func IssueDetailReport(ctx context.Context, st ReportStore, id int64) (IssueDetail, error) {
	is, err := st.Issue(ctx, id)
	if err != nil {
		return IssueDetail{}, fmt.Errorf("load issue %d: %w", id, err)
	}
	row, err := issueReport(ctx, st, is)
	if err != nil {
		return IssueDetail{}, err
	}
	d := IssueDetail{IssueReport: row}
	if d.FailedDeliveries, err = deliveryReports(ctx, st, id, store.DeliveryFailed); err != nil {
		return d, err
	}
	d.UncertainDeliveries, err = deliveryReports(ctx, st, id, store.DeliveryUncertain)
	return d, err
}

func issueReport(ctx context.Context, st ReportStore, is store.Issue) (IssueReport, error) {
	counts, err := st.DeliveryCounts(ctx, is.ID)
	if err != nil {
		return IssueReport{}, fmt.Errorf("count deliveries of issue %d: %w", is.ID, err)
	}
	mode := "digest"
	if strings.Contains(is.Key, "/") || strings.HasPrefix(is.Reason, "per-post") {
		mode = "per-post"
	}
	return IssueReport{ID: is.ID, Key: is.Key, Run: is.ScheduledAt.UTC(), Mode: mode, Posts: append([]string{}, is.PostIDs...),
		Sent: counts[store.DeliverySent], Failed: counts[store.DeliveryFailed], Skipped: counts[store.DeliverySkipped],
		Uncertain: counts[store.DeliveryUncertain],
		Pending:   counts[store.DeliveryPending] + counts[store.DeliveryClaimed] + counts[store.DeliverySending],
		Status:    string(is.Status), Reason: is.Reason}, nil
}

func deliveryReports(ctx context.Context, st ReportStore, id int64, status store.DeliveryStatus) ([]DeliveryReport, error) {
	ds, err := st.ListDeliveries(ctx, id, status, 0)
	if err != nil {
		return nil, fmt.Errorf("list %s deliveries of issue %d: %w", status, id, err)
	}
	rows := make([]DeliveryReport, 0, len(ds))
	for _, d := range ds {
		rows = append(rows, DeliveryReport{Email: d.Email, Attempts: d.Attempts, LastError: d.LastError, UpdatedAt: d.UpdatedAt.UTC()})
	}
	return rows, nil
}
