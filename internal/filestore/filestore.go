// Package filestore keeps uploaded files content-addressed in the database
// (docs/architecture.md#files): a file is named by the SHA-256 of its bytes, stored once, and
// never changed.
package filestore

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/lawcycle/lawcycle/models"
)

// Sum is the hex SHA-256 of data, the name it is stored under.
func Sum(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// Put stores data under its hash unless it is already there, and returns
// the hash. Concurrent puts of the same bytes are harmless.
func Put(tx *gorm.DB, data []byte, contentType string) (string, error) {
	sha := Sum(data)
	blob := models.Blob{SHA256: sha, Size: int64(len(data)), ContentType: contentType, Data: data}
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&blob).Error; err != nil {
		return "", fmt.Errorf("store blob %s: %w", sha, err)
	}
	return sha, nil
}

// ErrNotFound: no blob has that hash.
var ErrNotFound = errors.New("blob not found")

// Get loads a blob by hash.
func Get(tx *gorm.DB, sha string) (models.Blob, error) {
	var blob models.Blob
	err := tx.Take(&blob, "sha256 = ?", sha).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return blob, ErrNotFound
	}
	if err != nil {
		return blob, fmt.Errorf("load blob %s: %w", sha, err)
	}
	return blob, nil
}
