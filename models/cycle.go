package models

import (
	"time"

	"github.com/lawcycle/lawcycle/wire"
)

// Cycle statuses (docs/domain.md#cycle-statuses), as the workflow names them.
const (
	CycleDraft   = wire.CycleDraft
	CycleOpen    = wire.CycleOpen
	CycleClosing = wire.CycleClosing
	CycleClosed  = wire.CycleClosed
)

// Cycle is one office × one report year. Due dates are instants: a
// date-only setting means the end of that day in China Standard Time.
type Cycle struct {
	ID             string    `gorm:"primaryKey;size:32"`
	Year           int       `gorm:"not null;index"`
	Title          string    `gorm:"size:200;not null"`
	OfficeID       uint      `gorm:"not null;index"`
	Status         string    `gorm:"size:16;not null;index"`
	SubmissionDue  time.Time `gorm:"not null"`
	PublicationDue time.Time `gorm:"not null"`
	// DocNo is the 文号 the office asked for; empty means one is assigned
	// when the notice is issued.
	DocNo       string `gorm:"size:64;not null;default:''"`
	NoticeExtra string `gorm:"type:text;not null;default:''"`
	// Catalogues pins the catalogue parts the cycle uses, comma-separated:
	// the latest general part and the latest part of every sector when the
	// cycle was created, e.g. "general@2025.1,hrss@2025.1". A bureau's
	// return uses the general part and the part of its sector, at these
	// versions, for the whole cycle; its template's label joins those two
	// with "+" (catalogue.Catalogue.Label), the pins never do.
	Catalogues string `gorm:"size:500;not null;default:''"`
	// Settings are the deadline rules (reminders, resubmission, escalation).
	Settings    CycleSettings `gorm:"type:text;not null;default:'{}'"`
	CreatedByID *uint
	LaunchedAt  *time.Time
	// FannedOutAt is set when every bureau workflow of the launch has started.
	FannedOutAt *time.Time
	// ClosingAt is when the publication deadline passed (or the office
	// began closing); ClosedAt when the cycle closed, with Outcome the
	// JSON of wire.CycleOutcome compiled then.
	ClosingAt *time.Time
	ClosedAt  *time.Time
	Outcome   string `gorm:"type:text;not null;default:''"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Participant is a bureau in a cycle and the read model of its workflow:
// the API serves stage, round, due dates and flags from here so status
// pages never ask Temporal about each bureau.
type Participant struct {
	ID             uint      `gorm:"primaryKey"`
	CycleID        string    `gorm:"size:32;not null;uniqueIndex:idx_participant_cycle_org,priority:1;index:idx_participant_cycle_stage,priority:1"`
	OrgCode        string    `gorm:"size:64;not null;uniqueIndex:idx_participant_cycle_org,priority:2"`
	OrgID          uint      `gorm:"not null;index"`
	Stage          string    `gorm:"size:32;not null;index:idx_participant_cycle_stage,priority:2"`
	Round          int       `gorm:"not null;default:0"`
	SubmissionDue  time.Time `gorm:"not null"`
	PublicationDue time.Time `gorm:"not null"`
	Flags          []string  `gorm:"serializer:json;type:text;not null"`
	// StageSeq orders read-model writes: a write carrying an older sequence
	// than the stored one is ignored, so a late activity retry can never
	// move a bureau backwards.
	StageSeq       int64 `gorm:"not null;default:0"`
	StageChangedAt *time.Time
	AcknowledgedAt *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (Participant) TableName() string { return "cycle_participants" }

// Notice is the 通知 that opens a cycle.
type Notice struct {
	ID             uint      `gorm:"primaryKey"`
	CycleID        string    `gorm:"size:32;not null;uniqueIndex"`
	OfficeID       uint      `gorm:"not null;uniqueIndex:idx_notice_office_docno,priority:1"`
	DocNo          string    `gorm:"size:64;not null;uniqueIndex:idx_notice_office_docno,priority:2"`
	Title          string    `gorm:"size:200;not null"`
	Body           string    `gorm:"type:text;not null"`
	SubmissionDue  time.Time `gorm:"not null"`
	PublicationDue time.Time `gorm:"not null"`
	IssuedAt       time.Time `gorm:"not null"`
}
