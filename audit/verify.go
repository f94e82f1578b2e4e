package audit

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/lawcycle/lawcycle/models"
)

// Problem is one break in the chain.
type Problem struct {
	Seq     int64
	ID      uint
	Message string
}

// Report is the outcome of Verify.
type Report struct {
	Events   int64
	HeadSeq  int64
	HeadHash string
	Problems []Problem
}

// OK reports an intact chain.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// Verify walks the chain in order and reports every edited row (its hash
// no longer matches its content), every missing row (a gap in the sequence)
// and every broken link. Rows removed from the end of the chain leave no
// gap: compare HeadSeq and HeadHash with a head noted earlier for that.
func Verify(ctx context.Context, db *gorm.DB) (Report, error) {
	var r Report
	prev, expect := models.GenesisHash, int64(1)
	for {
		var batch []models.AuditEvent
		if err := db.WithContext(ctx).Where("seq >= ?", expect).Order("seq").Limit(1000).Find(&batch).Error; err != nil {
			return r, fmt.Errorf("read audit events: %w", err)
		}
		if len(batch) == 0 {
			return r, nil
		}
		for _, ev := range batch {
			r.Events++
			if ev.Seq != expect {
				r.Problems = append(r.Problems, Problem{Seq: ev.Seq, ID: ev.ID,
					Message: fmt.Sprintf("第 %d 至 %d 条记录缺失（已被删除）", expect, ev.Seq-1)})
			} else if ev.PrevHash != prev {
				r.Problems = append(r.Problems, Problem{Seq: ev.Seq, ID: ev.ID,
					Message: "与前一条记录的哈希链接不符（前一条记录已被修改或替换）"})
			}
			if ev.ChainHash(ev.PrevHash) != ev.Hash {
				r.Problems = append(r.Problems, Problem{Seq: ev.Seq, ID: ev.ID,
					Message: "记录内容与其哈希不符（记录已被修改）"})
			}
			prev, expect = ev.Hash, ev.Seq+1
			r.HeadSeq, r.HeadHash = ev.Seq, ev.Hash
		}
	}
}
