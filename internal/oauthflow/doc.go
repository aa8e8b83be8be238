// Package oauthflow runs an OAuth 2.0 authorization-code consent from a
// terminal and keeps the resulting tokens fresh. It knows nothing of the
// wizard or the command line; internal/consent puts it together with the
// Atlassian calls and the profile store.
//
// A consent is one Session:
//
//	s, err := oauthflow.Begin(ctx, cfg)   // binds the loopback listener first
//	defer s.Close()
//	show(s.AuthURL())                     // and open it in a browser
//	go func() { if s.WaitStalled(ctx) { showHint() } }()
//	cb, err := s.Wait(ctx)                // first valid callback, or a Paste
//	grant, err := s.Exchange(ctx, cb)
//
// The session listens on exactly the host and port of the Redirect URL
// (for localhost on both 127.0.0.1 and ::1), answers only GET on the
// Redirect URL's path, and compares state in constant time. Any other
// request gets a small error page and the wait goes on; the first valid
// callback, a refusal (error=access_denied and friends), the timeout or
// Close ends it (a cancelled Wait only stops waiting). An admin without a
// local browser pastes the address the browser was sent to instead
// (Session.Paste); the same checks apply.
//
// Errors meant for people are *Error values: errors.Is(err, ErrDenied) and
// the other Err* kinds let a caller react, and the message says what
// happened and what to do.
//
// StoredTokenSource refreshes under the profile store's cross-process lock,
// so rotating refresh tokens are never lost.
package oauthflow
