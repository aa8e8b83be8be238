package httpclient

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"
)

// bounded puts the overall limit on each request and turns running out of
// time into a *TimeoutError. http.Client.Timeout is not used: its error
// cannot tell how far the request got, and it does not cover a body read
// after Do returned in a way callers can recognise.
type bounded struct {
	base *http.Transport
	cfg  Config
}

func (b *bounded) RoundTrip(req *http.Request) (*http.Response, error) {
	parent := req.Context()
	ctx, cancel := context.WithTimeout(parent, b.cfg.Overall)
	var stage atomic.Int32
	ctx = httptrace.WithClientTrace(ctx, tracer(&stage, req.URL.Scheme == "https"))
	proxy := ""
	if u, err := b.cfg.Proxy(req); err == nil && u != nil {
		proxy = u.Host // never the proxy's user name or password
	}
	spent := func(err error) *TimeoutError {
		if parent.Err() != nil || !isTimeout(err) {
			return nil // the caller gave up, or this is not about time
		}
		s := Stage(stage.Load())
		after := b.cfg.limit(s)
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			after = b.cfg.Overall
		}
		return &TimeoutError{Endpoint: endpoint(req), Proxy: proxy, Stage: s, After: after, Setting: settingOf(parent)}
	}

	resp, err := b.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		te := spent(err)
		cancel()
		if te != nil {
			return nil, te
		}
		return nil, err
	}
	stage.Store(int32(StageBody))
	resp.Body = &boundedBody{ReadCloser: resp.Body, cancel: cancel, spent: spent}
	return resp, nil
}

// limit is the step limit that applies while a request is at stage s.
func (c Config) limit(s Stage) time.Duration {
	switch s {
	case StageConnect:
		return c.Connect
	case StageSecure:
		return c.TLSHandshake
	case StageAnswer:
		return c.ResponseHeader
	}
	return c.Overall
}

// tracer records how far a request got. The transport may call these from
// its own goroutines, hence the atomic.
func tracer(stage *atomic.Int32, secure bool) *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		ConnectDone: func(_, _ string, err error) {
			if err == nil && secure {
				stage.CompareAndSwap(int32(StageConnect), int32(StageSecure))
			} else if err == nil {
				stage.CompareAndSwap(int32(StageConnect), int32(StageAnswer))
			}
		},
		GotConn: func(httptrace.GotConnInfo) { stage.Store(int32(StageAnswer)) },
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// boundedBody keeps the overall limit running while the body is read and
// releases it on Close.
type boundedBody struct {
	io.ReadCloser
	cancel context.CancelFunc
	spent  func(error) *TimeoutError
}

func (b *boundedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		if te := b.spent(err); te != nil {
			return n, te
		}
	}
	return n, err
}

func (b *boundedBody) Close() error {
	defer b.cancel()
	return b.ReadCloser.Close()
}
