package bench

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"

	// Drivers for the bare pool: the same ones GORM uses underneath.
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/lawcycle/lawcycle/service"
	"github.com/lawcycle/lawcycle/store"
	"github.com/lawcycle/lawcycle/wire"
)

// The statements GET /cycles/{id} runs, minus authentication.
const (
	cycleSQL  = `SELECT id, year, title, status, office_id, submission_due, publication_due, doc_no, created_at, launched_at, fanned_out_at FROM cycles WHERE id = ?`
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

// Serve answers /cycles/{id} and /cycles/{id}/bureaus on ln.
func (b *Baseline) Serve(ln net.Listener) error {
	return http.Serve(ln, b.Handler())
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
	var v service.CycleView
	var officeID uint
	if err := b.db.QueryRowContext(ctx, b.rebind(cycleSQL), id).Scan(&v.ID, &v.Year, &v.Title, &v.Status, &officeID,
		&v.SubmissionDue, &v.PublicationDue, &v.DocNo, &v.CreatedAt, &v.LaunchedAt, &v.FannedOutAt); err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	if err := b.db.QueryRowContext(ctx, b.rebind(officeSQL), officeID).Scan(&v.OfficeCode, &v.OfficeName); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	v.Progress = map[string]int64{}
	for _, s := range wire.Stages {
		v.Progress[string(s)] = 0
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
		v.Notice = &n
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
