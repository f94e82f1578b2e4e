package wire

import (
	"strconv"
	"strings"
	"time"
)

// RectificationWorkflow is the workflow type of one rectification item
// (整改事项, docs/domain.md#rectification); its ID is RectificationWorkflowID.
const RectificationWorkflow = "Rectification"

// Rectification workflow updates and signals. Every update is a person's
// action, answered synchronously with the item's new state or the
// validator's Chinese refusal.
const (
	// UpdateRectOpen is sent with the item workflow's start (update with
	// start) by the office: it completes once the item is recorded.
	UpdateRectOpen = "rect_open" // (no argument) → RectState
	// UpdateRectProgress: the bureau reports progress, with or without
	// evidence (open → in_progress; a check-in of a 长期坚持 item).
	UpdateRectProgress = "rect_progress" // RectProgress → RectState
	// UpdateRectRequestClosure: the bureau asks for 销号, with evidence.
	UpdateRectRequestClosure = "rect_request_closure" // RectProgress → RectState
	// UpdateRectVerify: an office reviewer closes the item (销号) or sends
	// it back to in_progress with a reason.
	UpdateRectVerify = "rect_verify" // RectVerification → RectState
	// SignalRectCycleClosed: the item's cycle closed; an item not closed
	// carries over into the bureau's next cycle and this run ends.
	SignalRectCycleClosed = SignalCycleClosed
)

// RectStatus is an item's state (docs/domain.md#rectification).
type RectStatus string

const (
	RectOpen             RectStatus = "open"
	RectInProgress       RectStatus = "in_progress"
	RectClosureRequested RectStatus = "closure_requested"
	RectClosed           RectStatus = "closed"
	// RectCarriedOver ends an item in its cycle: it continues, with its
	// history, as an item of the bureau's next cycle (上年结转).
	RectCarriedOver RectStatus = "carried_over"
)

// Label is the status's Chinese name, as the ledger shows it.
func (s RectStatus) Label() string {
	switch s {
	case RectOpen:
		return "未开始"
	case RectInProgress:
		return "整改中"
	case RectClosureRequested:
		return "申请销号"
	case RectClosed:
		return "已销号"
	case RectCarriedOver:
		return "已结转"
	}
	return string(s)
}

// Final reports whether the item's workflow in this cycle has ended.
func (s RectStatus) Final() bool { return s == RectClosed || s == RectCarriedOver }

// RectStatuses lists every status, for filters and validation.
var RectStatuses = []RectStatus{RectOpen, RectInProgress, RectClosureRequested, RectClosed, RectCarriedOver}

// RectCategory is an item's category; it sets how its due dates work.
type RectCategory string

const (
	// RectImmediate (立行立改): a short due date, by default a cycle
	// setting's number of working days after the item opens.
	RectImmediate RectCategory = "immediate"
	// RectDeadline (限期整改): a due date is required.
	RectDeadline RectCategory = "deadline"
	// RectOngoing (长期坚持): no single due date; periodic check-ins, each a
	// small due date of its own.
	RectOngoing RectCategory = "ongoing"
)

// Label is the category's Chinese name.
func (c RectCategory) Label() string {
	switch c {
	case RectImmediate:
		return "立行立改"
	case RectDeadline:
		return "限期整改"
	case RectOngoing:
		return "长期坚持"
	}
	return string(c)
}

// Valid reports whether c is a known category.
func (c RectCategory) Valid() bool {
	return c == RectImmediate || c == RectDeadline || c == RectOngoing
}

// ParseRectCategory reads a category as people write it: its Chinese name
// (as in the return's 存在问题 sheet) or its identifier.
func ParseRectCategory(s string) (RectCategory, bool) {
	s = strings.TrimSpace(s)
	for _, c := range []RectCategory{RectImmediate, RectDeadline, RectOngoing} {
		if s == string(c) || s == c.Label() {
			return c, true
		}
	}
	return "", false
}

// RectSource is where an item came from.
type RectSource string

const (
	// RectFromReturn: a row of the approved return's 存在问题 sheet.
	RectFromReturn RectSource = "return"
	// RectFromFinding: a reviewer's comment turned into an item.
	RectFromFinding RectSource = "finding"
	// RectFromOffice: added by the office directly (e.g. a 督察 finding).
	RectFromOffice RectSource = "office"
)

// Label is the source's Chinese name (问题来源).
func (s RectSource) Label() string {
	switch s {
	case RectFromReturn:
		return "自查发现"
	case RectFromFinding:
		return "审核发现"
	case RectFromOffice:
		return "督察交办"
	}
	return string(s)
}

// RectFields are what an item says; the same for every source.
type RectFields struct {
	Description string // 问题描述
	Cause       string // 原因
	Measures    string // 整改措施
	Department  string // 责任部门 / 责任单位
	Person      string // 责任人
	Category    RectCategory
	// Due is the planned completion date (计划完成时限). Required for
	// 限期整改; empty for 立行立改 means the cycle's default; ignored for
	// 长期坚持.
	Due DueSetting
}

// RectSpec is an item as its workflow is started with it: the workflow's
// first activity records it, so an item exists in the read model only if
// its workflow does.
type RectSpec struct {
	Source RectSource
	// SourceRef says exactly where: "第2版存在问题第3行", a review comment's
	// id, a 督察 document number.
	SourceRef string
	// CommentID is the review comment an item from a finding was made of.
	CommentID uint `json:",omitempty"`
	Fields    RectFields
	By        Actor
}

// RectCarry links an item to the item it continues from the bureau's
// previous cycle; its source, notes and evidence stay with the original.
type RectCarry struct {
	FromCycleID string
	// OriginCycleID is the cycle the item first appeared in (it may have
	// been carried more than once).
	OriginCycleID string
}

// RectInput starts an item's workflow.
type RectInput struct {
	CycleID string
	OrgCode string
	// ItemID is unique within the cycle and bureau, stable across
	// carry-over, and readable: "2025-r2-3" (return version 2, row 3),
	// "2025-f17" (review comment 17), "2025-d4" (the office's 4th).
	ItemID string
	Spec   RectSpec
	Carry  *RectCarry `json:",omitempty"`
	// State is what a continued-as-new run carries over.
	State *RectRunState `json:",omitempty"`
}

// RectRunState is an item workflow's durable state: the workflow keeps it
// as one struct and hands it whole to the next run on continue-as-new.
type RectRunState struct {
	// Status repeats Item.Status, as every recorded run wrote it; a new run
	// takes the item's status from here.
	Status RectStatus
	Seq    int
	Sent   []string
	// Item is the item as the read model last answered; Closing is set
	// once the cycle closed (the new run carries the item over).
	Item    RectState
	Closing bool `json:",omitempty"`
}

// RectProgress is a bureau's progress note, with evidence files already
// stored (content-addressed, by SHA-256).
type RectProgress struct {
	Note     string
	Evidence []RectEvidence
	By       Actor
}

// RectEvidence is one stored evidence file.
type RectEvidence struct {
	SHA         string
	Name        string
	Size        int64
	ContentType string
}

// RectVerification is an office reviewer's verdict on a closure request.
type RectVerification struct {
	Close  bool
	Reason string
	By     Actor
}

// RectRecord asks the database to store one action on an item, in one
// transaction with its audit event and notification. Seq orders the
// item's writes, so a retried activity changes nothing twice.
type RectRecord struct {
	CycleID string
	OrgCode string
	ItemID  string
	Seq     int
	// Exactly one of these is set.
	Progress     *RectProgress     `json:",omitempty"`
	Closure      *RectProgress     `json:",omitempty"`
	Verification *RectVerification `json:",omitempty"`
	At           time.Time
}

// RectState answers queries and updates: the item as its workflow sees it.
type RectState struct {
	CycleID  string
	OrgCode  string
	ItemID   string
	Status   RectStatus
	Category RectCategory
	// Due is the current due date: the item's, or the next check-in's of
	// a 长期坚持 item; zero when none.
	Due time.Time
	// FinalDue is the final deadline set by the 督办 step, once sent.
	FinalDue time.Time
	// CheckIn numbers the current check-in of a 长期坚持 item (from 1);
	// Due is its due date.
	CheckIn int `json:",omitempty"`
	// Level is the highest escalation sent for Due: 0 none, 1 提醒, 2 督办,
	// 3 约谈.
	Level    int `json:",omitempty"`
	Evidence int
	Seq      int
	// Waiting says in Chinese what the item waits for.
	Waiting string
}

// RectPlanRequest asks for the due date and steps of an item's current
// deadline: its due date, or the check-in numbered CheckIn of a 长期坚持
// item.
type RectPlanRequest struct {
	CycleID string
	OrgCode string
	ItemID  string
	CheckIn int
	From    time.Time
	// Due is the due date the workflow works to; zero means the row's.
	Due time.Time `json:",omitempty"`
}

// Rectification deadline step names: 提醒 before the due date, 督办/告诫
// when it passes (setting a final deadline), 约谈/通报 when the final
// deadline passes too. Reminders are named like a deadline's
// (ReminderStep).
const (
	StepRectSupervise = "supervise" // 督办/告诫
	StepRectSummon    = "summon"    // 约谈/通报
)

// RectStepKey builds a rectification step's DeadlineStep.Key: it names the
// item's workflow, the check-in (0 for an item with one due date), the due
// date and the step, so a moved due date or the next check-in gets steps
// of its own and each step is sent once.
func RectStepKey(cycleID, orgCode, itemID string, checkIn int, due time.Time, step string) string {
	return RectificationWorkflowID(cycleID, orgCode, itemID) + "/c" + strconv.Itoa(checkIn) +
		"/" + due.UTC().Format("20060102T150405Z") + "/" + step
}

// RectPlan is an item's deadline with its steps in time order.
type RectPlan struct {
	CheckIn  int
	Due      time.Time
	FinalDue time.Time
	Steps    []DeadlineStep
}

// RectStepRequest asks an activity to send one step of a RectPlan.
type RectStepRequest struct {
	CycleID string
	OrgCode string
	ItemID  string
	Plan    RectPlan
	Step    DeadlineStep
	At      time.Time
}

// RectCarryRequest asks the database to carry an item that is not closed
// when its cycle closes into the bureau's next cycle (or to wait for it).
type RectCarryRequest struct {
	CycleID string
	OrgCode string
	ItemID  string
	Seq     int
	At      time.Time
}

// RectStartRequest asks an activity to start the item workflows of an
// approved return's 存在问题 rows, or of carried items waiting for the
// bureau's new cycle.
type RectStartRequest struct {
	CycleID string
	OrgCode string
	Version int `json:",omitempty"`
	// By is who caused the start: the reviewer who approved the return.
	By Actor
}

// RectStartResult lists the items whose workflows run.
type RectStartResult struct {
	ItemIDs []string
}
