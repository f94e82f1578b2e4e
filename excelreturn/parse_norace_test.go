//go:build !race

package excelreturn_test

// rdRace is true in a -race build, whose memory use says nothing about a
// normal one.
const rdRace = false
