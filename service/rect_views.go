package service

import (
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/wire"
)

// RectText is what an item says: the problem and its remedy.
type RectText struct {
	Description string `json:"description"` // 问题描述
	Cause       string `json:"cause"`       // 原因
	Measures    string `json:"measures"`    // 整改措施
	Department  string `json:"department"`  // 责任单位
	Person      string `json:"person"`      // 责任人
}

// RectItemView is one rectification item (整改事项) of a cycle, from the
// read model.
type RectItemView struct {
	CycleID string `json:"cycle_id"`
	OrgCode string `json:"org_code"`
	OrgName string `json:"org_name"`
	ItemID  string `json:"item_id"`
	Serial  int    `json:"serial"`
	Source  string `json:"source"`
	// SourceLabel is the 问题来源 as the ledger shows it, "（上年结转）"
	// added for a carried item.
	SourceLabel   string `json:"source_label"`
	SourceRef     string `json:"source_ref"`
	CommentID     *uint  `json:"comment_id,omitempty"`
	OriginCycleID string `json:"origin_cycle_id"`
	CarriedFrom   string `json:"carried_from,omitempty"`
	RectText
	Category      string `json:"category"`
	CategoryLabel string `json:"category_label"`
	// Due is the item's due date, or the current check-in's of a 长期坚持
	// item; FinalDue the final deadline the 督办 step set.
	Due         *time.Time `json:"due,omitempty"`
	FinalDue    *time.Time `json:"final_due,omitempty"`
	CheckIn     int        `json:"check_in,omitempty"`
	Status      string     `json:"status"`
	StatusLabel string     `json:"status_label"`
	// Level is the highest escalation sent: 0 none, 1 提醒, 2 督办, 3 约谈.
	Level      int        `json:"level"`
	LevelLabel string     `json:"level_label,omitempty"`
	Overdue    bool       `json:"overdue"`
	Evidence   int        `json:"evidence"`
	Progress   string     `json:"progress"`
	ClosedAt   *time.Time `json:"closed_at,omitempty"`
	ClosedBy   string     `json:"closed_by,omitempty"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// RectDetailView is an item with its whole history: the notes of every
// cycle it was in, oldest first, each with its evidence.
type RectDetailView struct {
	RectItemView
	Notes []RectNoteView `json:"notes"`
}

// RectNoteView is one entry of an item's history.
type RectNoteView struct {
	CycleID    string             `json:"cycle_id"`
	Kind       string             `json:"kind"`
	KindLabel  string             `json:"kind_label"`
	Text       string             `json:"text"`
	AuthorName string             `json:"author_name"`
	AuthorRole string             `json:"author_role"`
	At         time.Time          `json:"at"`
	Evidence   []RectEvidenceView `json:"evidence"`
}

// RectEvidenceView is one evidence file with where to download it.
type RectEvidenceView struct {
	SHA256      string `json:"sha256"`
	Name        string `json:"name"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
	URL         string `json:"url"`
}

// RectResultView answers an action on an item: the item as its workflow
// sees it right after.
type RectResultView struct {
	CycleID       string     `json:"cycle_id"`
	OrgCode       string     `json:"org_code"`
	ItemID        string     `json:"item_id"`
	Status        string     `json:"status"`
	StatusLabel   string     `json:"status_label"`
	Category      string     `json:"category"`
	CategoryLabel string     `json:"category_label"`
	Due           *time.Time `json:"due,omitempty"`
	FinalDue      *time.Time `json:"final_due,omitempty"`
	Evidence      int        `json:"evidence"`
	Waiting       string     `json:"waiting"`
}

func rectResultView(st wire.RectState) RectResultView {
	return RectResultView{
		CycleID: st.CycleID, OrgCode: st.OrgCode, ItemID: st.ItemID, Status: string(st.Status), StatusLabel: st.Status.Label(),
		Category: string(st.Category), CategoryLabel: st.Category.Label(), Due: nonZeroTime(st.Due),
		FinalDue: nonZeroTime(st.FinalDue), Evidence: st.Evidence, Waiting: st.Waiting,
	}
}

func nonZeroTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return inChina(&t)
}

// rectRow is an item with its bureau's name.
type rectRow struct {
	models.RectItem
	OrgName string
}

func rectItemView(r rectRow, now time.Time) RectItemView {
	status, category := wire.RectStatus(r.Status), wire.RectCategory(r.Category)
	return RectItemView{
		CycleID: r.CycleID, OrgCode: r.OrgCode, OrgName: r.OrgName, ItemID: r.ItemID, Serial: r.Serial,
		Source: r.Source, SourceLabel: rectSourceLabel(r.RectItem), SourceRef: r.SourceRef, CommentID: r.CommentID,
		OriginCycleID: r.OriginCycleID, CarriedFrom: r.CarriedFrom, Category: r.Category,
		RectText:      RectText{Description: r.Description, Cause: r.Cause, Measures: r.Measures, Department: r.Department, Person: r.Person},
		CategoryLabel: category.Label(), Due: inChina(r.Due), FinalDue: inChina(r.FinalDue), CheckIn: r.CheckIn,
		Status: r.Status, StatusLabel: status.Label(), Level: r.Level, LevelLabel: rectLevelLabel(r.Level),
		Overdue: rectOverdue(r.RectItem, now), Evidence: r.Evidence, Progress: r.Progress, ClosedAt: inChina(r.ClosedAt),
		ClosedBy: r.ClosedBy, CreatedBy: r.CreatedBy, CreatedAt: chinatime.In(r.CreatedAt), UpdatedAt: chinatime.In(r.UpdatedAt),
	}
}

// rectOverdueStatuses are the statuses whose due date runs: a closure
// request pauses it while it waits for the office.
var rectOverdueStatuses = []string{string(wire.RectOpen), string(wire.RectInProgress)}

// rectOverdue reports whether the item is past its due date (or its
// check-in's) and still the bureau's to act on.
func rectOverdue(r models.RectItem, now time.Time) bool {
	return r.Due != nil && r.Due.Before(now) && slices.Contains(rectOverdueStatuses, r.Status)
}

// rectSourceLabel is the 问题来源: the source's name and where exactly,
// and "上年结转" for an item carried from the bureau's previous cycle.
func rectSourceLabel(r models.RectItem) string {
	label := wire.RectSource(r.Source).Label()
	if r.SourceRef != "" {
		label += "（" + r.SourceRef + "）"
	}
	if r.CarriedFrom != "" {
		label += "（上年结转）"
	}
	return label
}

// rectLevelLabel names the highest escalation an item reached.
func rectLevelLabel(level int) string {
	switch level {
	case 1:
		return "已提醒"
	case 2:
		return "已督办（告诫）"
	case 3:
		return "已约谈（通报）"
	}
	return ""
}

// rectNoteKindLabel names a history entry's kind.
func rectNoteKindLabel(kind string) string {
	switch kind {
	case models.RectNoteProgress:
		return "整改进展"
	case models.RectNoteClosure:
		return "申请销号"
	case models.RectNoteClosed:
		return "核验销号"
	case models.RectNoteRejected:
		return "销号申请被退回"
	case models.RectNoteCarried:
		return "结转至下一周期"
	}
	return kind
}

// evidenceURL is where an item's evidence file is downloaded: under the
// cycle the caller reads the item in, whichever cycle the file came with.
func evidenceURL(cycleID, org, item, sha string) string {
	return fmt.Sprintf("/api/v1/cycles/%s/bureaus/%s/rectifications/%s/evidence/%s",
		url.PathEscape(cycleID), url.PathEscape(org), url.PathEscape(item), sha)
}
