package projection

// StopBeforeLastFlush makes every catch-up fail with err just before its last flush,
// until the returned function is called.
func StopBeforeLastFlush(err error) (restore func()) {
	beforeLastFlush = func() error { return err }
	return func() { beforeLastFlush = nil }
}
