package models

import "time"

// RectItem is the read model of one rectification item (整改事项) in one
// cycle, written only by activities of the item's workflow. An item
// carried into the next cycle gets a row there with the same ItemID; the
// old row stays, status carried_over, and the notes stay on the rows they
// were written on, so the item's history reads across cycles by
// (OrgCode, ItemID).
type RectItem struct {
	ID      uint   `gorm:"primaryKey"`
	CycleID string `gorm:"size:32;not null;uniqueIndex:idx_rect_item,priority:1;index:idx_rect_cycle_status,priority:1"`
	OrgCode string `gorm:"size:64;not null;uniqueIndex:idx_rect_item,priority:2"`
	ItemID  string `gorm:"size:64;not null;uniqueIndex:idx_rect_item,priority:3"`
	OrgID   uint   `gorm:"not null;index"`
	// Serial numbers items within their cycle for the ledger's 序号.
	Serial int `gorm:"not null"`

	Source    string `gorm:"size:16;not null"`
	SourceRef string `gorm:"size:200;not null;default:''"`
	// CommentID is the review comment an item from a finding was made of:
	// unique, so a comment becomes one item at most.
	CommentID     *uint  `gorm:"uniqueIndex"`
	OriginCycleID string `gorm:"size:32;not null"`
	// CarriedFrom is the previous cycle of a carried item (上年结转).
	CarriedFrom string `gorm:"size:32;not null;default:''"`

	Description string `gorm:"type:text;not null"`
	Cause       string `gorm:"type:text;not null;default:''"`
	Measures    string `gorm:"type:text;not null;default:''"`
	Department  string `gorm:"size:200;not null;default:''"`
	Person      string `gorm:"size:100;not null;default:''"`
	Category    string `gorm:"size:16;not null"`
	Due         *time.Time
	// FinalDue is the final deadline the 督办 step set.
	FinalDue *time.Time
	// CheckIn numbers the current check-in of a 长期坚持 item (from 1).
	CheckIn int `gorm:"not null;default:0"`

	Status string `gorm:"size:24;not null;index:idx_rect_cycle_status,priority:2"`
	// Level is the highest escalation sent: 0 none, 1 提醒, 2 督办, 3 约谈.
	Level int `gorm:"not null;default:0"`
	// Seq is the item workflow's write counter: a write carrying a Seq not
	// above it is a retry and changes nothing.
	Seq       int    `gorm:"not null;default:0"`
	Evidence  int    `gorm:"not null;default:0"`
	Progress  string `gorm:"type:text;not null;default:''"`
	ClosedAt  *time.Time
	ClosedBy  string    `gorm:"size:64;not null;default:''"`
	CreatedBy string    `gorm:"size:64;not null;default:''"`
	CreatedAt time.Time `gorm:"not null"`
	UpdatedAt time.Time `gorm:"not null"`
}

func (RectItem) TableName() string { return "rect_items" }

// Kinds of RectNote.
const (
	RectNoteProgress = "progress"          // 整改进展
	RectNoteClosure  = "closure_requested" // 申请销号
	RectNoteClosed   = "closed"            // 销号 (verified)
	RectNoteRejected = "rejected"          // 销号申请被退回
	RectNoteCarried  = "carried_over"      // 结转至下一周期
)

// RectNote is one entry of an item's history: progress, a closure request,
// a verdict. Immutable.
type RectNote struct {
	ID         uint   `gorm:"primaryKey"`
	ItemRowID  uint   `gorm:"not null;index"`
	CycleID    string `gorm:"size:32;not null"`
	OrgCode    string `gorm:"size:64;not null;index:idx_rect_note_item,priority:1"`
	ItemID     string `gorm:"size:64;not null;index:idx_rect_note_item,priority:2"`
	Seq        int    `gorm:"not null"`
	Kind       string `gorm:"size:24;not null"`
	Text       string `gorm:"type:text;not null"`
	AuthorID   *uint
	AuthorName string    `gorm:"size:64;not null"`
	AuthorRole string    `gorm:"size:32;not null"`
	At         time.Time `gorm:"not null"`
}

func (RectNote) TableName() string { return "rect_notes" }

// RectEvidence is one evidence file of a note, stored content-addressed
// in the blob table (filestore). Immutable.
type RectEvidence struct {
	ID          uint   `gorm:"primaryKey"`
	NoteID      uint   `gorm:"not null;index"`
	OrgCode     string `gorm:"size:64;not null;index:idx_rect_evidence_item,priority:1"`
	ItemID      string `gorm:"size:64;not null;index:idx_rect_evidence_item,priority:2"`
	SHA         string `gorm:"size:64;not null;index"`
	Name        string `gorm:"size:255;not null"`
	Size        int64  `gorm:"not null"`
	ContentType string `gorm:"size:100;not null"`
}

func (RectEvidence) TableName() string { return "rect_evidence" }

// RectCarry is an item waiting for its bureau's next cycle: written when
// the cycle closes with the item not closed and no later cycle of the
// office includes the bureau yet; consumed (Adopted set) when one does.
type RectCarry struct {
	ID          uint      `gorm:"primaryKey"`
	OfficeID    uint      `gorm:"not null;index:idx_rect_carry_pending,priority:1"`
	OrgCode     string    `gorm:"size:64;not null;index:idx_rect_carry_pending,priority:2;uniqueIndex:idx_rect_carry_item,priority:1"`
	ItemID      string    `gorm:"size:64;not null;uniqueIndex:idx_rect_carry_item,priority:2"`
	FromCycleID string    `gorm:"size:32;not null;uniqueIndex:idx_rect_carry_item,priority:3"`
	FromYear    int       `gorm:"not null"`
	AdoptedBy   string    `gorm:"size:32;not null;default:''"`
	CarriedAt   time.Time `gorm:"not null"`
}

func (RectCarry) TableName() string { return "rect_carries" }

// RectRequest remembers which item a request to add one opened, so a
// retried request (same X-Request-Id) opens the same item instead of
// numbering a second one.
type RectRequest struct {
	CycleID   string    `gorm:"primaryKey;size:32"`
	OrgCode   string    `gorm:"primaryKey;size:64"`
	RequestID string    `gorm:"primaryKey;size:64"`
	ItemID    string    `gorm:"size:64;not null"`
	CreatedAt time.Time `gorm:"not null"`
}

func (RectRequest) TableName() string { return "rect_requests" }
