// Package attendance is the attendance vocabulary on top of the ledger: typed event
// payloads and the commands that produce them, each authorized inside the library.
package attendance
