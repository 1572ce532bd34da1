package planetscale

// WithMaxResponseBody sets the cap on a 2xx body (decoded bytes, whole
// MiB) of one client, so that a test can show what the cap counts without
// streaming the real cap's 32 MiB.
func WithMaxResponseBody(n int64) Option {
	return func(s *settings) error {
		s.maxBody = n
		return nil
	}
}
