package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/lawcycle/lawcycle/calendar"
	"github.com/lawcycle/lawcycle/internal/apperr"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/rules"
	"github.com/lawcycle/lawcycle/wire"
)

// updateTimeout bounds how long a person waits for a workflow's answer to
// an action; the workflow keeps going if the caller gives up.
const updateTimeout = 30 * time.Second

// What a refused update says when the workflow it was sent to is not
// running.
const (
	bureauNotRunning = "该单位的流程尚未启动或已结束"
	cycleNotRunning  = "周期流程尚未启动或已结束"
)

// workflowUpdate is a person's action sent to a workflow as a Temporal
// Update (docs/architecture.md#updates-signals-and-queries): the caller gets the result or the validator's refusal.
type workflowUpdate struct {
	// what names the action in Chinese for messages ("审核").
	what       string
	workflowID string
	updateID   string
	name       string
	arg        any
	// notRunning is the reason given when the workflow does not exist.
	notRunning string
	// replayable: updateID names this request, so an earlier attempt of
	// it may have completed (see checkedUpdate).
	replayable bool
}

// bureauUpdate is an action on a bureau's workflow, identified by the
// request and its content (updateID).
func bureauUpdate(p Principal, id, org, what, name string, arg any) workflowUpdate {
	return workflowUpdate{what: what, workflowID: wire.BureauWorkflowID(id, org), notRunning: bureauNotRunning,
		updateID: updateID(name, p, arg), name: name, arg: arg, replayable: p.RequestID != ""}
}

// cycleUpdate is an action on a cycle's workflow.
func cycleUpdate(p Principal, id, what, name string, arg any) workflowUpdate {
	return workflowUpdate{what: what, workflowID: wire.CycleWorkflowID(id), notRunning: cycleNotRunning,
		updateID: updateID(name, p, arg), name: name, arg: arg, replayable: p.RequestID != ""}
}

// update sends u and waits until it completes, decoding its result into out.
func (s *Service) update(ctx context.Context, u workflowUpdate, out any) error {
	if s.Temporal == nil {
		return apperr.Unavailable(fmt.Sprintf("%s失败：工作流服务未连接，请稍后重试", u.what))
	}
	ctx, cancel := context.WithTimeout(ctx, updateTimeout)
	defer cancel()
	handle, err := s.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID:   u.workflowID,
		UpdateID:     u.updateID,
		UpdateName:   u.name,
		Args:         []any{u.arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = handle.Get(ctx, out)
	}
	if err != nil {
		return updateError(u.what, u.notRunning, err)
	}
	return nil
}

// checkedUpdate sends u unless refusal, the service's own check of the
// state the read model shows, says no. A retried request (the client saw a
// timeout or a 503 and sent it again with the same request id) whose first
// attempt completed finds the state that attempt produced and would be
// refused; it gets the first attempt's answer instead, which Temporal keeps
// under the update's ID, so a retry never turns success into a 409.
func (s *Service) checkedUpdate(ctx context.Context, u workflowUpdate, refusal error, out any) error {
	if refusal == nil {
		return s.update(ctx, u, out)
	}
	if s.answered(ctx, u, out) {
		return nil
	}
	return refusal
}

// firstRefusal is the first of the checks that refused, if any.
func firstRefusal(checks ...error) error {
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	return nil
}

// answered reports whether an update with u's ID already completed
// successfully on u's workflow, decoding its result into out. An update
// still in flight is waited for; one refused by the validator was never
// recorded and is not found.
func (s *Service) answered(ctx context.Context, u workflowUpdate, out any) bool {
	if s.Temporal == nil || !u.replayable {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, updateTimeout)
	defer cancel()
	handle := s.Temporal.GetWorkflowUpdateHandle(client.GetWorkflowUpdateHandleOptions{
		WorkflowID: u.workflowID, UpdateID: u.updateID,
	})
	if err := handle.Get(ctx, out); err != nil {
		// Not found: no earlier attempt, or one the validator refused. An
		// application error: the earlier attempt failed, and this one is
		// refused like it. Anything else is worth a line in the log.
		var notFound *serviceerror.NotFound
		var failed *temporal.ApplicationError
		if !errors.As(err, &notFound) && !errors.As(err, &failed) {
			s.Logger.Warn("look up an earlier attempt of an update", "workflow_id", u.workflowID, "update_id", u.updateID, "error", err)
		}
		return false
	}
	return true
}

// updateError turns a refused update into a 409 with the workflow's own
// Chinese reason; an unreachable Temporal into a 503.
func updateError(what, notRunning string, err error) error {
	var app *temporal.ApplicationError
	if errors.As(err, &app) && app.Type() == wire.RefusedErrorType {
		return refusalError(app.Message(), wire.RefusalInfoOf(app))
	}
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return apperr.Conflict(what + "失败：" + notRunning)
	}
	return temporalError(what, err)
}

// requestKey is the HTTP request id, or a fresh one for callers without
// (the CLI, tests), so update ids never collide by accident.
func requestKey(p Principal) string {
	if p.RequestID != "" {
		return p.RequestID
	}
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// updateID makes a retried HTTP request (same request id, same content)
// the same update, answered with the first result, while anything else is
// a new update for the workflow's validator to judge.
func updateID(name string, p Principal, arg any) string {
	b, err := json.Marshal(arg)
	if err != nil {
		b = []byte(fmt.Sprint(arg))
	}
	sum := sha256.Sum256(b)
	return name + "/" + requestKey(p) + "/" + hex.EncodeToString(sum[:6])
}

// wireActor is the principal as workflow payloads carry it.
func (p Principal) wireActor() wire.Actor {
	return wire.Actor{UserID: p.UserID, Name: p.Username, Role: string(p.Role), OrgCode: p.OrgCode, RequestID: p.RequestID}
}

// requireOfficeAdmin refuses everyone but admins (the route refuses them
// too; the service does not rely on it).
func requireOfficeAdmin(p Principal, action string) error {
	if p.Role != rules.RolePlatformAdmin && p.Role != rules.RoleAdmin {
		return apperr.Forbidden(fmt.Sprintf("只有法治办管理员可以%s", action))
	}
	return nil
}

// cycleRunning refuses an action on a cycle that has not started or has
// closed: no workflow would take it.
func cycleRunning(c models.Cycle, action string) error {
	return ruleError(rules.CycleRunning(c.Status, action))
}

// fieldErrors collects the 422 details of one request, so every problem
// is reported at once.
type fieldErrors []apperr.Detail

func (f *fieldErrors) add(index int, field, msg string) {
	*f = append(*f, apperr.Field(index, field, msg))
}

// text trims s and checks its length; blank is a problem when required.
func (f *fieldErrors) text(field, label, s string, limit int, required bool) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "" && required:
		f.add(-1, field, fmt.Sprintf("请填写%s", label))
	case utf8.RuneCountInString(s) > limit:
		f.add(-1, field, fmt.Sprintf("%s不能超过%d个字，实际为%d个字", label, limit, utf8.RuneCountInString(s)))
	}
	return s
}

// err is the 422 for what was collected, or nil: one problem is the
// message itself, several are counted.
func (f fieldErrors) err(what string) error {
	switch len(f) {
	case 0:
		return nil
	case 1:
		return apperr.Validation(f[0].Message, f...)
	}
	return apperr.Validation(fmt.Sprintf("%s有 %d 处问题，如：%s", what, len(f), f[0].Message), f...)
}

// parseDue reads a due-date setting as offices write it ("2026-03-10",
// "2026年3月10日", "5个工作日"). Malformed is a 400; a date already past is
// collected as a problem of field.
func (s *Service) parseDue(f *fieldErrors, field, label, raw string) (wire.DueSetting, *calendar.Date, error) {
	dl, err := calendar.ParseDeadline(raw)
	if err != nil {
		return wire.DueSetting{}, nil, apperr.Invalid(fmt.Sprintf("%s：%s", label, err.Error()), apperr.Field(-1, field, "格式不正确"))
	}
	if dl.Date == nil {
		return wire.DueSetting{Workdays: dl.Workdays}, nil, nil
	}
	if dl.Date.Before(calendar.DateOf(s.now())) {
		f.add(-1, field, fmt.Sprintf("%s（%s）已过，请设置今后的日期", label, dl.Date.Chinese()))
	}
	return wire.DueSetting{Date: dl.Date.String()}, dl.Date, nil
}

// parseDay reads a YYYY-MM-DD date; malformed is a 400 naming field.
func parseDay(field, label, raw string) (calendar.Date, error) {
	d, err := calendar.ParseDate(raw)
	if err != nil {
		return d, apperr.Invalid(fmt.Sprintf("%s：%s", label, err.Error()), apperr.Field(-1, field, "格式不正确"))
	}
	return d, nil
}
