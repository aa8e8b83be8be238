package httpclient

import (
	"errors"
	"net"
)

// NotSent reports whether err shows a request never left: no connection
// to the server (or to the proxy in front of it) was made or secured. A
// request that may have left may have been acted on, such as a refresh
// token spent.
func NotSent(err error) bool {
	var op *net.OpError
	var te *TimeoutError
	return errors.As(err, &op) && (op.Op == "dial" || op.Op == "proxyconnect") ||
		errors.As(err, &te) && te.Stage < StageAnswer
}
