package wire

import "time"

// PublishRequest records a bureau's published report (docs/domain.md#publication,
// §6): where and how it was published, after the 保密审查 and the principal
// leader's sign-off (审定). An empty IndexNo is generated.
type PublishRequest struct {
	URL             string
	IndexNo         string
	IssuedOn        string // 成文日期, YYYY-MM-DD
	Publisher       string // 发布单位
	Method          string // 公开方式, e.g. 政府网站
	SecrecyReviewed bool
	LeaderApproved  bool
	By              Actor
}

// PublicationRecord asks the database to store the publication, flag it
// late against Due, and complete the bureau, in one transaction.
type PublicationRecord struct {
	CycleID string
	OrgCode string
	Request PublishRequest
	Due     time.Time
	Seq     int64
	At      time.Time
}

// PublishResult answers UpdatePublish.
type PublishResult struct {
	IndexNo     string
	Late        bool
	Stage       Stage
	PublishedAt time.Time
}
