package wire

import (
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
)

// Search attributes let operators find executions in Temporal's UI and CLI,
// e.g. `temporal workflow list --query 'LawcycleOrgCode="rsj" AND
// LawcycleStage="awaiting_submission"'`. They must be registered with the
// namespace before a workflow sets them (SearchAttributeTypes).
var (
	SearchCycleID = temporal.NewSearchAttributeKeyKeyword("LawcycleCycleID")
	SearchYear    = temporal.NewSearchAttributeKeyInt64("LawcycleYear")
	SearchOrgCode = temporal.NewSearchAttributeKeyKeyword("LawcycleOrgCode")
	// SearchStage is a bureau's stage, or a cycle's status.
	SearchStage = temporal.NewSearchAttributeKeyKeyword("LawcycleStage")
)

// SearchAttributeTypes are lawcycle's search attributes with their types,
// as the namespace registers them.
func SearchAttributeTypes() map[string]enumspb.IndexedValueType {
	return map[string]enumspb.IndexedValueType{
		SearchCycleID.GetName(): enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		SearchYear.GetName():    enumspb.INDEXED_VALUE_TYPE_INT,
		SearchOrgCode.GetName(): enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		SearchStage.GetName():   enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	}
}

// Roles as wire.Actor.Role carries them (the same strings as models'
// roles), for validators that refuse a bureau acting on itself.
const (
	ActorRoleBureau        = "bureau"
	ActorRoleViewer        = "viewer"
	ActorRoleReviewer      = "reviewer"
	ActorRoleAdmin         = "admin"
	ActorRolePlatformAdmin = "platform_admin"
)
