package atlassian

import (
	"context"
	"time"
)

// WithClock makes c read the time from now and record its waits in wait
// instead of sleeping.
func WithClock(c *Client, now func() time.Time, wait func(ctx context.Context, d time.Duration) error) *Client {
	c.now, c.wait = now, wait
	return c
}
