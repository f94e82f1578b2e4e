package bench

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	// Drivers for the bare pool: the same ones GORM uses underneath.
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/lawcycle/lawcycle/internal/chinatime"
	"github.com/lawcycle/lawcycle/internal/store"
	"github.com/lawcycle/lawcycle/models"
	"github.com/lawcycle/lawcycle/service"
	"github.com/lawcycle/lawcycle/wire"
)

// The statements GET /cycles/{id} runs, minus authentication.
const (
	cycleSQL  = `SELECT id, year, title, status, office_id, submission_due, publication_due, doc_no, catalogues, settings, created_at, launched_at, fanned_out_at, closing_at, closed_at, outcome FROM cycles WHERE id = ?`
	officeSQL = `SELECT code, name FROM organisations WHERE id = ?`
	stagesSQL = `SELECT stage, COUNT(*) AS n FROM cycle_participants WHERE cycle_id = ? GROUP BY stage`
	noticeSQL = `SELECT doc_no, title, issued_at FROM notices WHERE cycle_id = ?`
)

// Baseline serves the two read endpoints with nothing but net/http, a bare
// database/sql pool of the same size as lawcycle's, the same SQL and
// encoding/json: what the endpoints would cost without lawcycle's stack.
type Baseline struct {
	db       *sql.DB
	postgres bool
}

// OpenBaseline opens the bare pool for the same target lawcycle resolves.
func OpenBaseline(databaseURL, dataDir string) (*Baseline, error) {
	t, err := store.Resolve(databaseURL, dataDir)
	if err != nil {
		return nil, err
	}
	driver, size := "sqlite", 8
	if t.Dialect == store.Postgres {
		driver, size = "pgx", 20
	}
	db, err := sql.Open(driver, t.DSN)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(size)
	db.SetMaxIdleConns(size)
	return &Baseline{db: db, postgres: t.Dialect == store.Postgres}, db.Ping()
}

// Close closes the pool.
func (b *Baseline) Close() error { return b.db.Close() }

// Serve answers /cycles/{id} and /cycles/{id}/bureaus on ln with net/http.
func (b *Baseline) Serve(ln net.Listener) error {
	return http.Serve(ln, b.Handler())
}

// ServeFiber answers the same with the same handler behind Fiber's server
// (fasthttp), lawcycle's transport: the diagnostic that separates what the
// transport costs from what lawcycle's code costs.
func (b *Baseline) ServeFiber(ln net.Listener) error {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Use(adaptor.HTTPHandler(b.Handler()))
	return app.Listener(ln)
}

// Handler routes the two endpoints.
func (b *Baseline) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /cycles/{id}", b.cycle)
	mux.HandleFunc("GET /cycles/{id}/bureaus", b.bureaus)
	return mux
}

// rebind turns ? placeholders into PostgreSQL's $n.
func (b *Baseline) rebind(q string) string {
	if !b.postgres {
		return q
	}
	var sb strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&sb, "$%d", n)
			continue
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

func (b *Baseline) cycle(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	var c models.Cycle
	if err := b.db.QueryRowContext(ctx, b.rebind(cycleSQL), id).Scan(&c.ID, &c.Year, &c.Title, &c.Status, &c.OfficeID,
		&c.SubmissionDue, &c.PublicationDue, &c.DocNo, &c.Catalogues, &c.Settings, &c.CreatedAt, &c.LaunchedAt, &c.FannedOutAt,
		&c.ClosingAt, &c.ClosedAt, &c.Outcome); err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	var code, name string
	if err := b.db.QueryRowContext(ctx, b.rebind(officeSQL), c.OfficeID).Scan(&code, &name); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	v, err := service.CycleViewOf(c, code, name)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	rows, err := b.db.QueryContext(ctx, b.rebind(stagesSQL), id)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	for rows.Next() {
		var stage string
		var n int64
		if err := rows.Scan(&stage, &n); err != nil {
			rows.Close()
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		v.Progress[stage] = n
		v.BureauCount += n
	}
	rows.Close()
	var n service.NoticeView
	if err := b.db.QueryRowContext(ctx, b.rebind(noticeSQL), id).Scan(&n.DocNo, &n.Title, &n.IssuedAt); err == nil {
		n.IssuedAt = chinatime.In(n.IssuedAt)
		v.DocNo, v.Notice = n.DocNo, &n
	}
	writeJSON(w, v)
}

func (b *Baseline) bureaus(w http.ResponseWriter, r *http.Request) {
	rows, err := b.db.QueryContext(r.Context(), b.rebind(service.BureausSQL), r.PathValue("id"), "", "", "")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer rows.Close()
	out := []service.BureauRow{}
	for rows.Next() {
		var row service.BureauRow
		var flags string
		if err := rows.Scan(&row.OrgCode, &row.OrgName, &row.Stage, &row.Round, &row.SubmissionDue, &row.PublicationDue, &flags); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		row.StageLabel = wire.Stage(row.Stage).Label()
		row.SubmissionDue, row.PublicationDue = chinatime.In(row.SubmissionDue), chinatime.In(row.PublicationDue)
		if err := json.Unmarshal([]byte(flags), &row.Flags); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		out = append(out, row)
	}
	writeJSON(w, out)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
